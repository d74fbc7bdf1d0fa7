// GET /api/v1/jobs — the Overview: every job with its latest build, recent results and staleness.
import { jobsOverview } from '@/lib/queries/overview';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { toIsoOrNull } from '@/lib/time';

export async function GET() {
  return answer(() => ({
    jobs: jobsOverview(serverDb(), Date.now() * 1000).map((j) => ({
      ...j,
      latest: j.latest ? { ...j.latest, started: toIsoOrNull(j.latest.started) } : null,
    })),
  }));
}
