// `kpd reingest --job J [--build N]`: re-parses builds from where they were
// read (kept upload archives, build directories, a bucket's objects through
// the cache) and re-writes them even when the bytes are unchanged: what to
// run after a parser fix.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { reingest } from '../ingest/reingest';
import { plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

export async function reingestCommand(
  db: DB,
  o: CommonOptions & { job: string; build?: BuildId },
  out: Out,
): Promise<number> {
  const { results, missing, failed } = await reingest(db, o.job, o.build);
  if (o.json) {
    printJson(out, { job: o.job, reingested: results, missing });
  } else {
    if (results.length) {
      out(table([['build', 'outcome', 'runs', 'warnings'], ...results.map((r) => [r.number, r.outcome, r.runs, r.warnings])]));
    }
    out(`${plural(results.length, 'build')} of ${o.job} re-parsed` + (missing.length ? `; ${plural(missing.length, 'source')} missing` : ''));
  }
  for (const m of missing) process.stderr.write(`kpd: build ${o.job}#${m.number}: source ${m.source} is gone; not re-parsed\n`);
  for (const f of failed) process.stderr.write(`kpd: build ${o.job}#${f.number}: ${f.error}; not re-parsed\n`);
  return missing.length || failed.length ? 1 : 0;
}
