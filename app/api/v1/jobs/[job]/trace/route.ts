// GET /api/v1/jobs/[job]/trace?build=&test=&image=&machine=&from=&to= — latency between two probes
// in one build, as `kpd trace --json`: {from, to, count, missing, negative, matchedBy, p50, p90, p99} (ms), and
// `reversed` when every latency is negative (the probes the wrong way round).
import { traceRun } from '@/lib/queries/tracing';
import { answer, BadRequest } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { buildOf, one, paramsOf } from '@/app/params';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => {
    const build = buildOf(p);
    const test = one(p, 'test');
    const from = one(p, 'from');
    const to = one(p, 'to');
    if (build === undefined || !test || !from || !to) throw new BadRequest('build, test, from and to are required');
    return traceRun(serverDb(), { job, build, test, image: one(p, 'image'), machine: one(p, 'machine'), from, to });
  });
}
