// The running server under a bad machine: a write lock held by another
// process, a full disk while an upload arrives, a gzip bomb. Pages keep
// answering; an upload gets an answer that says whose trouble it is (503 and
// 507 are the server's, 413 the archive's), and nothing half written stays.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, writeDemoJob, type DemoJobOptions } from '../../ingest/demo/generate';
import { packBuildDir } from '../../cli/upload-client';
import { openDb } from '../../lib/db/open';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';
import { expectWholeBuilds } from '../kpd';

const TOKEN = 'tok-reliability-1';
const DEMO: DemoJobOptions = {
  ...DEFAULT_DEMO,
  ids: 'jenkins',
  builds: 2,
  tests: DEFAULT_DEMO.tests.filter((t) => t.name === 'density_create_batch_10_0_0'),
  nodes: DEFAULT_DEMO.nodes.slice(0, 1),
  legacyBuilds: 0,
  noisePerPod: 0,
};
const JOB = DEMO.job;

let dir: string;
let disk: string;
let mounted = false;
let server: RunningServer;
let db: string;

beforeAll(async () => {
  dir = tempDir('kpd-server-reliability-');
  writeDemoJob(path.join(dir, 'jobs'), DEMO);
  // Uploads and unpacking on a small disk of their own, when the test may mount one (root).
  disk = path.join(dir, 'disk');
  fs.mkdirSync(disk);
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', disk]).status === 0;
  fs.mkdirSync(path.join(disk, 'tmp'));
  db = path.join(dir, 'kpd.db');
  openDb(db).close();
  server = await startServer(db, {
    KPD_UPLOAD_TOKEN: TOKEN,
    KPD_UPLOADS_DIR: path.join(disk, 'uploads'),
    TMPDIR: path.join(disk, 'tmp'),
    KPD_BUSY_TIMEOUT_MS: '1500',
  });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (mounted) spawnSync('umount', [disk]);
});

async function archiveOf(build: string): Promise<Buffer> {
  const file = path.join(dir, `${build}-${randomBytes(4).toString('hex')}.tar.gz`);
  await packBuildDir(path.join(dir, 'jobs', JOB, build), file);
  return fs.readFileSync(file);
}

function post(build: string, body: Buffer) {
  return fetch(`${server.url}/api/v1/jobs/${JOB}/builds/${build}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/gzip' },
    body: new Uint8Array(body),
  });
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

function leftovers(): string[] {
  const incoming = path.join(disk, 'uploads', JOB, '.incoming');
  const unpacked = fs.readdirSync(path.join(disk, 'tmp')).filter((f) => f.startsWith('kpd-'));
  return [...(fs.existsSync(incoming) ? fs.readdirSync(incoming) : []), ...unpacked];
}

describe('a write lock held by another process', () => {
  it('leaves pages answering at once; an upload waits, then answers 503 saying so; it lands once the lock is gone', async () => {
    const holder = openDb(db);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('INSERT INTO jobs (name) VALUES (?)').run('holding-the-lock');
    let refused: Response;
    try {
      const upload = post('1840', await archiveOf('1840'));
      const [page, ms] = await timed(() => fetch(`${server.url}/api/v1/jobs`));
      expect(page.status).toBe(200);
      expect(ms).toBeLessThan(1_000);
      refused = await upload;
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe(
      "server problem, not the build's: the server's database is locked by another process (waited 1.5 s); try again when it is done",
    );
    expect(leftovers()).toEqual([]);
    expect((await post('1840', await archiveOf('1840'))).status).toBe(201);
  });
});

describe('a full disk', () => {
  it('while an upload is received is the server\u2019s trouble (507), and leaves nothing behind', async () => {
    // A build whose kubelet log does not compress: bigger than the whole upload disk.
    const build = path.join(dir, 'jobs', JOB, '1841');
    const host = fs.readdirSync(path.join(build, 'artifacts')).find((f) => fs.statSync(path.join(build, 'artifacts', f)).isDirectory())!;
    fs.writeFileSync(path.join(build, 'artifacts', host, 'kubelet.log'), randomBytes(48 * 1024 ** 2).toString('base64'));
    const r = await post('1841', await archiveOf('1841'));
    if (!mounted) {
      // Nowhere to run out of space here: the same answer is pinned in process (test/reliability/enospc.test.ts).
      expect([200, 201]).toContain(r.status);
      return;
    }
    expect(r.status).toBe(507);
    expect(((await r.json()) as { error: string }).error).toMatch(/^server problem, not the build's: out of disk space writing /);
    expect(leftovers()).toEqual([]);
    const handle = openDb(db, { readonly: true });
    expect(handle.prepare('SELECT number FROM builds WHERE number = ?').all('1841')).toEqual([]);
    expectWholeBuilds(handle);
    handle.close();
  });
});

describe('a gzip bomb', () => {
  it('is refused (413) by its ratio after little unpacking, well before the size limit', async () => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    const done = pipeline(pack, zlib.createGzip({ level: 9 }), async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) chunks.push(c);
    });
    pack.entry({ name: 'build-log.txt' }, Buffer.alloc(400 * 1024 ** 2));
    pack.finalize();
    await done;
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(1024 ** 2);
    const [r, ms] = await timed(() => post('1842', bomb));
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: 'archive refused: archive unpacks to more than 200 times its size (a gzip bomb?); refused' });
    expect(ms).toBeLessThan(15_000);
    expect(leftovers()).toEqual([]);
  });
});
