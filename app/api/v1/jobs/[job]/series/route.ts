// GET /api/v1/jobs/[job]/series?build=N&test=&image=&machine= — one run's time series: cumulative
// pods per probe and CPU/memory in seconds since the test started, and the kubelet's pod startup durations.
import { runSeries } from '@/lib/queries/series';
import { answer, BadRequest } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { toIso, toIsoOrNull } from '@/lib/time';
import { buildOf, paramsOf, selectionOf } from '@/app/params';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => {
    const build = buildOf(p);
    if (build === undefined) throw new BadRequest('build is required');
    const s = runSeries(serverDb(), { job, build, ...selectionOf(p) });
    return { ...s, started: toIsoOrNull(s.started), t0: toIso(s.t0) };
  });
}
