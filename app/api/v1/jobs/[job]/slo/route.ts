// GET /api/v1/jobs/[job]/slo[?build=N] — each SLO's value and verdict on a
// build (the newest by default), as `kpd slo check --json`. A broken SLO
// config is the server's fault: 500 with the file and place of the problem.
import { loadSloRules, sloStatus } from '@/lib/queries/slo';
import { answer } from '@/lib/server/api';
import { buildOf, paramsOf } from '@/app/params';
import { serverDb } from '@/lib/server/db';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => sloStatus(serverDb(), job, buildOf(p), loadSloRules()));
}
