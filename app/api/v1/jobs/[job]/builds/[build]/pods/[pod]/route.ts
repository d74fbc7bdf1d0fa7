// GET /api/v1/jobs/[job]/builds/[build]/pods/[pod]?test=&image=&machine=&instance=&context=
// — one pod of one run, as `kpd pod --json`: its probes (log and span), its
// spans, how far logs and spans agree, and the kubelet log lines around its
// probes. [pod] is `namespace/name`, URL-encoded.
import { podLog } from '@/ingest/sources/log-lines';
import { checkedBuild, countOf, paramsOf, selectionOf } from '@/app/params';
import { podJson, podView } from '@/lib/queries/pod';
import { answer, BadRequest, json, pathParam } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';

export const dynamic = 'force-dynamic';

/** Lines shown around a probe at most: a log view, not a log download. */
const MAX_CONTEXT = 50;

export async function GET(req: Request, ctx: { params: Promise<{ job: string; build: string; pod: string }> }) {
  const { job, build, pod } = await ctx.params;
  const p = paramsOf(new URL(req.url).searchParams);
  let found: ReturnType<typeof podView> | undefined;
  let context = 3;
  const problem = answer(() => {
    context = countOf(p, 'context') ?? 3;
    if (context > MAX_CONTEXT) throw new BadRequest(`context must be at most ${MAX_CONTEXT} lines`);
    const instance = countOf(p, 'instance');
    found = podView(serverDb(), {
      job: pathParam(job),
      build: checkedBuild(build, 'the build in the URL'),
      pod: pathParam(pod),
      ...selectionOf(p),
      ...(instance !== undefined ? { instance } : {}),
    });
    return null;
  });
  if (!found) return problem;
  return json(podJson(found, await podLog(found, { context })));
}
