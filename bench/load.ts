// Load benchmark of the server (issue 9): a real `kpd serve` on a demo
// database (`kpd demo`), 200 concurrent readers going round the pages and the
// JSON API for a fixed time, and one upload of a build archive (the client
// `kpd upload` uses, with its retries) sent a third of the way in. Once with
// the response cache as it is, once bypassed (a request with a cookie is never
// cached). Prints page and API p50/p95/p99, errors and the upload's latency,
// against an upload on the idle server. Asserts nothing.
// Run: npx tsx bench/load.ts (KPD_BENCH_LOAD_READERS, _SECONDS, _BUILDS to change the size).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { quantile } from 'd3-array';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { packBuildDir, sendArchive } from '../cli/upload-client';
import { startServer } from '../test/server-harness';
import { tempDir } from '../test/helpers';
import { KPD } from '../test/kpd';

const READERS = Number(process.env.KPD_BENCH_LOAD_READERS ?? 200);
const SECONDS = Number(process.env.KPD_BENCH_LOAD_SECONDS ?? 30);
const BUILDS = Number(process.env.KPD_BENCH_LOAD_BUILDS ?? 30);
const TOKEN = 'tok-bench-load';

interface Sample {
  page: boolean;
  ms: number;
  ok: boolean;
  hit: boolean;
}

interface Phase {
  name: string;
  samples: Sample[];
  errors: Map<string, number>;
  upload: { ms: number; status: number };
  seconds: number;
}

const ms = (xs: number[], q: number) => (xs.length ? (quantile(xs, q) ?? 0) : 0);

/** One connection per reader, kept alive; bodies are read as sent (compressed), so the client spends little CPU. */
const agent = new Agent({ connections: READERS, keepAliveTimeout: 60_000, headersTimeout: 300_000, bodyTimeout: 300_000 });

/** One reader: the next URL of the round, again and again until `until`. */
async function reader(base: string, urls: { path: string; page: boolean }[], start: number, until: number, headers: Record<string, string>, out: Phase): Promise<void> {
  for (let i = start; performance.now() < until; i++) {
    const u = urls[i % urls.length];
    const t0 = performance.now();
    let ok = false;
    let hit = false;
    try {
      const r = await request(base + u.path, { dispatcher: agent, headers: { 'accept-encoding': 'gzip, br', ...headers } });
      await r.body.arrayBuffer();
      ok = r.statusCode >= 200 && r.statusCode < 300;
      // 'shared': a render another reader of the same view started (after a commit emptied the cache).
      hit = r.headers['x-kpd-cache'] === 'hit' || r.headers['x-kpd-cache'] === 'shared';
      if (!ok) out.errors.set(`${r.statusCode} ${u.path}`, (out.errors.get(`${r.statusCode} ${u.path}`) ?? 0) + 1);
    } catch (e) {
      const why = `${(e as Error).message} ${u.path}`;
      out.errors.set(why, (out.errors.get(why) ?? 0) + 1);
    }
    out.samples.push({ page: u.page, ms: performance.now() - t0, ok, hit });
  }
}

async function upload(server: string, job: string, build: string, archive: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const a = await sendArchive(archive, { server, job, build, token: TOKEN });
  return { ms: performance.now() - t0, status: a.status };
}

export async function run(): Promise<string> {
  const dir = tempDir('kpd-bench-load-');
  const db = path.join(dir, 'kpd.db');
  const t0 = performance.now();
  const demo = spawnSync(process.execPath, [KPD, 'demo', '--builds', String(BUILDS), '--db', db, '--out', path.join(dir, 'demo'), '--json'], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`kpd demo failed:\n${demo.stderr}`);
  const demoSeconds = (performance.now() - t0) / 1000;
  const d = new Database(db, { readonly: true });
  const jobs = (d.prepare('SELECT name FROM jobs ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const job = jobs[0];
  const builds = (d.prepare('SELECT b.number FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = ? ORDER BY b.sort_key').all(job) as { number: string }[]).map((r) => r.number);
  const last = builds[builds.length - 1];
  const pod = (d.prepare("SELECT e.pod FROM probe_events e JOIN runs r ON r.id = e.run_id JOIN builds b ON b.id = r.build_id WHERE b.number = ? AND e.source = 'kubelet'").get(last) as { pod: string }).pod;
  const sel = d
    .prepare("SELECT t.name AS test, n.image, n.machine FROM runs r JOIN tests t ON t.id = r.test_id JOIN node_configs n ON n.id = r.node_config_id WHERE t.name LIKE 'density%' LIMIT 1")
    .get() as { test: string; image: string; machine: string };
  const buildRows = (d.prepare('SELECT count(*) AS n FROM builds').get() as { n: number }).n;
  d.close();
  const dbMb = fs.statSync(db).size / 1024 ** 2;

  // The upload: the newest demo build's files under new IDs, after the newest.
  const archive = path.join(dir, 'upload.tar.gz');
  await packBuildDir(path.join(dir, 'demo', job, last), archive);
  const nextId = (k: number) => String(BigInt(last) + BigInt(k));

  const J = `/jobs/${encodeURIComponent(job)}`;
  const B = `${J}/builds/${last}`;
  const urls = [
    ...['/', `${J}/builds`, `${J}/builds?last=all`, `${J}/compare`, `${J}/tracing`, `${J}/regressions`, `${B}/series`, `${B}/pods/${encodeURIComponent(pod)}`].map((p) => ({ path: p, page: true })),
    ...['/api/v1/jobs', `/api/v1${J}/builds`, `/api/v1${J}/charts`, `/api/v1${J}/options`, `/api/v1${J}/tracing`, `/api/v1${J}/metrics?metric=latency&${new URLSearchParams(sel)}`, `/api/v1${J}/alerts`, `/api/v1${J}/regressions`, `/api/v1${B}/pods/${encodeURIComponent(pod)}`].map(
      (p) => ({ path: p, page: false }),
    ),
  ];

  const server = await startServer(db, { KPD_UPLOAD_TOKEN: TOKEN, KPD_UPLOADS_DIR: path.join(dir, 'uploads') });
  try {
    // Warm-up: the upload path once, idle; then every view rendered once (in the cache for the first phase).
    const idle = await upload(server.url, job, nextId(1), archive);
    for (const u of urls) await (await request(server.url + u.path, { dispatcher: agent, headers: { 'accept-encoding': 'gzip, br' } })).body.arrayBuffer();
    const phases: Phase[] = [];
    for (const [k, [name, headers]] of ([
      ['response cache on', {}],
      ['response cache bypassed (cookie)', { cookie: 'kpd-bench=no-cache' }],
    ] as [string, Record<string, string>][]).entries()) {
      const phase: Phase = { name, samples: [], errors: new Map(), upload: { ms: 0, status: 0 }, seconds: SECONDS };
      const start = performance.now();
      const until = start + SECONDS * 1000;
      const readers = Array.from({ length: READERS }, (_, i) => reader(server.url, urls, i, until, headers, phase));
      await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
      const sent = upload(server.url, job, nextId(2 + k), archive);
      await Promise.all(readers);
      phase.upload = await sent;
      phase.seconds = (performance.now() - start) / 1000;
      phases.push(phase);
    }
    const load = os.loadavg()[0];
    const row = (p: Phase, page: boolean) => {
      const xs = p.samples.filter((s) => s.page === page).map((s) => s.ms);
      return `${ms(xs, 0.5).toFixed(0)} / ${ms(xs, 0.95).toFixed(0)} / ${ms(xs, 0.99).toFixed(0)}`;
    };
    const errors = (p: Phase) => p.samples.filter((s) => !s.ok).length;
    return [
      `## Load: ${READERS} concurrent readers and an upload`,
      '',
      `Demo database: \`kpd demo --builds ${BUILDS}\` (${buildRows} builds, ${dbMb.toFixed(0)} MB, made in ${demoSeconds.toFixed(0)} s); \`kpd serve\` (production build), ${READERS} concurrent readers in the same machine's bench process, each going round ${urls.length} URLs (${urls.filter((u) => u.page).length} pages, ${urls.filter((u) => !u.page).length} API) for ${SECONDS} s with \`accept-encoding: gzip, br\`; ${SECONDS / 3} s in, one upload of a ${(fs.statSync(archive).size / 1024 ** 2).toFixed(1)} MB build archive (\`kpd upload\`'s client, retries on). Latencies in ms, first byte to last. Load average (1 min) at the end: ${load.toFixed(1)}. Goals (issue 9): 0 errors, page p95 < 1 s, upload < 5 s.`,
      '',
      '| | requests | req/s | cache hits | errors | pages p50 / p95 / p99 | API p50 / p95 / p99 | upload during load | goals met |',
      '|---|---:|---:|---:|---:|---:|---:|---:|:---:|',
      ...phases.map((p) => {
        const pages = p.samples.filter((s) => s.page).map((s) => s.ms);
        const met = errors(p) === 0 && ms(pages, 0.95) < 1000 && p.upload.ms < 5000 && p.upload.status < 300;
        const hits = (100 * p.samples.filter((x) => x.hit).length) / Math.max(1, p.samples.length);
        return `| ${p.name} | ${p.samples.length.toLocaleString('en-US')} | ${(p.samples.length / p.seconds).toFixed(0)} | ${hits.toFixed(0)} % | ${errors(p)} | ${row(p, true)} | ${row(p, false)} | ${(p.upload.ms / 1000).toFixed(1)} s (${p.upload.status}) | ${met ? 'yes' : 'no'} |`;
      }),
      '',
      `The same upload on the idle server: ${(idle.ms / 1000).toFixed(1)} s (${idle.status}). The bench's readers share the machine with the server; so did whatever else ran (see the load average). Every commit (the upload) starts a new generation of the response cache; the readers of one view who miss it at once wait for a single render of it (counted as cache hits here).`,
      ...phases.flatMap((p) =>
        p.errors.size ? ['', `Errors (${p.name}): ${[...p.errors].slice(0, 8).map(([why, n]) => `${n} × ${why.slice(0, 120)}`).join('; ')}`] : [],
      ),
      '',
    ].join('\n');
  } finally {
    await server.stop();
    await agent.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await run()) + '\n');
}
