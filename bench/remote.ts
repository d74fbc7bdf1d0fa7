// Benchmark of remote sources: the ingest bench's generated job (100 builds,
// 20 tests x 3 node configs) read with `kpd ingest` from a real S3 API server
// (s3rver, in this process; kpd in a child process, as a user runs it)
// against the same job from local disk, then a second pass over the
// unchanged builds. Goals: at least 80 % of local throughput, and the second
// pass under 2 s. KPD_BENCH_REMOTE_BUILDS sets a smaller job. Prints figures;
// asserts nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_DEMO, DEMO_NODES, writeDemoJob } from '../ingest/demo/generate';
import { ingestRemote, remoteSettingsFromEnv } from '../ingest/remote';
import { openDb } from '../lib/db/open';
import { S3Fixture } from '../test/remote/s3-server';
import { dirBytes, twentyTests } from './ingest';

const BUILDS = Number(process.env.KPD_BENCH_REMOTE_BUILDS ?? 100);
const ROOT = path.resolve(import.meta.dirname, '..');
const BUCKET = 'ci-logs';

interface Timed {
  seconds: number;
  /** CPU seconds this process (s3rver) spent meanwhile. */
  serverCpu: number;
  summary: { builds: number; inserted: number; skipped?: number; downloaded?: number; bytes?: number };
}

function kpdIngest(env: Record<string, string>, ...args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/kpd'), 'ingest', ...args, '--json'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`kpd ingest ${args.join(' ')} exited ${code}: ${err}`));
      else {
        const cpu = process.cpuUsage(cpu0);
        resolve({ seconds: (performance.now() - t0) / 1000, serverCpu: (cpu.user + cpu.system) / 1e6, summary: JSON.parse(out) });
      }
    });
  });
}

export async function run(): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-bench-remote-'));
  const s3 = await S3Fixture.start(path.join(tmp, 's3rver'), [BUCKET]);
  try {
    const jobDir = writeDemoJob(path.join(tmp, 'jobs'), { ...DEFAULT_DEMO, builds: BUILDS, tests: twentyTests(), nodes: DEMO_NODES, noisePerPod: 2, legacyBuilds: 0 });
    const bytes = dirBytes(jobDir);
    const t0 = performance.now();
    const objects = await s3.putDir(BUCKET, `logs/${DEFAULT_DEMO.job}`, jobDir);
    const uploadS = (performance.now() - t0) / 1000;
    const source = `s3://${BUCKET}/logs/${DEFAULT_DEMO.job}`;
    const cache = path.join(tmp, 'cache');
    const env = { ...s3.env(), KPD_CACHE_DIR: cache };

    const local = await kpdIngest({}, jobDir, '--db', path.join(tmp, 'local.db'));
    const remote = await kpdIngest(env, source, '--db', path.join(tmp, 'remote.db'));
    const gets = s3.gets().length;
    const second = await kpdIngest(env, source, '--db', path.join(tmp, 'remote.db'));
    const fromCache = await kpdIngest(env, source, '--db', path.join(tmp, 'cached.db'));

    // The second pass again in this process: the time of the pass itself, without starting Node and tsx.
    Object.assign(process.env, env);
    const db = openDb(path.join(tmp, 'remote.db'));
    const before = s3.requests.length;
    const p0 = performance.now();
    const res = await ingestRemote(db, source, remoteSettingsFromEnv(), { replaceOther: true });
    const passS = (performance.now() - p0) / 1000;
    const load = os.loadavg()[0];
    const passRequests = s3.requests.length - before;
    db.close();

    const mbps = (t: Timed) => (bytes / 1e6 / t.seconds).toFixed(1);
    const ratio = (100 * local.seconds) / remote.seconds;
    return [
      '## Remote sources: ingest from S3 (s3rver) against local disk',
      '',
      `Job: ${BUILDS} builds x 20 tests x 3 node configs, ${(bytes / 1e6).toFixed(0)} MB in ${objects} objects, uploaded to s3rver in ${uploadS.toFixed(1)} s. ` +
        'Each figure is one `kpd ingest … --json` child process (Node and tsx start included), s3rver serving from this process, default settings (8 requests at once).',
      '',
      '| run | wall time | builds/s | input MB/s | requests | s3rver CPU meanwhile |',
      '|---|---:|---:|---:|---:|---:|',
      `| local directory | ${local.seconds.toFixed(2)} s | ${(BUILDS / local.seconds).toFixed(2)} | ${mbps(local)} | – | – |`,
      `| S3, first pass (empty cache) | ${remote.seconds.toFixed(2)} s | ${(BUILDS / remote.seconds).toFixed(2)} | ${mbps(remote)} | ${gets} GETs | ${remote.serverCpu.toFixed(1)} s |`,
      `| S3, into a new database with the cache full | ${fromCache.seconds.toFixed(2)} s | ${(BUILDS / fromCache.seconds).toFixed(2)} | ${mbps(fromCache)} | listings only | ${fromCache.serverCpu.toFixed(1)} s |`,
      `| S3, second pass, unchanged (${second.summary.skipped} skipped) | ${second.seconds.toFixed(2)} s | – | – | listings only | ${second.serverCpu.toFixed(1)} s |`,
      `| the same pass in-process (no Node start; s3rver in this process too) | ${passS.toFixed(2)} s | – | – | ${passRequests} (listings and latest-build.txt, no object GET) | – |`,
      '',
      `Load average on the shared 2-core machine at the end: ${load.toFixed(1)} (other work ran alongside). s3rver answers in this process, so its CPU (a list walks and stats its folder tree and reads each object's metadata file; a GET reads metadata, then the file) competes with kpd for the same two cores, which a bucket in the cloud does not.`,
      '',
      `S3 throughput: ${ratio.toFixed(0)} % of local (goal ≥ 80 %). Second pass: ${second.seconds.toFixed(2)} s as a command, ${passS.toFixed(2)} s for the pass itself (goal < 2 s); ` +
        `${res.builds.filter((b) => b.skipped).length} of ${res.builds.length} builds skipped without a download.`,
    ].join('\n') + '\n';
  } finally {
    await s3.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(await run());
}
