// `kpd sync [--jobs FILE]`: one pass over the followed jobs (data/jobs.json):
// each job's new or changed builds are read from its bucket, one job at a
// time. Exit 1 when a job could not be read whole (its error is stored and
// shown on the overview too).
import type { DB } from '../lib/db/open';
import { remoteSettingsFromEnv } from '../ingest/remote';
import { jobsFile, loadJobsConfig } from '../ingest/sync/config';
import { syncOnce } from '../ingest/sync/sync';
import { printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

export async function syncCommand(db: DB, o: CommonOptions & { jobs?: string }, out: Out): Promise<number> {
  const file = jobsFile(o.jobs);
  const jobs = loadJobsConfig(file);
  const log = o.json ? undefined : (line: string) => process.stderr.write(`kpd sync: ${line}\n`);
  const results = await syncOnce(db, jobs, remoteSettingsFromEnv(), log);
  if (o.json) {
    printJson(out, { file, jobs: results });
  } else {
    out(
      table(
        [
          ['job', 'outcome', 'builds', 'new', 'unchanged', 'running', 'failed', 'seconds', 'error'],
          ...results.map((r) => [r.job, r.outcome, r.builds, r.newBuilds, r.unchanged, r.running, r.failedBuilds, r.seconds.toFixed(1), r.error]),
        ],
        new Set([2, 3, 4, 5, 6, 7]),
      ),
    );
  }
  return results.every((r) => r.outcome === 'ok') ? 0 : 1;
}
