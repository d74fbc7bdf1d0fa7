// POST /api/v1/jobs/[job]/builds/[build]/traces — an OTLP/HTTP trace
// receiver for one build: a CI job points its collector's otlphttp exporter
// (or the kubelet's tracing endpoint, through a collector) here, with the
// upload token. Protobuf or JSON, gzip or not; the answer is OTLP's, in the
// request's encoding. Spans are kept for the build whether it exists yet or
// not (ingest/upload/traces.ts); an existing build is re-ingested with them
// by the one writer, in the background, after the answer.
import { CHALLENGE, checkToken } from '@/ingest/upload/auth';
import { LimitConfigError, uploadLimits } from '@/ingest/upload/limits';
import { receiveBuffer, UploadTooLargeError } from '@/ingest/upload/receive';
import { checkBuildId, checkJobName, UploadNameError, uploadsDir } from '@/ingest/upload/store';
import { keepTraceExport } from '@/ingest/upload/traces';
import { writer } from '@/ingest/writer/client';
import { environmentProblem } from '@/lib/db/problems';
import { encodingOf, OtlpDecodeError, OtlpTooLargeError, type OtlpEncoding } from '@/ingest/parsers/otlp/decode';
import { exportAnswer, RPC_CODES, statusAnswer, type OtlpAnswer } from '@/ingest/parsers/otlp/response';

export const dynamic = 'force-dynamic';

/** One request's decoded spans are held in memory: never more than this, whatever the archive limits allow. */
const MAX_INFLATED_BYTES = 256 * 1024 ** 2;

function reply(a: OtlpAnswer, status: number, headers: Record<string, string> = {}): Response {
  return new Response(a.body as BodyInit, { status, headers: { 'content-type': a.contentType, 'cache-control': 'no-store', ...headers } });
}

export async function POST(req: Request, ctx: { params: Promise<{ job: string; build: string }> }) {
  const contentType = req.headers.get('content-type') ?? '';
  const encoding = encodingOf(contentType);
  // Failures before the body is understood answer in JSON unless the client sent protobuf.
  const enc: OtlpEncoding = encoding ?? 'json';
  const fail = (status: number, code: number, message: string, headers?: Record<string, string>) =>
    reply(statusAnswer(enc, code, message), status, headers);

  const refused = checkToken(req.headers.get('authorization'));
  if (!refused.ok) {
    const code = refused.status === 401 ? RPC_CODES.UNAUTHENTICATED : refused.status === 403 ? RPC_CODES.PERMISSION_DENIED : RPC_CODES.INTERNAL;
    return fail(refused.status, code, refused.message, refused.challenge ? { 'www-authenticate': CHALLENGE } : {});
  }
  if (!encoding) {
    return fail(415, RPC_CODES.INVALID_ARGUMENT, `unsupported content type "${contentType}": OTLP/HTTP takes application/x-protobuf or application/json`);
  }
  const contentEncoding = (req.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (contentEncoding !== '' && contentEncoding !== 'gzip' && contentEncoding !== 'identity') {
    return fail(415, RPC_CODES.INVALID_ARGUMENT, `unsupported content encoding "${contentEncoding}": send gzip or none`);
  }
  const { job, build } = await ctx.params;
  try {
    checkJobName(job);
    const number = checkBuildId(build);
    const limits = uploadLimits();
    const dir = uploadsDir();
    const body = await receiveBuffer(req.body, req.headers.get('content-length'), limits.maxBytes);
    const kept = keepTraceExport({
      job,
      build: number,
      body,
      contentType,
      uploadsDir: dir,
      maxInflatedBytes: Math.min(limits.maxUnpackedBytes, MAX_INFLATED_BYTES),
    });
    if (kept.accepted > 0) {
      writer()
        .run('traces', { job, build: number, uploadsDir: dir, files: kept.files })
        .then((r) => {
          for (const m of r.outcome === 'reingested' ? r.reingested.missing : []) {
            console.error(`kpd: build ${job}#${m.number}: source ${m.source} is gone; received spans are kept for its next ingest`);
          }
        })
        .catch((e: unknown) => console.error(`kpd: re-ingesting ${job}#${number} with received spans failed:`, e));
    }
    return reply(exportAnswer(encoding, { rejectedSpans: kept.rejected, errorMessage: kept.message }), 200);
  } catch (e) {
    if (e instanceof UploadNameError) return fail(400, RPC_CODES.INVALID_ARGUMENT, e.message);
    if (e instanceof UploadTooLargeError) return fail(413, RPC_CODES.RESOURCE_EXHAUSTED, e.message, { connection: 'close' });
    if (e instanceof OtlpTooLargeError) return fail(413, RPC_CODES.RESOURCE_EXHAUSTED, e.message);
    if (e instanceof OtlpDecodeError) return fail(400, RPC_CODES.INVALID_ARGUMENT, e.message);
    if (e instanceof LimitConfigError) return fail(500, RPC_CODES.INTERNAL, `server misconfigured: ${e.message}`);
    const problem = environmentProblem(e, '', { hidePaths: true });
    if (problem) return fail(problem.kind === 'full' ? 507 : 503, RPC_CODES.UNAVAILABLE, `server problem, not the spans': ${problem.message}`);
    throw e;
  }
}
