// GET /api/v1/jobs/[job]/builds — the job's builds, as `kpd builds --json`.
import { listBuilds } from '@/lib/queries/builds';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { toIsoOrNull } from '@/lib/time';

export async function GET(_req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  return answer(() => ({
    job,
    builds: listBuilds(serverDb(), job).map((b) => ({ ...b, started: toIsoOrNull(b.started) })),
  }));
}
