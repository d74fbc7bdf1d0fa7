// GET /api/v1/jobs/[job]/compare?sel=test|image|machine&sel=…&agg=avg|median|latest&last=&builds=
// — the Comparison page: each selection aggregated over its builds, with min, max and build count.
import { compareSelections } from '@/lib/queries/comparison';
import { answer } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { aggregateOf, all, decodeSel, paramsOf, rangeOf } from '@/app/params';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  return answer(() => {
    const { lastParam: _, ...range } = rangeOf(p);
    const selections = [...new Set(all(p, 'sel'))].map(decodeSel);
    return compareSelections(serverDb(), { job, selections, aggregate: aggregateOf(p), ...range });
  });
}
