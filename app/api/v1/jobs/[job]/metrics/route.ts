// GET /api/v1/jobs/[job]/metrics?test=&image=&machine=&metric=&from=&to=&last=
// — one metric across builds, as `kpd metrics --json`.
import { isMetricName } from '@/lib/model';
import { checkRange } from '@/lib/queries/builds';
import { metricSeries } from '@/lib/queries/metrics';
import { answer, BadRequest } from '@/lib/server/api';
import { buildOf, countOf, one, paramsOf } from '@/app/params';
import { serverDb } from '@/lib/server/db';
import { toIsoOrNull } from '@/lib/time';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => {
    const metric = one(p, 'metric') ?? '';
    const test = one(p, 'test');
    if (!isMetricName(metric)) throw new BadRequest(`metric must be one of latency, throughput, kubelet_cpu, kubelet_memory, runtime_cpu, runtime_memory`);
    if (!test) throw new BadRequest('test is required');
    const range = { from: buildOf(p, 'from'), to: buildOf(p, 'to') };
    checkRange(range);
    const res = metricSeries(serverDb(), { job, test, image: one(p, 'image'), machine: one(p, 'machine'), metric, ...range, last: countOf(p, 'last') });
    return { unit: res.unit, series: res.series.map((p) => ({ build: p.build, started: toIsoOrNull(p.started), stats: p.stats })) };
  });
}
