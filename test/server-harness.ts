// Starts the real dashboard server for tests that need one: builds the
// Next.js app once (under a lock, since test files run in parallel) when the
// build is missing or stale, then runs `next start` on a free port with the
// given database and environment.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { buildIsFresh } from '../cli/serve';

const ROOT = path.resolve(import.meta.dirname, '..');
const NEXT = path.join(ROOT, 'node_modules/.bin/next');
const LOCK = path.join(ROOT, '.next-build.lock');

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `next build` unless a fresh build exists; safe to call from parallel test files. */
export async function ensureNextBuild(): Promise<void> {
  for (;;) {
    if (buildIsFresh()) return;
    try {
      fs.mkdirSync(LOCK);
    } catch {
      await sleep(500);
      continue;
    }
    try {
      if (!buildIsFresh()) {
        const r = spawnSync(NEXT, ['build'], {
          cwd: ROOT,
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`next build failed:\n${r.stdout}\n${r.stderr}`);
      }
      return;
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningServer {
  url: string;
  stop: () => Promise<void>;
  output: () => string;
}

/** Starts `kpd serve` (the real server: Next.js inside kpd's HTTP server, with its writer thread) on `db` with `env`; resolves once it answers HTTP. */
export async function startServer(db: string, env: Record<string, string> = {}): Promise<RunningServer> {
  await ensureNextBuild();
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/kpd'), 'serve', '--port', String(port), '--hostname', '127.0.0.1', '--db', db, '--no-samples'],
    { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kpd serve exited ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(url + '/api/v1/health');
      if (r.status > 0) break;
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${log}`);
      await sleep(200);
    }
  }
  return {
    url,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
