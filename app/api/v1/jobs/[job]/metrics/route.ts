// GET /api/v1/jobs/[job]/metrics?test=&image=&machine=&metric=&from=&to=&last=
// — one metric across builds, as `kpd metrics --json`.
import { isMetricName } from '@/lib/model';
import { metricSeries } from '@/lib/queries/metrics';
import { answer, BadRequest, intParam } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { toIsoOrNull } from '@/lib/time';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const q = new URL(req.url).searchParams;
  return answer(() => {
    const metric = q.get('metric') ?? '';
    const test = q.get('test');
    if (!isMetricName(metric)) throw new BadRequest(`metric must be one of latency, throughput, kubelet_cpu, kubelet_memory, runtime_cpu, runtime_memory`);
    if (!test) throw new BadRequest('test is required');
    const res = metricSeries(serverDb(), {
      job,
      test,
      image: q.get('image') ?? undefined,
      machine: q.get('machine') ?? undefined,
      metric,
      from: intParam(q, 'from'),
      to: intParam(q, 'to'),
      last: intParam(q, 'last'),
    });
    return { unit: res.unit, series: res.series.map((p) => ({ build: p.build, started: toIsoOrNull(p.started), stats: p.stats })) };
  });
}
