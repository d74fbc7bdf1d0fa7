// `kpd regressions --job J`: the change points found in the job's series,
// newest first, each with its build, levels, relative change and whether it
// is a regression. Reads the database, or with --server the dashboard's API.
import type { DB } from '../lib/db/open';
import { regressionsDocument, type ChangeRecord } from '../lib/queries/regressions';
import type { ChangePointOptions } from '../lib/regressions';
import { ClientError, getJson } from './upload-client';
import { fmt, plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

export interface RegressionsOptions extends CommonOptions {
  job: string;
  server?: string;
  pValue?: number;
  minChange?: number;
  window?: number;
}

function detectorOptions(o: RegressionsOptions): Partial<ChangePointOptions> {
  return { pValue: o.pValue, minRelativeChange: o.minChange, window: o.window };
}

export async function regressionsCommand(db: DB | undefined, o: RegressionsOptions, out: Out): Promise<number> {
  let doc: { job: string; regressions: ChangeRecord[] };
  if (db) {
    try {
      doc = regressionsDocument(db, o.job, detectorOptions(o));
    } catch (e) {
      if (e instanceof RangeError) throw new ClientError(e.message);
      throw e;
    }
  } else {
    if (o.pValue !== undefined || o.minChange !== undefined || o.window !== undefined) {
      throw new ClientError('--p-value, --min-change and --window need the database; the server uses the defaults');
    }
    doc = (await getJson(o.server!, `/api/v1/jobs/${encodeURIComponent(o.job)}/regressions`)) as typeof doc;
  }
  if (o.json) {
    printJson(out, doc);
    return 0;
  }
  if (!doc.regressions.length) {
    out(`no change points in ${o.job}`);
    return 0;
  }
  out(
    table([
      ['build', 'test', 'image', 'machine', 'metric', 'stat', 'before', 'after', 'change', ''],
      ...doc.regressions.map((c) => [
        c.build,
        c.test,
        c.image,
        c.machine,
        c.metric,
        c.stat,
        fmt(c.before),
        fmt(c.after),
        c.change === null ? 'new' : `${c.change > 0 ? '+' : ''}${(c.change * 100).toFixed(1)} %`,
        c.regression ? 'REGRESSION' : 'improvement',
      ]),
    ]),
  );
  const n = doc.regressions.filter((c) => c.regression).length;
  out(`${plural(doc.regressions.length, 'change point')}, ${plural(n, 'regression')}`);
  return 0;
}
