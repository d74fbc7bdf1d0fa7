// Keeps followed jobs in step with their buckets: one pass reads each job in
// turn (never two at once), fetching only new or changed builds, and records
// when it ran, how it went and why it failed; one job's failure never stops
// the others. `kpd sync` runs one pass; `kpd serve --sync` runs a pass every
// so often next to the server.
import type { DB } from '../../lib/db/open';
import { recordFollowedJobs, recordSyncEnd, recordSyncStart, type SyncOutcome } from '../../lib/queries/sync';
import { ingestRemote, type RemoteBuildResult, type RemoteSettings } from '../remote';
import type { FollowedJob } from './config';

export interface SyncJobResult {
  job: string;
  source: string;
  outcome: SyncOutcome;
  error: string | null;
  /** Builds looked at, written (new or changed), skipped unchanged, still running (read once finished), and not read this time. */
  builds: number;
  newBuilds: number;
  unchanged: number;
  running: number;
  failedBuilds: number;
  seconds: number;
  results: RemoteBuildResult[];
}

/** At most this many failed builds are named in a job's error; the count says the rest. */
const NAMED_FAILURES = 3;

export async function syncOnce(
  db: DB,
  jobs: FollowedJob[],
  settings: RemoteSettings,
  log: (line: string) => void = () => {},
  signal?: AbortSignal,
): Promise<SyncJobResult[]> {
  recordFollowedJobs(
    db,
    jobs.map((j) => ({ job: j.name, source: j.source, displayName: j.displayName, prowUrl: j.prowUrl, artifactsUrl: j.artifactsUrl })),
  );
  const out: SyncJobResult[] = [];
  for (const j of jobs) {
    if (signal?.aborted) break;
    const t0 = Date.now();
    recordSyncStart(db, j.name, t0 * 1000);
    let r: SyncJobResult;
    try {
      const res = await ingestRemote(db, j.source, settings, { job: j.name, last: j.last, replaceOther: false, waitForFinished: true });
      const failed = res.builds.filter((b) => b.outcome === 'failed');
      r = {
        job: j.name,
        source: j.source,
        outcome: failed.length ? 'partial' : 'ok',
        error: failed.length
          ? `${failed.length} of ${res.builds.length} builds not read: ` +
            failed.slice(0, NAMED_FAILURES).map((b) => `${b.number}: ${b.error}`).join('; ') +
            (failed.length > NAMED_FAILURES ? '; …' : '')
          : null,
        builds: res.builds.length,
        newBuilds: res.builds.filter((b) => b.outcome === 'inserted' || b.outcome === 'replaced').length,
        unchanged: res.builds.filter((b) => b.outcome === 'unchanged').length,
        running: res.builds.filter((b) => b.outcome === 'running').length,
        failedBuilds: failed.length,
        seconds: (Date.now() - t0) / 1000,
        results: res.builds,
      };
    } catch (e) {
      r = {
        job: j.name,
        source: j.source,
        outcome: 'failed',
        error: e instanceof Error ? e.message : String(e),
        builds: 0,
        newBuilds: 0,
        unchanged: 0,
        running: 0,
        failedBuilds: 0,
        seconds: (Date.now() - t0) / 1000,
        results: [],
      };
    }
    recordSyncEnd(db, j.name, { outcome: r.outcome, error: r.error, newBuilds: r.newBuilds, failedBuilds: r.failedBuilds, now: Date.now() * 1000 });
    log(describeSync(r));
    out.push(r);
  }
  return out;
}

export function describeSync(r: SyncJobResult): string {
  const head = `${r.job} (${r.source}): `;
  if (r.outcome === 'failed') return `${head}failed: ${r.error}`;
  return (
    `${head}${r.builds} builds, ${r.newBuilds} new or changed, ${r.unchanged} unchanged` +
    (r.running ? `, ${r.running} still running` : '') +
    (r.failedBuilds ? `, ${r.failedBuilds} not read (${r.error})` : '') +
    ` in ${r.seconds.toFixed(1)} s`
  );
}

export interface SyncLoop {
  /** Stops after the job being synced, if any; resolves when the loop is idle. */
  stop(): Promise<void>;
}

/**
 * A pass now, then one every `everyMs` from the start of the last (at once
 * when a pass took longer). The jobs file is read at each pass, so edits
 * apply without a restart; a broken file skips the pass with its error.
 */
export function startSyncLoop(opts: {
  db: DB;
  loadJobs: () => FollowedJob[];
  settings: () => RemoteSettings;
  everyMs: number;
  log: (line: string) => void;
}): SyncLoop {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    const start = Date.now();
    try {
      const jobs = opts.loadJobs();
      const results = await syncOnce(opts.db, jobs, opts.settings(), opts.log, stopping.signal);
      const failed = results.filter((r) => r.outcome !== 'ok').length;
      opts.log(`pass done: ${results.length} jobs${failed ? `, ${failed} not fully read` : ''} in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    } catch (e) {
      opts.log(`pass skipped: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!stopping.signal.aborted) timer = setTimeout(schedule, Math.max(0, start + opts.everyMs - Date.now()));
  };
  const schedule = () => {
    running = pass();
  };
  schedule();
  return {
    stop: async () => {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
