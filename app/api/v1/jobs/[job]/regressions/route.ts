// GET /api/v1/jobs/[job]/regressions — the change points found in the job's
// series (regressions and improvements), as `kpd regressions --json`.
import { regressionsDocument } from '@/lib/queries/regressions';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  return answer(() => regressionsDocument(serverDb(), job));
}
