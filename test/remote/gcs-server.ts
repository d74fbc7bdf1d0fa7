// A stand-in for Google Cloud Storage. No GCS emulator installs here (the
// Cloud SDK's needs gcloud, fake-gcs-server is a Go binary), so this small
// server speaks the two JSON API endpoints kpd uses, as GCS answers them:
// list, GET /storage/v1/b/BUCKET/o?prefix=&delimiter=&pageToken=&maxResults=
// (items with generation and size, prefixes, nextPageToken; small pages so
// paging is exercised), and media, GET /storage/v1/b/BUCKET/o/OBJECT?alt=media
// [&generation=] (with x-goog-generation, x-goog-hash and
// x-goog-stored-content-encoding, so the client checks the CRC32C). kpd
// reaches it through STORAGE_EMULATOR_HOST like any emulator; the client
// drops the /storage/v1 part there, so both forms are served. Every request
// is logged, and chosen objects can answer an error status.
import { CRC32C } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface StoredObject {
  data: Buffer;
  generation: string;
}

export interface GcsRequest {
  kind: 'list' | 'media' | 'other';
  bucket: string;
  object: string;
  pageToken: string | null;
}

const ROUTE = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o(?:\/(.+))?$/;

export class FakeGcs {
  readonly requests: GcsRequest[] = [];
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly faults = new Map<string, { status: number; times: number }>();
  private generation = 1_700_000_000_000_000;

  private constructor(
    private readonly server: http.Server,
    readonly host: string,
    private readonly pageSize: number,
  ) {}

  static async start(buckets: string[], pageSize = 5): Promise<FakeGcs> {
    let fake: FakeGcs | undefined;
    const server = http.createServer((req, res) => fake!.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeGcs(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pageSize);
    for (const b of buckets) fake.buckets.set(b, new Map());
    return fake;
  }

  env(): Record<string, string> {
    return { STORAGE_EMULATOR_HOST: this.host };
  }

  /** Writes an object; each write is a new generation, as in GCS. */
  put(bucket: string, name: string, data: Buffer | string): void {
    this.buckets.get(bucket)!.set(name, { data: Buffer.from(data), generation: String(++this.generation) });
  }

  putDir(bucket: string, prefix: string, dir: string): void {
    const walk = (d: string) => {
      for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, ent.name);
        if (ent.isDirectory()) walk(p);
        else this.put(bucket, `${prefix}/${path.relative(dir, p).split(path.sep).join('/')}`, fs.readFileSync(p));
      }
    };
    walk(dir);
  }

  fault(name: string, status: number, times = Infinity): void {
    this.faults.set(name, { status, times });
  }

  /** Objects downloaded since request `from`. */
  media(from = 0): string[] {
    return this.requests.slice(from).filter((r) => r.kind === 'media').map((r) => r.object);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://gcs');
    const m = ROUTE.exec(url.pathname);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || !m) {
      this.requests.push({ kind: 'other', bucket: '', object: url.pathname, pageToken: null });
      return json(404, { error: { code: 404, message: 'Not Found' } });
    }
    const bucket = decodeURIComponent(m[1]);
    const object = m[2] === undefined ? '' : decodeURIComponent(m[2]);
    const media = object !== '' && url.searchParams.get('alt') === 'media';
    this.requests.push({ kind: object === '' ? 'list' : media ? 'media' : 'other', bucket, object, pageToken: url.searchParams.get('pageToken') });
    const objects = this.buckets.get(bucket);
    if (!objects) return json(404, { error: { code: 404, message: 'The specified bucket does not exist.' } });

    if (object === '') return json(200, this.list(bucket, objects, url.searchParams));

    const fault = this.faults.get(object);
    if (fault && fault.times > 0) {
      fault.times--;
      return json(fault.status, { error: { code: fault.status, message: 'injected by the test' } });
    }
    const o = objects.get(object);
    const generation = url.searchParams.get('generation');
    if (!o || (generation !== null && generation !== o.generation)) {
      return json(404, { error: { code: 404, message: `No such object: ${bucket}/${object}` } });
    }
    if (!media) return json(200, this.resource(bucket, object, o));
    const crc = new CRC32C();
    crc.update(o.data);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': o.data.length,
      'x-goog-generation': o.generation,
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-hash': `crc32c=${crc.toString()},md5=${createHash('md5').update(o.data).digest('base64')}`,
    });
    res.end(o.data);
  }

  private list(bucket: string, objects: Map<string, StoredObject>, q: URLSearchParams) {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter');
    const entries: { name: string; prefix: boolean }[] = [];
    const seen = new Set<string>();
    for (const name of [...objects.keys()].sort()) {
      if (!name.startsWith(prefix)) continue;
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const p = name.slice(0, cut + delimiter!.length);
        if (!seen.has(p)) entries.push({ name: p, prefix: true });
        seen.add(p);
      } else entries.push({ name, prefix: false });
    }
    const start = Number(q.get('pageToken') ?? 0);
    const size = Math.min(this.pageSize, Number(q.get('maxResults') ?? 1000));
    const page = entries.slice(start, start + size);
    const items = page.filter((e) => !e.prefix).map((e) => this.resource(bucket, e.name, objects.get(e.name)!));
    const prefixes = page.filter((e) => e.prefix).map((e) => e.name);
    return {
      kind: 'storage#objects',
      ...(items.length ? { items } : {}),
      ...(prefixes.length ? { prefixes } : {}),
      ...(start + size < entries.length ? { nextPageToken: String(start + size) } : {}),
    };
  }

  private resource(bucket: string, name: string, o: StoredObject) {
    return { kind: 'storage#object', bucket, name, generation: o.generation, size: String(o.data.length), contentType: 'application/octet-stream' };
  }
}
