// GET /api/v1/jobs — the Overview: every job with its latest build, recent results, staleness, SLO verdict and recent regressions.
import { jobsOverview } from '@/lib/queries/overview';
import { loadSloRules } from '@/lib/queries/slo';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { toIsoOrNull } from '@/lib/time';

export async function GET() {
  return answer(() => ({
    jobs: jobsOverview(serverDb(), Date.now() * 1000, loadSloRules()).map((j) => ({
      ...j,
      latest: j.latest ? { ...j.latest, started: toIsoOrNull(j.latest.started) } : null,
    })),
  }));
}
