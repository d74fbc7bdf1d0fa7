// GET /api/v1/jobs/[job]/charts?test=&image=&machine=&last=&builds= — the Builds page's six
// charts, exactly the points it draws (default: first test and node config, last 50 builds).
import { metricPanel } from '@/lib/queries/metrics';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { paramsOf, rangeOf } from '@/app/params';
import { isoStarted, seriesFor } from '@/app/views';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => {
    const db = serverDb();
    const { lastParam: _, ...range } = rangeOf(p);
    const panel = metricPanel(db, { ...seriesFor(db, job, p), ...range });
    return { ...panel, charts: panel.charts.map((c) => ({ ...c, points: c.points.map(isoStarted) })) };
  });
}
