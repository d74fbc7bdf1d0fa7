// The dashboard's HTTP server: Next.js's request handler inside a plain Node
// server, so that every answer (pages, RSC payloads, the JSON API) is
// compressed, repeated views are served from the response cache, idle
// connections outlive a client's pauses, and writes go to the writer thread
// while this event loop keeps serving pages.
import compression from 'compression';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import next from 'next';
import { openDb, type DB } from '../../lib/db/open';
import { installWriter } from '../../ingest/writer/client';
import { removeStaleBuildDirs } from '../../ingest/temp';
import { removeStaleIncoming, uploadsDir } from '../../ingest/upload/store';
import { refuseMalformedPath } from '../../lib/server/request-path';
import { ResponseCache, type CachedResponse } from './cache';
import { ThreadWriter } from './writer-thread';

export interface DashboardOptions {
  port: number;
  /** Interface to listen on; all of them when absent. */
  hostname?: string;
  dbFile: string;
  dev?: boolean;
  /** The project folder holding app/ and .next/. */
  dir: string;
}

export interface RunningDashboard {
  url: string;
  server: http.Server;
  cache: ResponseCache;
  close(): Promise<void>;
}

/** Idle connections live longer than a CI client's or a proxy's pauses (their own timeouts are usually 60 s). */
export const KEEP_ALIVE_MS = 65_000;

export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  process.env.KPD_DB = o.dbFile;
  // What a killed server left half received or half unpacked is of no use: nothing of it was written.
  removeStaleIncoming(uploadsDir());
  removeStaleBuildDirs();
  const writer = new ThreadWriter(o.dbFile);
  installWriter(writer);
  // A database written by an older kpd (or by a path that skipped the refresh) would have every
  // reader analyse its jobs afresh, on every request, until the next upload: the writer stores them once.
  writer.run('refreshStale', {}).then(
    ({ jobs }) => jobs.length && console.error(`kpd: stored fresh change points of ${jobs.join(', ')}`),
    (e: unknown) => console.error(`kpd: could not refresh change points: ${e instanceof Error ? e.message : String(e)}`),
  );
  const app = next({ dev: !!o.dev, dir: o.dir, hostname: o.hostname, port: o.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const compress = compression({ threshold: 1024, filter: compressible });
  const cache = new ResponseCache();
  /** Renders of cacheable views under way, by data generation and cache key. */
  const inFlight = new Map<string, Promise<CachedResponse | undefined>>();
  // Commits by any other connection (the writer thread, a `kpd ingest` elsewhere) bump data_version.
  const versions: DB = openDb(o.dbFile, { readonly: true });
  const generation = () => versions.pragma('data_version', { simple: true }) as number;

  const server = http.createServer((req, res) => {
    if (refuseMalformedPath(req, res)) return;
    // One encoding per client preference, so a cached body fits every request with the same key.
    const accept = String(req.headers['accept-encoding'] ?? '');
    req.headers['accept-encoding'] = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : 'identity';
    const key = o.dev ? undefined : cache.key(req);
    const render = () =>
      compress(req as never, res as never, () => {
        handle(req, res).catch((e: unknown) => {
          console.error(e);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        });
      });
    if (key === undefined) return render();
    const gen = generation();
    const hit = cache.get(key, gen);
    if (hit) return send(res, hit, 'hit');
    // Right after a commit every cached view is gone at once: the many readers of one view wait for a single render of it.
    const flight = `${gen}\n${key}`;
    const rendering = inFlight.get(flight);
    if (rendering) {
      rendering.then((r) => (r ? send(res, r, 'shared') : render()));
      return;
    }
    let settle!: (r: CachedResponse | undefined) => void;
    const mine = new Promise<CachedResponse | undefined>((resolve) => (settle = resolve));
    inFlight.set(flight, mine);
    let settled = false;
    const finish = (r: CachedResponse | undefined) => {
      if (settled) return;
      settled = true;
      if (inFlight.get(flight) === mine) inFlight.delete(flight);
      settle(r);
    };
    capture(res, (r) => {
      const ok = r.status === 200;
      if (ok) cache.set(key, gen, r);
      finish(ok ? r : undefined);
    });
    res.once('close', () => finish(undefined));
    render();
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  // Large uploads on slow links: the body may take long; a stuck client still gives up on its own.
  server.requestTimeout = 30 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.hostname, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${o.hostname && o.hostname !== '0.0.0.0' ? o.hostname : 'localhost'}:${port}`,
    server,
    cache,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await writer.close();
      versions.close();
      await app.close();
    },
  };
}

/**
 * compression's own filter, for the content types Next.js sets: route
 * handlers set `content-type` as a one-element array, which the filter reads
 * as not compressible, so API JSON went out plain.
 */
function compressible(req: IncomingMessage, res: ServerResponse): boolean {
  const type = res.getHeader('content-type');
  if (Array.isArray(type) && type.length === 1) res.setHeader('content-type', type[0]);
  return compression.filter(req as never, res as never);
}

function send(res: ServerResponse, r: CachedResponse, how: 'hit' | 'shared'): void {
  res.writeHead(r.status, { ...r.headers, 'x-kpd-cache': how });
  res.end(r.body);
}

/** Copies what a response puts on the wire (after compression) and hands it over once it ends. */
function capture(res: http.ServerResponse, done: (r: { status: number; headers: Record<string, string | string[]>; body: Buffer }) => void): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    keep(chunk, encoding);
    return write(chunk, encoding, cb);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    keep(chunk, encoding);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.getHeaders())) {
      if (v !== undefined && k !== 'date' && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') headers[k] = Array.isArray(v) ? v : String(v);
    }
    const out = end(chunk, encoding, cb);
    if (!headers['set-cookie']) done({ status: res.statusCode, headers: { ...headers, 'content-length': String(Buffer.concat(chunks).length) }, body: Buffer.concat(chunks) });
    return out;
  }) as typeof res.end;
}
