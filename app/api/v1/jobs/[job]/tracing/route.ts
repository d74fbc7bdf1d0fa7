// GET /api/v1/jobs/[job]/tracing?test=&image=&machine=&from=&to=&build=&last=&builds= — the Tracing
// page: latency between two probes per build, and for one build its segments and slowest pods.
import { tracingView } from '@/lib/queries/tracing';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { buildOf, one, paramsOf, rangeOf } from '@/app/params';
import { isoStarted, seriesFor } from '@/app/views';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => {
    const db = serverDb();
    const { lastParam: _, ...range } = rangeOf(p);
    const v = tracingView(db, { ...seriesFor(db, job, p), range, from: one(p, 'from'), to: one(p, 'to'), build: buildOf(p) });
    return { ...v, acrossBuilds: v.acrossBuilds.map(isoStarted) };
  });
}
