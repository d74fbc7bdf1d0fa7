// Benchmark of start-up: `kpd builds --job J --json` on a small database against a
// bare `node -e 0` (both measured here, in the same run, in fresh processes),
// and `npm start` on a built app: the time from spawning `node bin/kpd serve`
// to the first byte of the overview page. Prints figures; asserts nothing.
// Run: npx tsx bench/startup.ts (KPD_BENCH_STARTUP_RUNS to change the count).
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { quantile } from 'd3-array';
import { ensureNextBuild, freePort } from '../test/server-harness';
import { tempDir } from '../test/helpers';

const ROOT = path.resolve(import.meta.dirname, '..');
const KPD = path.join(ROOT, 'bin/kpd');
const RUNS = Number(process.env.KPD_BENCH_STARTUP_RUNS ?? 15);

function timeCommand(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Runs each command RUNS times, interleaved so that a burst of load hits both alike. */
function interleaved(commands: string[][]): number[][] {
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) commands.forEach((c, k) => times[k].push(timeCommand(c)));
  return times.map((t) => t.sort((a, b) => a - b));
}

function firstByte(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.once('data', () => resolve(res.statusCode === 200));
      res.once('error', () => resolve(false));
      res.resume();
    });
    req.on('error', () => resolve(false));
  });
}

/** Milliseconds from spawning `kpd serve` to the overview's first byte. */
async function serveFirstByte(db: string): Promise<number> {
  const port = await freePort();
  const t = performance.now();
  const child = spawn(process.execPath, [KPD, 'serve', '--port', String(port), '--hostname', '127.0.0.1', '--db', db], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (await firstByte(`http://127.0.0.1:${port}/`)) return performance.now() - t;
      if (child.exitCode !== null) throw new Error(`kpd serve exited ${child.exitCode}`);
      if (performance.now() - t > 60_000) throw new Error('kpd serve did not answer within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<string> {
  const dir = tempDir('kpd-bench-startup-');
  const db = path.join(dir, 'kpd.db');
  // The samples make the small database; the first call also builds dist/ and .next/ when stale.
  const seed = spawnSync(process.execPath, [KPD, 'ingest', path.join(ROOT, 'data/samples/ci-kubernetes-node-kubelet-benchmark'), '--db', db], { encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`kpd ingest: ${seed.stderr}`);
  await ensureNextBuild();

  const [bare, builds] = interleaved([
    ['-e', '0'],
    [KPD, 'builds', '--job', 'ci-kubernetes-node-kubelet-benchmark', '--json', '--db', db],
  ]);
  const serve: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 7); i++) serve.push(await serveFirstByte(db));
  serve.sort((a, b) => a - b);
  const med = (xs: number[]) => quantile(xs, 0.5)!;
  return [
    '## Start-up',
    '',
    `${RUNS} fresh processes of each command, interleaved; \`kpd serve\` (what \`npm start\` runs) ${serve.length} times on the built app and a 24-build database, timed from spawn to the overview's first byte. Load average at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs.`,
    '',
    '| command | median | fastest | slowest | goal |',
    '|---|---:|---:|---:|---|',
    `| \`node -e 0\` | ${fmt(med(bare))} | ${fmt(bare[0])} | ${fmt(bare.at(-1)!)} | – |`,
    `| \`kpd builds --job J --json\` | ${fmt(med(builds))} (**${(med(builds) / med(bare)).toFixed(1)}x** node -e 0) | ${fmt(builds[0])} | ${fmt(builds.at(-1)!)} | at most 3x |`,
    `| \`npm start\` → first byte | ${fmt(med(serve))} | ${fmt(serve[0])} | ${fmt(serve.at(-1)!)} | within 2 s |`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await run()) + '\n');
}
