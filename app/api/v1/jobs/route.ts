// GET /api/v1/jobs — the Overview: every job with its latest build, recent results, staleness, SLO verdict and recent regressions;
// for jobs followed in a bucket, their last sync (`sync`), and every followed job's in `followed` (those with no build yet too).
import { jobsOverview } from '@/lib/queries/overview';
import { loadSloRules } from '@/lib/queries/slo';
import { jobSyncStates, type JobSyncState } from '@/lib/queries/sync';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { toIsoOrNull } from '@/lib/time';

const syncJson = (s: JobSyncState) => ({
  ...s,
  lastSync: toIsoOrNull(s.lastSync),
  finished: toIsoOrNull(s.finished),
  lastOk: toIsoOrNull(s.lastOk),
});

export async function GET() {
  return answer(() => {
    const followed = jobSyncStates(serverDb()).map(syncJson);
    const sync = new Map(followed.map((s) => [s.job, s]));
    return {
      jobs: jobsOverview(serverDb(), Date.now() * 1000, loadSloRules()).map((j) => ({
        ...j,
        latest: j.latest ? { ...j.latest, started: toIsoOrNull(j.latest.started) } : null,
        sync: sync.get(j.job) ?? null,
      })),
      followed,
    };
  });
}
