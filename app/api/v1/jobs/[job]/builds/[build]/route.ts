// GET /api/v1/jobs/[job]/builds/[build] — one build, as `kpd builds --job J
// --build N --json`: its summary, its runs and its ingest report (each
// warning with its file, line and message); 404 JSON for a build not there.
// POST /api/v1/jobs/[job]/builds/[build][?replace=true] — a CI upload: the
// body is a .tar.gz of one build directory, received here into a file and
// ingested by the one writer like `kpd ingest`; the answer is the ingest
// report. Needs `Authorization: Bearer <token>`.
import { requireToken } from '@/ingest/upload/auth';
import { LimitConfigError, uploadLimits } from '@/ingest/upload/limits';
import { receiveBody, UploadTooLargeError } from '@/ingest/upload/receive';
import { checkBuildId, checkJobName, incomingPath, UploadNameError, uploadsDir } from '@/ingest/upload/store';
import { serverTrouble } from '@/ingest/upload/accept';
import { writer } from '@/ingest/writer/client';
import { environmentProblem } from '@/lib/db/problems';
import { buildDetail, buildDetailJson } from '@/lib/queries/builds';
import { answer, failure, json } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';
import { checkedBuild } from '@/app/params';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ job: string; build: string }> }) {
  const { job, build } = await ctx.params;
  return answer(() => buildDetailJson(buildDetail(serverDb(), decodeURIComponent(job), checkedBuild(build, 'the build in the URL'))));
}

export async function POST(req: Request, ctx: { params: Promise<{ job: string; build: string }> }) {
  const auth = requireToken(req);
  if (!auth.ok) return auth.response;
  const { job, build } = await ctx.params;
  const replaceParam = new URL(req.url).searchParams.get('replace');
  if (replaceParam !== null && replaceParam !== 'true' && replaceParam !== 'false') {
    return json({ error: 'replace must be true or false' }, 400);
  }
  try {
    checkJobName(job);
    const number = checkBuildId(build);
    const dir = uploadsDir();
    const limits = uploadLimits();
    const received = incomingPath(dir, job, number);
    await receiveBody(req.body, req.headers.get('content-length'), received, limits.maxBytes);
    const answer = await writer().run('upload', { job, build: number, received, replace: replaceParam === 'true', limits, uploadsDir: dir });
    return json(answer.body, answer.status);
  } catch (e) {
    if (e instanceof UploadNameError) return json({ error: e.message }, 400);
    if (e instanceof UploadTooLargeError) {
      // The rest of the body is never read: the connection cannot carry another request.
      const res = json({ error: e.message }, 413);
      res.headers.set('connection', 'close');
      return res;
    }
    if (e instanceof LimitConfigError) return json({ error: `server misconfigured: ${e.message}` }, 500);
    const problem = environmentProblem(e, '', { hidePaths: true });
    if (problem) {
      const trouble = serverTrouble(problem);
      return json(trouble.body, trouble.status);
    }
    return failure(e);
  }
}
