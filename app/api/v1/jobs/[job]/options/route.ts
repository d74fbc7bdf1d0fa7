// GET /api/v1/jobs/[job]/options — the job's tests (with parsed options) and the node configs each ran on.
import { jobOptions } from '@/lib/queries/options';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';

export async function GET(_req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  return answer(() => jobOptions(serverDb(), job));
}
