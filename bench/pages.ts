// Benchmark of the dashboard: a 5,000-build database (3 tests x 2 node
// configs, probe events in the last builds), the production server, and for
// every page and JSON twin its latency under 16 concurrent clients (p50/p95,
// with the response cache bypassed and when served from it) and the gzip bytes it sends:
// the HTML (which carries the initial RSC payload) and, for pages, the RSC
// payload of a client-side navigation. Prints figures; asserts nothing.
// Run: npx tsx bench/pages.ts (KPD_BENCH_PAGE_BUILDS, KPD_BENCH_PAGE_CLIENTS, KPD_BENCH_PAGE_REQUESTS to change the size).
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { quantile } from 'd3-array';
import { openDb } from '../lib/db/open';
import { writeBuild } from '../ingest/load';
import { refreshAlerts } from '../lib/queries/alerts';
import { parseTestOptions } from '../ingest/parsers/testname';
import { PROBES, type BuildRecord, type PerfDataItem, type ProbeEvent, type RunRecord } from '../lib/model';
import { startServer } from '../test/server-harness';
import { tempDir } from '../test/helpers';

const BUILDS = Number(process.env.KPD_BENCH_PAGE_BUILDS ?? 5000);
const REQUESTS = Number(process.env.KPD_BENCH_PAGE_REQUESTS ?? 10);
const CLIENTS = Number(process.env.KPD_BENCH_PAGE_CLIENTS ?? 16);
/** Builds at the end of the history that carry kubelet probe events (the tracing window is the last 50). */
const TRACED = 60;
const PODS = 105;
const JOB = 'ci-kubernetes-node-kubelet-benchmark';
/** Prow build IDs: 19 digits, a few million apart, as a real job's are. */
const FIRST = 1853849370541559808n;
const idOf = (i: number) => String(FIRST + BigInt(i) * 3_774_873_600n);
const TESTS = ['density_create_batch_105_0_0', 'density_create_batch_35_0_100', 'resource_10'];
const NODES = [
  { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' },
  { image: 'ubuntu-gke-2204-1-28-v20241030', machine: 'cpu:4core,memory:15GB' },
];

/** Deterministic noise in [0, 1). */
function noise(...xs: number[]): number {
  let h = 2166136261;
  for (const x of xs) h = Math.imul(h ^ x, 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

function probeEvents(start: number, b: number, n: number): ProbeEvent[] {
  const events: ProbeEvent[] = [];
  for (let p = 0; p < PODS; p++) {
    let t = start + p * 9_000;
    events.push({ probe: 'create', instance: 0, time: t, source: 'test' });
    for (const [i, probe] of PROBES.slice(1, -1).entries()) {
      t += Math.round((i === 2 ? 400_000 : 20_000) * (1 + noise(b, n, p, i)));
      events.push({ probe, pod: `density-test/pod-${p}`, uid: `uid-${b}-${n}-${p}`, instance: 0, time: t, source: 'kubelet' });
    }
    events.push({ probe: 'running', instance: 0, time: t + 1_000, source: 'test' });
  }
  return events;
}

function runOf(test: string, n: number, b: number, start: number, traced: boolean): RunRecord {
  const r = (base: number, i: number) => Math.round(base * (1 + 0.1 * noise(b, n, i)) * 10) / 10;
  const ts = Array.from({ length: 30 }, (_, i) => start + i * 1_000_000);
  const density = test.startsWith('density');
  const items: PerfDataItem[] = [
    ...(density
      ? [
          { data: { Perc50: r(2400, 1), Perc90: r(3600, 2), Perc99: r(4100, 3), Perc100: r(4300, 4) }, unit: 'ms', labels: { datatype: 'latency', latencytype: 'create-pod' } },
          { data: { batch: r(1200, 5), 'single-worst': r(14, 6) }, unit: 'pods/min', labels: { datatype: 'throughput', latencytype: 'create-pod' } },
        ]
      : []),
    ...(['kubelet', 'runtime'] as const).flatMap((container, c): PerfDataItem[] => [
        {
          data: { Perc05: r(20, 7 + c), Perc50: r(60, 8 + c), Perc90: r(250, 9 + c), Perc95: r(260, 10 + c), Perc99: r(280, 11 + c) },
          unit: 'mCPU',
          labels: { datatype: 'resource', container, resource: 'cpu' },
        },
        { data: { memory: r(95, 12 + c), rss: r(68, 13 + c), workingset: r(82, 14 + c) }, unit: 'MB', labels: { datatype: 'resource', container, resource: 'memory' } },
      ]),
  ];
  return {
    test,
    description: `${test} [Benchmark]`,
    options: parseTestOptions(test),
    node: NODES[n],
    host: `host-${n}`,
    start,
    end: start + 40_000_000,
    status: 'passed',
    items,
    resources: Object.fromEntries(
      ['kubelet', 'runtime'].map((c, i) => [c, { ts, cpu: ts.map((_, k) => r(50 + 30 * i, 20 + k)), memory: ts.map((_, k) => r(90, 60 + k)), unit: { cpu: 'mCPU', memory: 'MB' } }]),
    ),
    probes: traced && density ? probeEvents(start + 2_000_000, b, n) : [],
    podStartups: [],
  };
}

function buildDb(file: string): { seconds: number; probeEvents: number } {
  const db = openDb(file);
  const t = performance.now();
  let probeEvents = 0;
  for (let i = 0; i < BUILDS; i++) {
    const number = idOf(i);
    const started = Date.UTC(2024, 0, 1) * 1000 + i * 8 * 3_600_000_000;
    const traced = i >= BUILDS - TRACED;
    const runs = TESTS.flatMap((test, k) => NODES.map((_, n) => runOf(test, n, i, started + k * 60_000_000, traced)));
    probeEvents += runs.reduce((a, r) => a + r.probes.length, 0);
    const build: BuildRecord = {
      job: JOB,
      number,
      started,
      finished: started + 3_600_000_000,
      result: noise(i) < 0.9 ? 'SUCCESS' : 'FAILURE',
      source: 'bench',
      contentHash: `bench-${number}`,
      runs,
      report: { files: [], warnings: [], runs: runs.length, metrics: 0, probeEvents: 0 },
    };
    writeBuild(db, build);
  }
  // As ingest leaves a job: change points and alerts stored.
  refreshAlerts(db, JOB);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds: (performance.now() - t) / 1000, probeEvents };
}

interface Sample {
  ms: number;
  /** Bytes on the wire: gzip where the server compressed, else the plain body. */
  gzipBytes: number;
  compressed: boolean;
  status: number;
  location?: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.get(url, { headers: { 'accept-encoding': 'gzip', ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => {
        resolve({
          ms: performance.now() - t,
          gzipBytes: bytes,
          compressed: res.headers['content-encoding'] === 'gzip',
          status: res.statusCode ?? 0,
          location: res.headers.location,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

interface Figures {
  p50: number;
  p95: number;
  perSecond: number;
  errors: number;
}

interface Row {
  name: string;
  /** Repeated views, answered from the server's response cache. */
  cached: Figures;
  /** Every request computed: the cache is bypassed (it never serves requests that carry a cookie). */
  computed: Figures;
  html: number;
  compressed: boolean;
  rsc?: number;
}

/** CLIENTS concurrent clients, each sending REQUESTS requests one after another. */
async function load(url: string, headers: Record<string, string>): Promise<Figures> {
  const times: number[] = [];
  let errors = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS; i++) {
        const s = await get(url, headers).catch(() => undefined);
        if (!s || s.status !== 200) errors++;
        else times.push(s.ms);
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5) ?? NaN, p95: quantile(times, 0.95) ?? NaN, perSecond: times.length / seconds, errors };
}

async function measure(base: string, name: string, p: string, page: boolean): Promise<Row> {
  const first = await get(base + p);
  if (first.status !== 200) throw new Error(`${p}: HTTP ${first.status}`);
  for (let i = 0; i < 2; i++) await get(base + p, { cookie: 'kpd-bench=1' });
  const row: Row = {
    name,
    computed: await load(base + p, { cookie: 'kpd-bench=1' }),
    cached: await load(base + p, {}),
    html: first.gzipBytes,
    compressed: first.compressed,
  };
  if (page) {
    // Next.js answers an RSC request without its cache-busting `_rsc` parameter with a redirect to the URL that has it.
    const nav = await get(base + p, { rsc: '1' });
    const rsc = nav.status === 307 && nav.location ? await get(base + nav.location, { rsc: '1' }) : nav;
    if (rsc.status !== 200) throw new Error(`${p} (RSC): HTTP ${rsc.status}`);
    row.rsc = rsc.gzipBytes;
  }
  return row;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export async function run(): Promise<string> {
  const dir = tempDir('kpd-bench-pages-');
  const file = path.join(dir, 'kpd.db');
  const built = buildDb(file);
  const server = await startServer(file);
  try {
    const job = `/jobs/${JOB}`;
    const sel = new URLSearchParams({ test: TESTS[0], ...NODES[0] });
    const last = idOf(BUILDS - 1);
    const cmp = new URLSearchParams();
    for (const t of TESTS.slice(0, 2)) for (const n of NODES) cmp.append('sel', [t, n.image, n.machine].join('|'));
    const pages: [string, string][] = [
      ['Overview /', '/'],
      ['Builds (last 50)', `${job}/builds?${sel}`],
      ['Builds (all 5,000)', `${job}/builds?${sel}&last=all`],
      ['Comparison (4 selections, last 50)', `${job}/compare?${cmp}`],
      ['Time series (one build)', `${job}/builds/${last}/series?${sel}`],
      ['Tracing (last 50)', `${job}/tracing?${sel}`],
      ['Regressions (alerts, first page)', `${job}/regressions`],
    ];
    const apis: [string, string][] = [
      ['GET /api/v1/jobs', '/api/v1/jobs'],
      ['GET …/charts', `/api/v1${job}/charts?${sel}`],
      ['GET …/compare', `/api/v1${job}/compare?${cmp}`],
      ['GET …/series', `/api/v1${job}/series?build=${last}&${sel}`],
      ['GET …/tracing', `/api/v1${job}/tracing?${sel}`],
      ['GET …/alerts', `/api/v1${job}/alerts`],
      ['GET …/trace', `/api/v1${job}/trace?build=${last}&${sel}&from=pod_config_change&to=watch_observed_running`],
    ];
    const rows: Row[] = [];
    for (const [name, p] of pages) rows.push(await measure(server.url, name, p, true));
    for (const [name, p] of apis) rows.push(await measure(server.url, name, p, false));
    // A first load sends the HTML, a client-side navigation the RSC payload: each must fit.
    const ok = (r: Row) =>
      r.computed.p95 < 300 && r.cached.p95 < 300 && r.computed.errors + r.cached.errors === 0 && Math.max(r.html, r.rsc ?? 0) < 300 * 1024 ? 'yes' : 'no';
    const cell = (f: Figures) => `${f.p50.toFixed(0)} · ${f.p95.toFixed(0)} · ${f.perSecond.toFixed(0)}${f.errors ? ` · **${f.errors} errors**` : ''}`;
    return [
      `### Pages at ${BUILDS.toLocaleString('en-US')} builds`,
      '',
      `${BUILDS} builds x ${TESTS.length} tests x ${NODES.length} node configs (${built.probeEvents.toLocaleString('en-US')} probe events in the last ${TRACED} builds), written in ${built.seconds.toFixed(1)} s; \`kpd serve\`, ${CLIENTS} concurrent clients sending ${REQUESTS} requests each per view, \`accept-encoding: gzip\`, first request to last byte on localhost. **Computed**: every request bypasses the server's response cache (a request with a cookie is never cached), so each one runs its queries and render; **cached**: the same URL repeated, as when many people open one dashboard between two uploads. Load average at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs (the benchmark's own client shares them). Goal: p95 < 300 ms on every page with 0 errors, responses < 300 KB, API JSON compressed.`,
      '',
      '| view | computed: p50 · p95 ms · req/s | cached: p50 · p95 ms · req/s | HTML / JSON gzip | RSC navigation gzip | goal met |',
      '|---|---:|---:|---:|---:|:---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${cell(r.computed)} | ${cell(r.cached)} | ${kb(r.html)}${r.compressed ? '' : ' (**not compressed**)'} | ${r.rsc === undefined ? '–' : kb(r.rsc)} | ${ok(r)} |`,
      ),
      '',
      '"Builds (all 5,000)" charts the whole history, downsampled to at most 600 real builds per chart (each stretch keeps its lowest and highest); the default range is the last 50 builds.',
    ].join('\n');
  } finally {
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await run()) + '\n');
}
