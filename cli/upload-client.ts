// The client side of uploads (`kpd upload`) and of the read commands that
// ask a server instead of a database (`--server URL`): packs a build
// directory into a .tar.gz holding only the files a build is read from, sends
// it with a bearer token, and fetches JSON documents. An upload waits as long
// as the server takes (a busy server may take minutes) and is sent again, with
// backoff, after a lost connection or an answer that says the server is busy
// or in trouble: sending the same build again is safe (the same content is
// "unchanged").
import { UserError } from '../lib/errors';
import type { BuildId } from '../lib/build-id';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { Agent } from 'undici';
import { listBuildFiles } from '../ingest/build';
import { isBuildDir } from '../ingest/sources/local';

export class ClientError extends UserError {}

/** Packs the known files of a build directory (the layout of FORMATS.md) into `dest`; returns how many. */
export async function packBuildDir(dir: string, dest: string): Promise<number> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory() || !isBuildDir(dir)) {
    throw new ClientError(`${dir}: not a build directory (expected build-log.txt, started.json or artifacts/)`);
  }
  const files = listBuildFiles(dir);
  if (!files.length) throw new ClientError(`${dir}: holds none of the files a build is read from`);
  const pack = tar.pack();
  const written = pipeline(pack, zlib.createGzip(), fs.createWriteStream(dest));
  for (const f of files) {
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name: f.rel, size: f.bytes, mode: 0o644, mtime: new Date(0) }, (err) =>
        err ? reject(err) : resolve(),
      );
      fs.createReadStream(f.abs).on('error', reject).pipe(entry);
    });
  }
  pack.finalize();
  await written;
  return files.length;
}

export interface SendOptions {
  server: string;
  job: string;
  build: BuildId;
  token: string;
  replace?: boolean;
}

export interface ServerAnswer {
  status: number;
  body: unknown;
  /** The server's Retry-After, when it sent one. */
  retryAfter?: string;
}

/** How often and how patiently an upload is sent again. */
export interface RetryPolicy {
  /** Sends after the first; 0 never sends again. */
  retries: number;
  /** First wait; each next one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Told before each wait: why, and for how long. */
  onRetry?: (why: string, delayMs: number, attempt: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** Answers that say the server is busy or in trouble rather than the build wrong. */
const RETRY_STATUS = new Set([429, 500, 502, 503, 504, 507]);

function endpoint(server: string, rest: string): string {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new ClientError(`--server ${server}: not a URL (e.g. http://perf.example.com:3000)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ClientError(`--server ${server}: not http(s)`);
  return base.href.replace(/\/+$/, '') + rest;
}

/** Waits for the server's answer as long as it takes: ingesting a large build on a loaded server is slow, not lost. */
const PATIENT = new Agent({ headersTimeout: 30 * 60_000, bodyTimeout: 30 * 60_000, keepAliveTimeout: 4_000 });

async function request(url: string, init: RequestInit): Promise<ServerAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, dispatcher: PATIENT } as RequestInit);
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    throw new ClientError(`cannot reach ${url}${cause || (e instanceof Error ? `: ${e.message}` : '')}`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's HTML error page: keep the text for the message.
  }
  return { status: res.status, body, retryAfter: res.headers.get('retry-after') ?? undefined };
}

/** The reason a server gave for an error status, for a one-line message. */
export function reason(a: ServerAnswer): string {
  if (typeof a.body === 'object' && a.body !== null && 'error' in a.body) return String(a.body.error);
  return typeof a.body === 'string' ? a.body.slice(0, 200) : JSON.stringify(a.body).slice(0, 200);
}

/** POSTs a build archive to the upload endpoint, streamed from disk, sending it again as `retry` says. */
export async function sendArchive(archive: string, o: SendOptions, retry: RetryPolicy = DEFAULT_RETRY): Promise<ServerAnswer> {
  for (let attempt = 1; ; attempt++) {
    let why: string;
    let wait = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    try {
      const answer = await sendOnce(archive, o);
      if (!RETRY_STATUS.has(answer.status) || attempt > retry.retries) return answer;
      why = `${answer.status}: ${reason(answer)}`;
      const after = answer.retryAfter && /^\d+$/.test(answer.retryAfter) ? Number(answer.retryAfter) * 1000 : undefined;
      if (after !== undefined) wait = Math.min(retry.maxDelayMs, after);
    } catch (e) {
      if (!(e instanceof ClientError) || attempt > retry.retries) throw e;
      why = e.message;
    }
    retry.onRetry?.(why, wait, attempt);
    await new Promise((r) => setTimeout(r, wait));
  }
}

function sendOnce(archive: string, o: SendOptions): Promise<ServerAnswer> {
  const url = endpoint(
    o.server,
    `/api/v1/jobs/${encodeURIComponent(o.job)}/builds/${o.build}${o.replace ? '?replace=true' : ''}`,
  );
  const size = fs.statSync(archive).size;
  return request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${o.token}`,
      'content-type': 'application/gzip',
      'content-length': String(size),
    },
    body: Readable.toWeb(fs.createReadStream(archive)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
}

/** GETs a JSON document from the server's API; an error status is a ClientError with the server's reason. */
export async function getJson(server: string, rest: string): Promise<unknown> {
  const url = endpoint(server, rest);
  const a = await request(url, { headers: { accept: 'application/json' } });
  if (a.status !== 200) throw new ClientError(`${url}: ${a.status} ${reason(a)}`);
  return a.body;
}

/** Sends a JSON body with a bearer token (PATCH, POST); any answer is returned, a lost connection is a ClientError. */
export function sendJson(server: string, rest: string, method: string, body: unknown, token: string): Promise<ServerAnswer> {
  return request(endpoint(server, rest), {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** True when `p` names an archive to send as it is rather than a directory to pack. */
export function isArchive(p: string): boolean {
  return /\.(tar\.gz|tgz)$/.test(p) && fs.existsSync(p) && fs.statSync(p).isFile();
}
