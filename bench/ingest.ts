// Benchmark of the foundation: ingest of a generated job (100 builds, 20
// tests x 3 node configs each) into a fresh database, and the `metrics`
// query over a 5,000-build database. Prints figures (wall and CPU time);
// asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { quantile } from 'd3-array';
import { openDb } from '../lib/db/open';
import { DEFAULT_DEMO, DEMO_NODES, writeDemoJob, type DemoTest } from '../ingest/demo/generate';
import { readBuild } from '../ingest/build';
import { writeBuild } from '../ingest/load';
import { discoverBuilds } from '../ingest/sources/local';
import { metricSeries } from '../lib/queries/metrics';
import { METRIC_NAMES, type BuildRecord, type PerfDataItem, type RunRecord } from '../lib/model';
import { Random } from '../ingest/demo/random';
import { parseTestOptions } from '../ingest/parsers/testname';

const BUILDS = Number(process.env.KPD_BENCH_BUILDS ?? 100);
const QUERY_BUILDS = Number(process.env.KPD_BENCH_QUERY_BUILDS ?? 5000);

/** The bench job's tests: 16 density variants and 4 resource tests (bench/remote.ts ingests the same job). */
export function twentyTests(): DemoTest[] {
  const tests: DemoTest[] = [];
  for (const pods of [10, 20, 35, 50]) {
    for (const intervalMs of [0, 50, 100, 200]) {
      tests.push({
        name: `density_create_batch_${pods}_0_${intervalMs}`,
        desc: `create ${pods} pods with ${intervalMs}ms interval [Benchmark]`,
        pods,
        intervalMs,
        durationS: 0,
      });
    }
  }
  for (const pods of [0, 10, 35, 50]) {
    tests.push({ name: `resource_${pods}`, desc: `resource tracking for ${pods} pods per node [Benchmark]`, pods, intervalMs: 0, durationS: 60 });
  }
  return tests;
}

async function benchIngest(tmp: string): Promise<string[]> {
  const t0 = performance.now();
  const jobDir = writeDemoJob(tmp, { ...DEFAULT_DEMO, builds: BUILDS, tests: twentyTests(), nodes: DEMO_NODES, noisePerPod: 2, legacyBuilds: 0 });
  const genMs = performance.now() - t0;
  const bytes = dirBytes(jobDir);
  const db = openDb(path.join(tmp, 'ingest.db'));
  let parseMs = 0;
  let writeMs = 0;
  let parseCpuMs = 0;
  let writeCpuMs = 0;
  let rows = 0;
  let runs = 0;
  const start = performance.now();
  for (const loc of discoverBuilds(jobDir)) {
    const a = performance.now();
    const ca = cpuMs();
    const build = await readBuild(loc.path, { job: loc.job, number: loc.number, source: loc.path });
    const b = performance.now();
    const cb = cpuMs();
    rows += writeBuild(db, build).rows;
    runs += build.runs.length;
    parseMs += b - a;
    writeMs += performance.now() - b;
    parseCpuMs += cb - ca;
    writeCpuMs += cpuMs() - cb;
  }
  const total = (performance.now() - start) / 1000;
  const cpu = (parseCpuMs + writeCpuMs) / 1000;
  db.close();
  return [
    `Generated job: ${BUILDS} builds x 20 tests x 3 node configs = ${runs} runs, ${(bytes / 1e6).toFixed(0)} MB on disk (generated in ${(genMs / 1000).toFixed(1)} s).`,
    '',
    '| ingest | figure |',
    '|---|---|',
    `| wall time | ${total.toFixed(2)} s |`,
    `| builds/s | ${(BUILDS / total).toFixed(1)} |`,
    `| rows/s (overall) | ${Math.round(rows / total).toLocaleString('en-US')} |`,
    `| rows written | ${rows.toLocaleString('en-US')} |`,
    `| input MB/s | ${(bytes / 1e6 / total).toFixed(1)} |`,
    `| time parsing (readBuild) | ${(parseMs / 1000).toFixed(2)} s (${((100 * parseMs) / (parseMs + writeMs)).toFixed(0)} %) |`,
    `| time writing (writeBuild, SQLite) | ${(writeMs / 1000).toFixed(2)} s, ${Math.round(rows / (writeMs / 1000)).toLocaleString('en-US')} rows/s |`,
    `| CPU time (all threads) | ${cpu.toFixed(2)} s: parsing ${(parseCpuMs / 1000).toFixed(2)} s, writing ${(writeCpuMs / 1000).toFixed(2)} s |`,
    `| input MB per CPU second | ${(bytes / 1e6 / cpu).toFixed(1)} |`,
  ];
}

/** A run record as ingest makes it, without the files: enough to fill 5,000 builds quickly. */
function syntheticRun(rnd: Random, test: string, node: number): RunRecord {
  const lat = 1500 + rnd.normal(0, 100);
  return {
    test,
    options: parseTestOptions(test),
    node: { image: DEMO_NODES[node].image, machine: DEMO_NODES[node].machine },
    host: `host-${node}`,
    items: [
      { data: { Perc50: lat, Perc90: lat * 1.4, Perc99: lat * 1.7, Perc100: lat * 1.8 }, unit: 'ms', labels: { datatype: 'latency', latencytype: 'create-pod' } },
      { data: { batch: 40 + rnd.normal(0, 3), 'single-worst': 20 + rnd.normal(0, 2) }, unit: 'pods/min', labels: { datatype: 'throughput', latencytype: 'create-pod' } },
      ...(['kubelet', 'runtime'] as const).flatMap((container): PerfDataItem[] => [
        {
          data: { Perc05: 10, Perc20: 14, Perc50: 21 + rnd.normal(0, 2), Perc70: 25, Perc90: 30, Perc95: 33, Perc99: 40 },
          unit: 'mCPU',
          labels: { node: `host-${node}`, container, datatype: 'resource', resource: 'cpu' },
        },
        {
          data: { memory: 61 + rnd.normal(0, 2), rss: 39, workingset: 52 },
          unit: 'MB',
          labels: { node: `host-${node}`, container, datatype: 'resource', resource: 'memory' },
        },
      ]),
    ],
    resources: {},
    probes: [],
    podStartups: [],
  };
}

function benchQuery(tmp: string): string[] {
  const db = openDb(path.join(tmp, 'query.db'));
  const rnd = new Random(7);
  const tests = ['density_create_batch_10_0_0', 'density_create_batch_35_0_0', 'density_create_batch_105_0_0', 'resource_10'];
  const fill = performance.now();
  db.transaction(() => {
    for (let n = 1; n <= QUERY_BUILDS; n++) {
      const build: BuildRecord = {
        job: 'bench-job',
        number: String(n),
        started: 1_700_000_000_000_000 + n * 3_600_000_000,
        result: 'SUCCESS',
        source: 'bench',
        contentHash: `h${n}`,
        runs: tests.flatMap((t) => [0, 1, 2].map((node) => syntheticRun(rnd, t, node))),
        report: { files: [], warnings: [], runs: 12, metrics: 72, probeEvents: 0 },
      };
      writeBuild(db, build);
    }
  })();
  const fillS = (performance.now() - fill) / 1000;
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const q = {
      job: 'bench-job',
      test: tests[i % tests.length],
      image: DEMO_NODES[i % 3].image,
      machine: DEMO_NODES[i % 3].machine,
      metric: METRIC_NAMES[i % METRIC_NAMES.length],
    };
    const a = performance.now();
    const res = metricSeries(db, q);
    times.push(performance.now() - a);
    if (q.metric !== 'latency' && q.metric !== 'throughput' && res.series.length !== QUERY_BUILDS) throw new Error('short series');
  }
  times.sort((a, b) => a - b);
  const last50: number[] = [];
  for (let i = 0; i < 300; i++) {
    const a = performance.now();
    metricSeries(db, { job: 'bench-job', test: tests[0], image: DEMO_NODES[0].image, machine: DEMO_NODES[0].machine, metric: 'latency', from: String(QUERY_BUILDS - 49) });
    last50.push(performance.now() - a);
  }
  last50.sort((a, b) => a - b);
  db.close();
  return [
    `Query database: ${QUERY_BUILDS} builds x 4 tests x 3 node configs, 6 metrics each (filled in ${fillS.toFixed(1)} s).`,
    '',
    '| `metrics` query | p50 | p95 |',
    '|---|---|---|',
    `| whole history (${QUERY_BUILDS} points) | ${quantile(times, 0.5)!.toFixed(2)} ms | ${quantile(times, 0.95)!.toFixed(2)} ms |`,
    `| last 50 builds (--from) | ${quantile(last50, 0.5)!.toFixed(2)} ms | ${quantile(last50, 0.95)!.toFixed(2)} ms |`,
  ];
}

/** CPU time of the process, every thread's (the kubelet reader's workers too): steadier than wall time on a busy machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Bytes of every file under `dir`. */
export function dirBytes(dir: string): number {
  let n = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    n += ent.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return n;
}

export async function run(): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-bench-ingest-'));
  try {
    const lines = ['## Ingest and metrics query', '', ...(await benchIngest(tmp)), '', ...benchQuery(tmp)];
    return lines.join('\n') + '\n';
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(await run());
}
