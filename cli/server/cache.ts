// A cache of whole responses of the dashboard (pages, their RSC payloads and
// the JSON API), so a repeated view costs a lookup instead of queries and a
// React render. An entry holds what went on the wire (already compressed) and
// is valid for one generation of the data: any commit to the database, by
// this server's writer or another process, starts a new one. Entries also
// expire after a short time, since pages show ages ("3 h ago") and read the
// SLO file. Bounded in bytes, least recently used first out.
import type { IncomingMessage } from 'node:http';

export interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

interface Entry extends CachedResponse {
  generation: number;
  expires: number;
}

/** Request headers that change what Next.js answers for the same URL (RSC navigations and prefetches). */
const VARY = ['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-router-segment-prefetch', 'next-url', 'accept-encoding'];

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxBytes = 64 * 1024 ** 2,
    private readonly ttlMs = 30_000,
  ) {}

  /** The key of a cacheable request; undefined for writes, uploads and anything carrying credentials. */
  key(req: IncomingMessage): string | undefined {
    if (req.method !== 'GET' || req.headers.authorization || req.headers.cookie) return undefined;
    const url = req.url ?? '';
    if (url.startsWith('/_next/') && !url.startsWith('/_next/data/')) return undefined;
    return [url, ...VARY.map((h) => String(req.headers[h] ?? ''))].join('\n');
  }

  get(key: string, generation: number, now = Date.now()): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (!e || e.generation !== generation || e.expires < now) {
      if (e) this.remove(key, e);
      this.misses++;
      return undefined;
    }
    // Least recently used goes first: move it to the end.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e;
  }

  set(key: string, generation: number, r: CachedResponse, now = Date.now()): void {
    if (r.body.length > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, { ...r, generation, expires: now + this.ttlMs });
    this.bytes += r.body.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k, e);
    }
  }

  private remove(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.body.length;
  }
}
