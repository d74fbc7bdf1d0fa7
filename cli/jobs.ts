// `kpd jobs` (every job: its builds, its newest build, its last sync) and
// `kpd tests --job J` (a job's tests and the node configs each ran on): what
// to pass as --job, --test, --image and --machine to the other commands.
import type { DB } from '../lib/db/open';
import { listJobs } from '../lib/queries/builds';
import { jobOptions } from '../lib/queries/options';
import { jobSyncStates, type JobSyncState } from '../lib/queries/sync';
import { toIsoOrNull } from '../lib/time';
import { plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

const shortTime = (us: number | null | undefined) => toIsoOrNull(us)?.slice(0, 16).replace('T', ' ') ?? null;

const syncText = (s: JobSyncState | undefined) =>
  !s ? 'not followed' : s.lastSync === null ? 'never synced' : `${shortTime(s.lastSync)} ${s.outcome ?? 'running'}`;

export function jobsCommand(db: DB, o: CommonOptions, out: Out): number {
  const sync = new Map(jobSyncStates(db).map((s) => [s.job, s]));
  const jobs = listJobs(db);
  if (o.json) {
    printJson(out, {
      jobs: jobs.map((j) => {
        const s = sync.get(j.job);
        return {
          ...j,
          latest: j.latest ? { ...j.latest, started: toIsoOrNull(j.latest.started) } : null,
          sync: s ? { ...s, lastSync: toIsoOrNull(s.lastSync), finished: toIsoOrNull(s.finished), lastOk: toIsoOrNull(s.lastOk) } : null,
        };
      }),
    });
    return 0;
  }
  if (!jobs.length) {
    out('no jobs yet: kpd ingest DIR, kpd sync or kpd demo add some');
    return 0;
  }
  out(
    table([
      ['job', 'builds', 'last build', 'started (UTC)', 'result', 'last sync (UTC)'],
      ...jobs.map((j) => [j.job, j.builds, j.latest?.number, shortTime(j.latest?.started), j.latest?.result, syncText(sync.get(j.job))]),
    ]),
  );
  return 0;
}

export function testsCommand(db: DB, o: CommonOptions & { job: string }, out: Out): number {
  const opts = jobOptions(db, o.job);
  if (o.json) {
    printJson(out, opts);
    return 0;
  }
  if (!opts.tests.length) {
    out(`job ${o.job} has no tests yet`);
    return 0;
  }
  out(
    table([
      ['test', 'image', 'machine', 'builds', 'first build', 'last build'],
      ...opts.tests.flatMap((t) => t.configs.map((c, i) => [i === 0 ? t.name : '', c.image, c.machine, c.builds, c.firstBuild, c.lastBuild])),
    ]),
  );
  const configs = opts.tests.reduce((n, t) => n + t.configs.length, 0);
  out(`${plural(opts.tests.length, 'test')} on ${plural(configs, 'node config')} (pass --test, --image and --machine to the other commands)`);
  return 0;
}
