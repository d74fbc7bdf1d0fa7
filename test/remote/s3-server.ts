// A real S3 API server for tests and the bench: s3rver (from npm), served in
// this process behind a thin front that logs every request (to count what a
// run downloaded) and can make chosen objects answer an error status or drop
// the connection halfway through the body. Path-style, like MinIO and Ceph.
import { PutObjectCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface LoggedRequest {
  method: string;
  bucket: string;
  /** Object key; '' for a bucket-level call (a listing). */
  key: string;
  list: boolean;
  signed: boolean;
}

/** An answer in place of s3rver's: an error status, or the first half of the body and then a closed connection. */
export type Fault = { status: number } | { drop: true };

/** s3rver's own credentials; it checks signatures made with them and takes unsigned requests as anonymous. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export class S3Fixture {
  readonly requests: LoggedRequest[] = [];
  private readonly faults = new Map<string, { fault: Fault; times: number }>();
  private readonly client: S3Client;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {
    this.client = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  }

  static async start(dir: string, buckets: string[]): Promise<S3Fixture> {
    const s3 = new S3rver({ silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
    await s3.configureBuckets();
    const handle = s3.callback();
    let fixture: S3Fixture | undefined;
    const server = http.createServer((req, res) => fixture!.serve(req, res, handle));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fixture = new S3Fixture(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fixture;
  }

  /** The environment a kpd process needs to reach this server. */
  env(opts: { signed?: boolean } = {}): Record<string, string> {
    return { AWS_ENDPOINT_URL_S3: this.endpoint, AWS_REGION: 'us-east-1', ...(opts.signed === false ? {} : S3RVER_CREDENTIALS) };
  }

  /** Makes `key` answer with `fault` the next `times` times it is read. */
  fault(key: string, fault: Fault, times = Infinity): void {
    this.faults.set(key, { fault, times });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Object reads (GET of a key) logged since `from`. */
  gets(from = 0): string[] {
    return this.requests.slice(from).filter((r) => r.method === 'GET' && !r.list).map((r) => r.key);
  }

  async put(bucket: string, key: string, body: Buffer | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  /** Uploads every file under `dir` to `prefix/<its path>`, a few at a time. */
  async putDir(bucket: string, prefix: string, dir: string, parallel = 16): Promise<number> {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, ent.name);
        if (ent.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(dir);
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < files.length) {
          const f = files[next++];
          await this.put(bucket, `${prefix}/${path.relative(dir, f).split(path.sep).join('/')}`, fs.readFileSync(f));
        }
      }),
    );
    return files.length;
  }

  stop(): Promise<void> {
    this.client.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
    const url = new URL(req.url ?? '/', 'http://s3');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const list = req.method === 'GET' && key === '';
    this.requests.push({ method: req.method ?? '', bucket, key, list, signed: !!req.headers.authorization });
    const f = req.method === 'GET' && !list ? this.faults.get(key) : undefined;
    if (!f || f.times <= 0) return handle(req, res);
    f.times--;
    if ('status' in f.fault) {
      res.writeHead(f.fault.status, { 'content-type': 'application/xml' });
      const code = f.fault.status === 403 ? 'AccessDenied' : f.fault.status === 404 ? 'NoSuchKey' : 'InternalError';
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test</Message></Error>`);
      return;
    }
    // Half the body, then the connection goes: what a reset in the middle of a download looks like to the client.
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    let cut = false;
    const drop = (chunk: unknown) => {
      if (cut) return true;
      cut = true;
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk ?? ''));
      write(buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))));
      setImmediate(() => res.socket?.destroy());
      return true;
    };
    res.write = drop as typeof res.write;
    res.end = ((chunk?: unknown) => {
      drop(chunk);
      return res;
    }) as typeof res.end;
    handle(req, res);
  }
}
