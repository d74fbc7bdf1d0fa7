// What `kpd serve` adds around Next.js, against the real server: API JSON and
// pages go out gzip-compressed, a repeated view is answered from the response
// cache, a commit by another process (a `kpd ingest` beside the server)
// invalidates it, readers who miss the same view together share one render,
// and requests with credentials are never cached.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';
import { kpd } from '../kpd';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const SAMPLES = path.resolve(import.meta.dirname, '../../data/samples', JOB);

let server: RunningServer;
let db: string;
let lastBuild: string;

beforeAll(async () => {
  const dir = tempDir();
  db = path.join(dir, 'kpd.db');
  // Three sample builds; the last sample build arrives while the server runs.
  const job = path.join(dir, JOB);
  const builds = fs.readdirSync(SAMPLES).filter((b) => /^\d+$/.test(b)).sort();
  lastBuild = builds.at(-1)!;
  for (const b of builds.slice(0, 3)) fs.cpSync(path.join(SAMPLES, b), path.join(job, b), { recursive: true });
  expect(kpd(['ingest', job, '--db', db]).code).toBe(0);
  server = await startServer(db);
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

async function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  // fetch would decompress by itself; the raw bytes tell what went on the wire.
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(server.url + p, { headers: { 'accept-encoding': 'gzip', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('kpd serve', () => {
  it('sends API JSON gzip-compressed, the same JSON as uncompressed', async () => {
    const gz = await get(`/api/v1/jobs/${JOB}/charts?test=density_create_batch_10_0_0`);
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const plain = await get(`/api/v1/jobs/${JOB}/charts?test=density_create_batch_10_0_0`, { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
  });

  it('sends pages gzip-compressed', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(page.body).toString('utf8')).toContain(JOB);
  });

  it('answers a repeated view from its cache until another process commits a build', async () => {
    const first = await get('/api/v1/jobs');
    const again = await get('/api/v1/jobs');
    expect(again.headers.get('x-kpd-cache')).toBe('hit');
    expect(again.body.equals(first.body)).toBe(true);
    const before = JSON.parse(gunzipSync(again.body).toString('utf8')).jobs[0].builds;

    const job = path.join(tempDir(), JOB);
    fs.cpSync(path.join(SAMPLES, lastBuild), path.join(job, lastBuild), { recursive: true });
    const ingest = kpd(['ingest', job, '--db', db]);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);

    const after = await get('/api/v1/jobs');
    expect(after.headers.get('x-kpd-cache')).toBeNull();
    expect(JSON.parse(gunzipSync(after.body).toString('utf8')).jobs[0].builds).toBe(before + 1);
  });

  it('renders a view once for many readers who ask for it at the same time', async () => {
    // The overview was cached before the last commit: all of these miss at once.
    const answers = await Promise.all(Array.from({ length: 24 }, () => get('/')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.headers.get('x-kpd-cache') === null)).toHaveLength(1);
    expect(answers.filter((a) => a.headers.get('x-kpd-cache') === 'shared').length).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => a.body.toString('base64'))).size).toBe(1);
  });

  it('never caches a request that carries credentials', async () => {
    await get('/api/v1/jobs', { cookie: 'a=1' });
    const again = await get('/api/v1/jobs', { cookie: 'a=1' });
    expect(again.headers.get('x-kpd-cache')).toBeNull();
    const auth = await get('/api/v1/jobs', { authorization: 'Bearer x' });
    expect(auth.headers.get('x-kpd-cache')).toBeNull();
  });
});

describe('kpd serve on a database whose change points are stale', () => {
  it('stores fresh ones once at start, so readers stop analysing on every request', async () => {
    const file = path.join(tempDir(), 'kpd.db');
    expect(kpd(['ingest', SAMPLES, '--db', file]).code).toBe(0);
    const { openDb } = await import('../../lib/db/open');
    const { staleChangePointJobs } = await import('../../lib/queries/regressions');
    const db = openDb(file);
    // What a database written by a path that skipped the refresh looks like.
    db.prepare('DELETE FROM change_point_state').run();
    expect(staleChangePointJobs(db)).toEqual([JOB]);
    const stale = await startServer(file);
    try {
      for (let i = 0; i < 100 && staleChangePointJobs(db).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(staleChangePointJobs(db)).toEqual([]);
      expect(stale.output()).toContain(`kpd: stored fresh change points of ${JOB}`);
    } finally {
      db.close();
      await stale.stop();
    }
  }, 120_000);
});

describe('kpd serve and the environment', () => {
  async function answersOn(port: number): Promise<boolean> {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.ok, () => false);
      if (ok) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  it('listens on PORT and HOSTNAME, and --port wins over PORT', async () => {
    const { spawn } = await import('node:child_process');
    const { freePort } = await import('../server-harness');
    const [envPort, flagPort] = [await freePort(), await freePort()];
    const serve = (args: string[]) =>
      spawn(process.execPath, ['bin/kpd', 'serve', '--db', db, '--no-samples', ...args], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, PORT: String(envPort), HOSTNAME: '127.0.0.1' },
        stdio: 'ignore',
      });
    const byEnv = serve([]);
    try {
      expect(await answersOn(envPort)).toBe(true);
    } finally {
      byEnv.kill('SIGTERM');
      await new Promise((r) => byEnv.once('exit', r));
    }
    const byFlag = serve(['--port', String(flagPort)]);
    try {
      expect(await answersOn(flagPort)).toBe(true);
      expect(await fetch(`http://127.0.0.1:${envPort}/api/v1/health`).then(() => true, () => false)).toBe(false);
    } finally {
      byFlag.kill('SIGTERM');
      await new Promise((r) => byFlag.once('exit', r));
    }
  }, 180_000);
});
