// Generates realistic node e2e benchmark builds in the real on-disk layout
// (FORMATS.md): started/finished.json, build-log.txt (v1 blocks behind CI
// prefixes in older builds), performance-*.json and time_series-*.json (v2),
// junit_01.xml, kubelet logs in legacy, structured and JSON encodings, and
// for some builds the kubelet's and containerd's OpenTelemetry spans.
// Numbers are consistent across files: perf data percentiles come from the
// same per-pod times the kubelet log and the time series show. A regression
// is injected from a given build on, on one node config.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Micros } from '../../lib/model';
import { Random } from './random';
import {
  klogHeader,
  podLines,
  systemPodLines,
  type DemoPod,
  type DemoPodTimes,
  type KubeletEncoding,
  type LogLine,
} from './kubelet-lines';
import { podSpans, traceFileLines } from './kubelet-spans';

export interface DemoNode {
  image: string;
  machine: string;
  /** GCE machine type, the first part of the host name. */
  machineType: string;
  encoding: KubeletEncoding;
  /** Slower hardware: multiplies pod startup segments. */
  speed: number;
  gzip: boolean;
}

export interface DemoTest {
  name: string;
  desc: string;
  pods: number;
  intervalMs: number;
  /** Resource tests keep pods running for minutes; density tests measure startup. */
  durationS: number;
}

export interface DemoJobOptions {
  job: string;
  builds: number;
  /**
   * Build IDs: Prow's (19-digit snowflakes of each build's scheduled time,
   * with a version and commit in started.json, finished.json and
   * prowjob.json) or Jenkins-era numbers from `firstBuild` on.
   */
  ids: 'prow' | 'jenkins';
  firstBuild: number;
  seed: number;
  /** Start of the first build; builds run every `everyHours`. */
  start: Micros;
  everyHours: number;
  nodes: DemoNode[];
  tests: DemoTest[];
  /** Builds before this index print v1 blocks in build-log.txt with CI prefixes and legacy kubelet logs. */
  legacyBuilds: number;
  /** From this build index on, the first node config's sandbox start is slower and the kubelet uses more CPU. */
  regressionAt?: number;
  regressionFactor: number;
  /** Unrelated kubelet lines per pod. */
  noisePerPod: number;
  /** Every n-th build from the first non-legacy one writes its first node's spans (artifacts/<host>/kubelet-traces.jsonl); 0: none. */
  traceEvery: number;
}

export const DEMO_NODES: DemoNode[] = [
  { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB', machineType: 'n1-standard-2', encoding: 'structured', speed: 1, gzip: false },
  { image: 'ubuntu-gke-2204-1-28-v20241030', machine: 'cpu:4core,memory:15GB', machineType: 'e2-standard-4', encoding: 'json', speed: 0.8, gzip: true },
  { image: 'fedora-coreos-40-20240906-3-0', machine: 'cpu:2core,memory:8GB', machineType: 'e2-standard-2', encoding: 'structured', speed: 1.15, gzip: true },
];

const density = (pods: number, intervalMs: number): DemoTest => ({
  name: `density_create_batch_${pods}_0_${intervalMs}`,
  desc: `create ${pods} pods with ${intervalMs}ms interval [Benchmark]`.replace(' with 0ms interval', ' with 0s interval'),
  pods,
  intervalMs,
  durationS: 0,
});

export const DEMO_TESTS: DemoTest[] = [
  density(10, 0),
  density(35, 0),
  density(105, 0),
  density(105, 100),
  { name: 'resource_10', desc: 'resource tracking for 10 pods per node [Benchmark]', pods: 10, intervalMs: 0, durationS: 240 },
];

const GINKGO_PREFIX: Record<string, string> = {
  density: '[sig-node] Density [Serial] [Slow] create a batch of pods latency/resource should be within limit when',
  resource: '[sig-node] Resource-usage [Serial] [Slow] regular resource usage tracking resource tracking for',
};

export function ginkgoName(t: DemoTest): string {
  return t.name.startsWith('resource')
    ? `${GINKGO_PREFIX.resource} ${t.pods} pods per node [Benchmark]`
    : `${GINKGO_PREFIX.density} ${t.desc}`;
}

interface RunOut {
  test: DemoTest;
  node: DemoNode;
  host: string;
  start: Micros;
  end: Micros;
  perf: object;
  series: object;
  logLines: LogLine[];
  pods: { pod: DemoPod; x: DemoPodTimes }[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `Nov 17 10:40:01.512` — Ginkgo's yearless INFO time. */
function ginkgoTime(t: Micros): string {
  const d = new Date(Math.floor(t / 1000));
  return `${d.toUTCString().slice(8, 11)} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Nearest-rank percentile, as the e2e framework computes its PerfData. */
function perc(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((sorted.length * p) / 100) - 1)];
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function simulateRun(
  rnd: Random,
  test: DemoTest,
  node: DemoNode,
  host: string,
  start: Micros,
  regression: number,
  legacy: boolean,
  noise: number,
  bootTime: Micros,
): RunOut {
  const ns = `${test.name.startsWith('resource') ? 'resource-usage' : 'density-test'}-${rnd.int(1000, 9999)}`;
  const regressed = regression !== 1;
  const sandboxFactor = node.speed * regression;
  const times: { pod: DemoPod; x: DemoPodTimes }[] = [];
  const createStart = start + 4_000_000;
  for (let i = 0; i < test.pods; i++) {
    const pod: DemoPod = { namespace: ns, name: `test-${rnd.hex(8)}-${i}`, uid: rnd.uuid() };
    const create = createStart + i * (test.intervalMs * 1000 + rnd.int(2_000, 9_000));
    // Pods of a batch queue behind each other on the node's two pod workers.
    const queue = test.intervalMs ? 0 : i * 28_000 * node.speed;
    const configChange = create + rnd.int(4_000, 25_000);
    const runtimeManager = configChange + rnd.int(1_500, 8_000);
    const infraStart = runtimeManager + Math.round(rnd.logNormal(420_000, 0.25) * sandboxFactor + queue);
    const containerStart = infraStart + Math.round(rnd.logNormal(260_000, 0.3) * node.speed);
    const podRunning = containerStart + rnd.int(3_000, 15_000);
    const statusRunning = podRunning + rnd.int(6_000, 40_000);
    const watchObserved = statusRunning + rnd.int(30_000, 160_000);
    const x: DemoPodTimes = {
      create,
      configChange,
      runtimeManager,
      infraStart,
      containerStart,
      podRunning,
      statusPending: runtimeManager + rnd.int(500, 3_000),
      statusRunning,
      watchObserved,
    };
    times.push({ pod, x });
  }
  const lastRunning = Math.max(...times.map((p) => p.x.watchObserved));
  const end = Math.max(lastRunning + 5_000_000, createStart + test.durationS * 1e6);
  for (const p of times) p.x.delete = end + rnd.int(200_000, 2_000_000);
  const testEnd = end + 3_000_000;

  const latencies = times.map((p) => (p.x.watchObserved - p.x.create) / 1000).sort((a, b) => a - b);
  const firstCreate = Math.min(...times.map((p) => p.x.create));
  const batchMin = (lastRunning - firstCreate) / 60e6;

  // Resource usage sampled every second over the test.
  const ts: number[] = [];
  const cpu: Record<string, number[]> = { kubelet: [], runtime: [] };
  const mem: Record<string, number[]> = { kubelet: [], runtime: [] };
  const cpuScale = 1 + (regression - 1) / 2;
  for (let t = start; t <= testEnd; t += 1_000_000) {
    ts.push(t);
    const busy = t >= firstCreate && t <= lastRunning + 2_000_000 ? 1 : 0;
    cpu.kubelet.push(Math.max(1, round((18 + test.pods * 0.25 + busy * (60 + test.pods * 1.2)) * cpuScale * node.speed + rnd.normal(0, 4))));
    cpu.runtime.push(Math.max(1, round((9 + test.pods * 0.2 + busy * (40 + test.pods * 0.8)) * node.speed + rnd.normal(0, 3))));
    const grown = Math.min(1, (t - start) / Math.max(1, lastRunning - start));
    mem.kubelet.push(round(52 + test.pods * 0.38 * grown + rnd.normal(0, 0.6) + (regressed ? 6 : 0)));
    mem.runtime.push(round(34 + test.pods * 0.55 * grown + rnd.normal(0, 0.5)));
  }

  const resourceItem = (container: 'kubelet' | 'runtime', resource: 'cpu' | 'memory') => {
    if (resource === 'cpu') {
      const s = [...cpu[container]].sort((a, b) => a - b);
      const data: Record<string, number> = {};
      for (const p of [5, 20, 50, 70, 90, 95, 99]) data[`Perc${pad(p)}`] = perc(s, p);
      return { data, unit: 'mCPU', labels: { node: host, container, datatype: 'resource', resource: 'cpu' } };
    }
    const peak = Math.max(...mem[container]);
    return {
      data: { memory: round(peak), rss: round(peak * 0.71), workingset: round(peak * 0.86) },
      unit: 'MB',
      labels: { node: host, container, datatype: 'resource', resource: 'memory' },
    };
  };

  const labels: Record<string, string> = {
    node: host,
    test: test.name,
    image: node.image,
    machine: node.machine,
    desc: test.desc,
  };
  if (!legacy) labels.timestamp = String(Math.floor(testEnd / 1e6));
  const items: object[] = [];
  if (!test.name.startsWith('resource')) {
    items.push({
      data: { Perc50: round(perc(latencies, 50)), Perc90: round(perc(latencies, 90)), Perc99: round(perc(latencies, 99)), Perc100: round(perc(latencies, 100)) },
      unit: 'ms',
      labels: { datatype: 'latency', latencytype: 'create-pod' },
    });
    items.push({
      data: { batch: round(test.pods / batchMin, 2), 'single-worst': round(60_000 / latencies[latencies.length - 1], 2) },
      unit: 'pods/min',
      labels: { datatype: 'throughput', latencytype: 'create-pod' },
    });
  }
  items.push(resourceItem('kubelet', 'cpu'), resourceItem('kubelet', 'memory'), resourceItem('runtime', 'cpu'), resourceItem('runtime', 'memory'));

  const ns2 = (us: Micros) => us * 1000;
  const series = {
    op_series: {
      create: times.map((p) => ns2(p.x.create)).sort((a, b) => a - b),
      running: times.map((p) => ns2(p.x.watchObserved)).sort((a, b) => a - b),
    },
    resource_series: Object.fromEntries(
      (['kubelet', 'runtime'] as const).map((c) => [c, { ts: ts.map(ns2), cpu: cpu[c], memory: mem[c], unit: { cpu: 'mCPU', memory: 'MB' } }]),
    ),
    labels,
    version: legacy ? 'v1' : 'v2',
  };

  const enc: KubeletEncoding = legacy ? 'legacy' : node.encoding;
  const logLines: LogLine[] = [];
  times.forEach(({ pod, x }, i) =>
    logLines.push(
      ...podLines(enc, pod, x, { bootTime, containerIds: [rnd.hex(64), rnd.hex(64)], noise: noise, noiseSeed: i }),
    ),
  );
  logLines.push(
    ...systemPodLines(enc, { namespace: 'kube-system', name: `kube-proxy-${host.slice(-8)}`, uid: rnd.uuid() }, start + 1_000_000),
    ...systemPodLines(enc, { namespace: ns, name: `cadvisor-${rnd.hex(5)}`, uid: rnd.uuid() }, start + 1_500_000),
  );

  return {
    test,
    node,
    host,
    start,
    end: testEnd,
    perf: { version: legacy ? 'v1' : 'v2', dataItems: items, labels },
    series,
    logLines,
    pods: times,
  };
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Prow's build IDs are snowflakes (bwmarrin/snowflake): milliseconds since Twitter's epoch, shifted past 22 bits of node and sequence. */
const SNOWFLAKE_EPOCH_MS = 1288834974657n;

export function prowBuildId(scheduledUs: Micros, node = 1): string {
  const ms = BigInt(Math.floor(scheduledUs / 1000));
  return String(((ms - SNOWFLAKE_EPOCH_MS) << 22n) | (BigInt(node & 0x3ff) << 12n));
}

/** The ID of the build at `index` of a demo job. */
export function demoBuildId(o: DemoJobOptions, index: number): string {
  return o.ids === 'prow' ? prowBuildId(o.start + index * o.everyHours * 3600e6) : String(o.firstBuild + index);
}

/**
 * What a build tested, drawn from its own stream so the perf data of a seed
 * stays the same: a new master commit per build and the version naming it.
 */
function demoVersion(o: DemoJobOptions, index: number): { version: string; commit: string } {
  const commit = new Random(o.seed * 100_003 + index).hex(40);
  return { version: `v1.32.0-alpha.1.${1800 + index * 7}+${commit.slice(0, 12)}`, commit };
}

/** started.json, finished.json and prowjob.json as the Prow of the build's era wrote them. */
function writeProwFiles(buildDir: string, o: DemoJobOptions, index: number, number: string, started: Micros, finished: Micros, result: string) {
  const file = (name: string, value: unknown) => fs.writeFileSync(path.join(buildDir, name), json(value));
  const passed = result === 'SUCCESS';
  if (o.ids === 'jenkins') {
    file('started.json', { timestamp: Math.floor(started / 1e6), repos: { 'k8s.io/kubernetes': 'master' } });
    file('finished.json', { timestamp: Math.floor(finished / 1e6), result, passed, metadata: { 'job-version': `v1.32.0-alpha.${number}` } });
    return;
  }
  const { version, commit } = demoVersion(o, index);
  if (index < o.legacyBuilds) {
    // bootstrap.py era: the version at the top level of finished.json, the repo as k8s.io/kubernetes.
    file('started.json', { timestamp: Math.floor(started / 1e6), node: 'agent-light-4', repos: { 'k8s.io/kubernetes': 'master' } });
    file('finished.json', { timestamp: Math.floor(finished / 1e6), result, passed, 'job-version': version, version });
    return;
  }
  file('started.json', {
    timestamp: Math.floor(started / 1e6),
    repos: { 'kubernetes/kubernetes': `master:${commit}` },
    'repo-version': version,
    'repo-commit': commit,
  });
  file('finished.json', { timestamp: Math.floor(finished / 1e6), passed, result, revision: version, metadata: { 'job-version': version } });
  file('prowjob.json', {
    kind: 'ProwJob',
    apiVersion: 'prow.k8s.io/v1',
    spec: {
      type: 'periodic',
      job: o.job,
      extra_refs: [{ org: 'kubernetes', repo: 'kubernetes', base_ref: 'master', base_sha: commit }],
    },
    status: { state: passed ? 'success' : 'failure', build_id: number },
  });
}

/** Writes one build directory; returns its path. */
function writeBuild(dir: string, o: DemoJobOptions, index: number, rnd: Random): string {
  const number = demoBuildId(o, index);
  const buildDir = path.join(dir, o.job, number);
  fs.mkdirSync(path.join(buildDir, 'artifacts'), { recursive: true });
  const started = o.start + index * o.everyHours * 3600e6 + rnd.int(0, 600) * 1e6;
  const legacy = index < o.legacyBuilds;
  const regressedBuild = o.regressionAt !== undefined && index >= o.regressionAt;
  const runs: RunOut[] = [];
  let finished = started;
  for (const [ni, node] of o.nodes.entries()) {
    const host = `${node.machineType}-${node.image}-${rnd.hex(8)}`;
    const bootTime = started + 60e6;
    let t = started + 120e6 + rnd.int(0, 30) * 1e6;
    for (const test of o.tests) {
      const run = simulateRun(rnd, test, node, host, t, regressedBuild && ni === 0 ? o.regressionFactor : 1, legacy, o.noisePerPod, bootTime);
      runs.push(run);
      t = run.end + rnd.int(20, 60) * 1e6;
    }
    finished = Math.max(finished, t);
    const lines = runs
      .filter((r) => r.host === host)
      .flatMap((r) => r.logLines)
      .sort((a, b) => a.t - b.t);
    const header = klogHeader(bootTime, 'server.go:472', 'I', 1843) + '"Kubelet version" kubeletVersion="v1.32.2"';
    let text = (legacy ? '' : header + '\n') + lines.map((l) => l.text).join('\n') + '\n';
    if (node.encoding === 'json' && !legacy) text = lines.map((l) => l.text).join('\n') + '\n';
    fs.mkdirSync(path.join(buildDir, 'artifacts', host), { recursive: true });
    const file = path.join(buildDir, 'artifacts', host, node.gzip ? 'kubelet.log.gz' : 'kubelet.log');
    fs.writeFileSync(file, node.gzip ? zlib.gzipSync(text) : text);
    if (ni === 0 && !legacy && o.traceEvery > 0 && (index - o.legacyBuilds) % o.traceEvery === 0) {
      const spans = runs
        .filter((r) => r.host === host)
        .flatMap((r) => r.pods.flatMap(({ pod, x }, i) => podSpans(pod, x, { pullImage: i === 0, container: pod.name })));
      fs.writeFileSync(path.join(buildDir, 'artifacts', host, 'kubelet-traces.jsonl'), traceFileLines(spans, host).join('\n') + '\n');
    }
  }
  const failed = index % 11 === 7;
  const result = failed ? 'FAILURE' : 'SUCCESS';
  writeProwFiles(buildDir, o, index, number, started, finished, result);

  const log: string[] = [];
  const ci = (t: Micros, s: string) => (legacy ? `${klogHeader(t, '').slice(0, 18)}] ${s}` : s);
  log.push(ci(started, 'Running Suite: E2eNode Suite'), ci(started, '=========================='), ci(started, `Random Seed: ${rnd.int(1e9, 2e9)}`));
  const truncated = legacy && index === 1 ? runs[1] : undefined;
  for (const r of runs) {
    const at = r.end - 1_000_000;
    log.push(ci(r.start, '------------------------------'), ci(r.start, ginkgoName(r.test)), ci(r.start, `[It] ${r.test.desc}`));
    log.push(ci(r.start, `STEP: Creating a batch of ${r.test.pods} pods`));
    if (legacy) {
      const block = json(r.perf).trimEnd().split('\n');
      log.push(ci(at, `${ginkgoTime(at)}: INFO: [Result:Performance] ${block[0]}`));
      if (r === truncated) {
        // A test that died mid-print: the block is cut short and the log goes on.
        log.push(...block.slice(1, 8).map((l) => ci(at, l)));
        log.push(ci(at, 'STEP: Collecting events from namespace "density-test-1"'));
      } else {
        log.push(...block.slice(1).map((l) => ci(at, l)), ci(at, ''), ci(at, '[Finish:Performance]'));
        const sblock = json(r.series).trimEnd().split('\n');
        log.push(ci(at, `${ginkgoTime(at)}: INFO: [Result:TimeSeries] ${sblock[0]}`));
        log.push(...sblock.slice(1).map((l) => ci(at, l)), ci(at, ''), ci(at, '[Finish:TimeSeries]'));
      }
    } else {
      const base = `${r.host}-${r.test.name}`;
      fs.writeFileSync(path.join(buildDir, 'artifacts', `performance-${base}.json`), json(r.perf));
      fs.writeFileSync(path.join(buildDir, 'artifacts', `time_series-${base}.json`), json(r.series));
      log.push(ci(at, `${ginkgoTime(at)}: INFO: perf data written to performance-${base}.json`));
    }
    log.push(ci(r.end, '•'));
  }
  log.push(ci(finished, `Ran ${runs.length} of 312 Specs in ${Math.round((finished - started) / 1e6)} seconds`));
  log.push(ci(finished, failed ? 'FAIL! -- 0 Passed | 1 Failed | 0 Pending | 292 Skipped' : `SUCCESS! -- ${runs.length} Passed | 0 Failed | 0 Pending | 292 Skipped`));
  fs.writeFileSync(path.join(buildDir, 'build-log.txt'), log.join('\n') + '\n');

  const cases = runs.map((r, i) => {
    const name = `[${r.host}] ${ginkgoName(r.test)}`.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const secs = ((r.end - r.start) / 1e6).toFixed(3);
    const fail = failed && i === runs.length - 1;
    return fail
      ? `  <testcase name="${name}" classname="E2eNode Suite" time="${secs}">\n    <failure message="Timed out after 300s">pods did not become ready</failure>\n  </testcase>`
      : `  <testcase name="${name}" classname="E2eNode Suite" time="${secs}"></testcase>`;
  });
  fs.writeFileSync(
    path.join(buildDir, 'artifacts', 'junit_01.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="E2eNode Suite" tests="${cases.length}" failures="${failed ? 1 : 0}" errors="0" time="${Math.round(
      (finished - started) / 1e6,
    )}">\n${cases.join('\n')}\n  <testcase name="[sig-node] Summary [Serial] should be skipped" classname="E2eNode Suite" time="0">\n    <skipped></skipped>\n  </testcase>\n</testsuite>\n`,
  );
  return buildDir;
}

export const DEFAULT_DEMO: DemoJobOptions = {
  job: 'demo-node-kubelet-benchmark',
  builds: 30,
  ids: 'prow',
  firstBuild: 1840,
  seed: 1,
  start: Date.UTC(2026, 9, 28, 4, 0, 0) * 1000,
  everyHours: 8,
  nodes: DEMO_NODES,
  tests: DEMO_TESTS,
  legacyBuilds: 3,
  regressionAt: 20,
  regressionFactor: 1.4,
  noisePerPod: 3,
  traceEvery: 2,
};

/** Writes `o.builds` builds of job `o.job` under `dir`; returns the job directory. */
export function writeDemoJob(dir: string, o: DemoJobOptions): string {
  const rnd = new Random(o.seed);
  for (let i = 0; i < o.builds; i++) writeBuild(dir, o, i, rnd);
  fs.writeFileSync(path.join(dir, o.job, 'latest-build.txt'), demoBuildId(o, o.builds - 1));
  return path.join(dir, o.job);
}
