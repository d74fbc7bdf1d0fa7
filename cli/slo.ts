// `kpd slo check --job J [--build N]`: each SLO's value and verdict on a
// build; exits 1 when one is violated, so a CI job can gate on it. Reads the
// database, or with --server the same document from the dashboard's API.
import type { BuildId } from '../lib/build-id';
import fs from 'node:fs';
import type { DB } from '../lib/db/open';
import { loadSloRules, sloStatus, type SloStatus } from '../lib/queries/slo';
import { SloConfigError, type SloRule } from '../lib/slo';
import { ClientError, getJson } from './upload-client';
import { fixed, plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

export interface SloCheckOptions extends CommonOptions {
  job: string;
  build?: BuildId;
  slo?: string;
  server?: string;
}

/** The rules of --slo FILE (or the defaults), with config problems as one clear message. */
export function sloRules(file?: string): SloRule[] {
  if (file && !fs.existsSync(file)) throw new ClientError(`--slo ${file}: no such file`);
  try {
    return loadSloRules(file);
  } catch (e) {
    if (e instanceof SloConfigError) throw new ClientError(`SLO config: ${e.message}`);
    throw e;
  }
}

export async function fetchSloStatus(o: SloCheckOptions): Promise<SloStatus> {
  if (o.slo) throw new ClientError('--slo cannot be used with --server: the server checks its own SLO config');
  const q = o.build === undefined ? '' : `?build=${o.build}`;
  return (await getJson(o.server!, `/api/v1/jobs/${encodeURIComponent(o.job)}/slo${q}`)) as SloStatus;
}

export function printSloStatus(s: SloStatus, json: boolean | undefined, out: Out): number {
  if (json) {
    printJson(out, s);
  } else if (s.build === null) {
    out(`job ${s.job} has no builds`);
  } else if (!s.results.length) {
    out(`${s.job}#${s.build}: no SLO covers its runs`);
  } else {
    out(
      table([
        ['slo', 'test', 'image', 'machine', 'value', 'threshold', 'verdict'],
        ...s.results.map((r) => [
          r.slo,
          r.test,
          r.image,
          r.machine,
          r.value === null ? null : `${fixed(r.value)} ${r.unit ?? ''}`.trim(),
          `${r.direction === 'max' ? '<=' : '>='} ${r.threshold}${r.unit ? ` ${r.unit}` : ''}`,
          r.ok === null ? 'no data' : r.ok ? 'ok' : 'VIOLATED',
        ]),
      ]),
    );
    const bad = s.results.filter((r) => r.ok === false).length;
    out(`${s.job}#${s.build}: ` + (bad ? plural(bad, 'SLO violation') : 'all SLOs met'));
  }
  return s.ok ? 0 : 1;
}

export async function sloCheckCommand(db: DB | undefined, o: SloCheckOptions, out: Out): Promise<number> {
  const status = db ? sloStatus(db, o.job, o.build, sloRules(o.slo)) : await fetchSloStatus(o);
  return printSloStatus(status, o.json, out);
}
