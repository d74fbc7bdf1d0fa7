// GET /api/v1/jobs/[job]/alerts[?state=&test=&image=&machine=] — the job's
// alerts (change points grouped by build and run, with their triage state),
// as `kpd alerts --json`. PATCH with {"id","state","note"} sets a state; it
// needs an upload token, like uploads, and the token's name is recorded.
import { requireToken } from '@/ingest/upload/auth';
import { writer } from '@/ingest/writer/client';
import { alertsDocument } from '@/lib/queries/alerts';
import { alertFilterOf, readAlertPatch } from '@/lib/server/alerts';
import { answer, failure, json } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const { job } = await ctx.params;
  const q = new URL(req.url).searchParams;
  return answer(() => alertsDocument(serverDb(), job, alertFilterOf((k) => q.get(k))));
}

export async function PATCH(req: Request, ctx: { params: Promise<{ job: string }> }) {
  const auth = requireToken(req);
  if (!auth.ok) return auth.response;
  const { job } = await ctx.params;
  try {
    const patch = await readAlertPatch(req);
    const res = await writer().run('alertState', { job, ...patch, by: auth.name });
    return json(res.body, res.status);
  } catch (e) {
    return failure(e);
  }
}
