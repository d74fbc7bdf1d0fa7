// Benchmark of the kubelet log reader (ingest/parsers/kubelet): generates a
// verbose (-v=4) kubelet log of KPD_BENCH_KUBELET_MB MiB (default 1024) in a
// temp dir, mostly noise with the probe lines of a few thousand pods, then
// times `grep -c -F SyncLoop` and readKubeletLog on it and reports MB/s, the
// ratio to grep and peak memory. Goal: at most 4x grep, under 200 MB.
// Run: npx tsx bench/kubelet.ts

import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readKubeletLog } from '../ingest/parsers/kubelet/reader';

const MIB = 1024 * 1024;
const PODS = 3000;
const BATCH_BYTES = 4 * MIB;

function uidOf(i: number): string {
  const h = (i * 2654435761) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-6b1d-4c3e-9a57-${i.toString(16).padStart(12, '0')}`;
}

/** klog header for a moment `us` µs after 2025-03-16 04:00:00 (the clock never crosses a day here). */
function header(us: number, file: string): string {
  const t = Math.floor(us / 1_000_000);
  const hh = String(4 + Math.floor(t / 3600)).padStart(2, '0');
  const mm = String(Math.floor(t / 60) % 60).padStart(2, '0');
  const ss = String(t % 60).padStart(2, '0');
  return `Mar 16 ${hh}:${mm}:${ss} kind-worker kubelet[202]: I0316 ${hh}:${mm}:${ss}.${String(us % 1_000_000).padStart(6, '0')}     202 ${file}] `;
}

const NOISE: ((i: number) => [string, string])[] = [
  (i) => ['reflector.go:368', `"Caches populated" type="*v1.Node" reflector="k8s.io/client-go/informers/factory.go:160" resourceVersion="${i}"`],
  (i) => ['prober.go:107', `"Probe succeeded" probeType="Readiness" pod="density-test/pod-${i % PODS}" podUID="${uidOf(i % PODS)}" containerName="c"`],
  (i) => ['reconciler_common.go:245', `"operationExecutor.VerifyControllerAttachedVolume started for volume \\"kube-api-access-${i % 9999}\\" (UniqueName: \\"kubernetes.io/projected/${uidOf(i % PODS)}-kube-api-access\\") pod \\"pod-${i % PODS}\\" (UID: \\"${uidOf(i % PODS)}\\") " pod="density-test/pod-${i % PODS}"`],
  (i) => ['operation_generator.go:637', `"MountVolume.SetUp succeeded for volume \\"kube-api-access-${i % 9999}\\" (UniqueName: \\"kubernetes.io/projected/${uidOf(i % PODS)}-kube-api-access\\") pod \\"pod-${i % PODS}\\" (UID: \\"${uidOf(i % PODS)}\\") " pod="density-test/pod-${i % PODS}"`],
  (i) => ['kuberuntime_manager.go:1065', `"computePodActions got for pod" podActions={"KillPod":false,"CreateSandbox":false,"SandboxID":"${uidOf(i)}","Attempt":0,"InitContainersToStart":null,"ContainersToStart":null,"EphemeralContainersToStart":null,"ContainersToUpdate":null,"UpdatePodResources":false} pod="density-test/pod-${i % PODS}"`],
  (i) => ['pod_workers.go:1298', `"Processing pod event done" pod="density-test/pod-${i % PODS}" podUID="${uidOf(i % PODS)}" updateType="sync"`],
  (i) => ['eviction_manager.go:381', `"Eviction manager: no resources are starved" attempt=${i}`],
  (i) => ['generic.go:224', `"GenericPLEG: Relisting" podCount=${i % PODS}`],
  (i) => ['kubelet_pods.go:1776', `"Generating pod status" podIsTerminal=false pod="density-test/pod-${i % PODS}"`],
  (i) => ['volume_manager.go:404', `"Waiting for volumes to attach and mount for pod" pod="density-test/pod-${i % PODS}"`],
];

function probeLines(i: number): [number, string, string][] {
  const pod = `density-test/pod-${i}`;
  const uid = uidOf(i);
  const ev = (cid: string) => `"SyncLoop (PLEG): event for pod" pod="${pod}" event={"ID":"${uid}","Type":"ContainerStarted","Data":"${cid}"}`;
  return [
    [0, 'kubelet.go:2474', `"SyncLoop ADD" source="api" pods=["${pod}"]`],
    [120_000, 'util.go:30', `"No sandbox for pod can be found. Need to start a new one" pod="${pod}"`],
    [150_000, 'status_manager.go:920', `"Status for pod updated successfully" pod="${pod}" statusVersion=1 status={"phase":"Pending","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-03-16T04:31:21Z"}],"hostIP":"172.18.0.4"}`],
    [700_000, 'kubelet.go:2506', ev('8d1f0b7a9c3e4d2f')],
    [1_300_000, 'kubelet.go:2506', ev('c41a9e2b7d6f5a4c')],
    [1_450_000, 'status_manager.go:920', `"Status for pod updated successfully" pod="${pod}" statusVersion=2 status={"phase":"Running","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-03-16T04:31:22Z"}],"hostIP":"172.18.0.4","podIP":"10.244.1.12"}`],
  ];
}

/** Writes a log of about `bytes` bytes; returns its line count. */
function generate(file: string, bytes: number): number {
  const fd = fs.openSync(file, 'w');
  const approxLines = Math.ceil(bytes / 260);
  const probeEvery = Math.max(1, Math.floor(approxLines / (PODS + 1)));
  const stepUs = Math.max(1, Math.floor((3 * 3600 * 1_000_000) / approxLines));
  let written = 0;
  let lines = 0;
  let us = 0;
  let nextPod = 0;
  const pending: [number, string][] = [];
  let batch: string[] = [];
  let batchBytes = 0;
  while (written < bytes) {
    us += stepUs;
    let text: string;
    if (pending.length && pending[0][0] <= us) text = pending.shift()![1];
    else if (lines % probeEvery === 0 && nextPod < PODS) {
      for (const [dt, f, msg] of probeLines(nextPod++)) pending.push([us + dt, header(us + dt, f) + msg]);
      pending.sort((a, b) => a[0] - b[0]);
      continue;
    } else {
      const [f, msg] = NOISE[lines % NOISE.length](lines);
      text = header(us, f) + msg;
    }
    batch.push(text);
    batchBytes += text.length + 1;
    lines++;
    if (batchBytes >= BATCH_BYTES) {
      const buf = Buffer.from(batch.join('\n') + '\n');
      fs.writeSync(fd, buf);
      written += buf.length;
      batch = [];
      batchBytes = 0;
    }
  }
  for (const [, text] of pending) batch.push(text), lines++;
  if (batch.length) fs.writeSync(fd, Buffer.from(batch.join('\n') + '\n'));
  fs.closeSync(fd);
  return lines;
}

/** Generation allocates lots of strings: a child process keeps them out of this process's maxRSS. */
function generateInChild(file: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [file, String(bytes)], {
      env: { ...process.env, KPD_BENCH_KUBELET_GENERATE: '1' },
    });
    let lines = 0;
    child.on('message', (m) => (lines = Number(m)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`generator exited with ${code}`))));
  });
}

interface ReadFigures {
  runs: number[];
  rssBefore: number;
  peakRss: number;
  maxRssMb: number;
  events: number;
  pods: number;
  lines: number;
}

/** Three reads of the log in a fresh process: times and that process's memory. */
async function readThrice(file: string): Promise<ReadFigures> {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const read = () => timedAsync(() => readKubeletLog(fs.createReadStream(file, { highWaterMark: MIB }), { file }));
  const runs = [await read(), await read(), await read()];
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const result = runs[0][0];
  return {
    runs: runs.map(([, s]) => s),
    rssBefore,
    peakRss,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    events: result.events.length,
    pods: new Set(result.events.map((e) => e.pod)).size,
    lines: result.lines,
  };
}

function readInChild(file: string): Promise<ReadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [file], { env: { ...process.env, KPD_BENCH_KUBELET_READ: '1' } });
    let figures: ReadFigures | undefined;
    child.on('message', (m) => (figures = m as ReadFigures));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && figures ? resolve(figures) : reject(new Error(`reader exited with ${code}`))));
  });
}

function timed<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const v = f();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
}

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const v = await f();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
}

export async function run(): Promise<string> {
  const mb = Number(process.env.KPD_BENCH_KUBELET_MB ?? 1024);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-bench-kubelet-'));
  const file = path.join(dir, 'kubelet.log');
  try {
    const t0 = process.hrtime.bigint();
    const lines = await generateInChild(file, mb * MIB);
    const genS = Number(process.hrtime.bigint() - t0) / 1e9;
    const size = fs.statSync(file).size;
    const grep = () => timed(() => execFileSync('grep', ['-c', '-F', 'SyncLoop', file], { encoding: 'utf8' }).trim());
    grep();
    const grepRuns = [grep(), grep(), grep()];
    const grepCount = grepRuns[0][0];
    const grepS = Math.min(...grepRuns.map(([, s]) => s));
    const m = await readInChild(file);
    const readRuns = m.runs;
    const readS = Math.min(...readRuns);
    const sizeMb = size / MIB;
    return [
      '## Kubelet log reader',
      '',
      `Generated ${sizeMb.toFixed(0)} MiB, ${lines.toLocaleString('en')} lines (-v=4 noise, ${PODS} pods) in ${genS.toFixed(1)} s.`,
      '',
      '| | time (s) | MB/s |',
      '|---|---:|---:|',
      `| \`grep -c -F SyncLoop\` (${grepCount} lines) | ${grepRuns.map(([, s]) => s.toFixed(2)).join(', ')} | ${(sizeMb / grepS).toFixed(0)} |`,
      `| readKubeletLog (${m.events} events, ${m.pods} pods, ${m.lines.toLocaleString('en')} lines) | ${readRuns.map((s) => s.toFixed(2)).join(', ')} | ${(sizeMb / readS).toFixed(0)} |`,
      '',
      `Three runs each from the page cache (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs); MB/s and ratio from the fastest. Ratio to grep: ${(readS / grepS).toFixed(2)}x (goal ≤ 4x). The reader runs in a fresh child process (generation in another), so its memory is its own: RSS ${(m.rssBefore / MIB).toFixed(0)} MB before reading (Node and tsx), ${(m.peakRss / MIB).toFixed(0)} MB peak sampled, process maxRSS ${m.maxRssMb.toFixed(0)} MB (goal < 200 MB).`,
      '',
    ].join('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.KPD_BENCH_KUBELET_READ) {
  process.send?.(await readThrice(process.argv[2]));
  process.disconnect?.();
} else if (process.env.KPD_BENCH_KUBELET_GENERATE) {
  const lines = generate(process.argv[2], Number(process.argv[3]));
  process.send?.(lines);
  process.disconnect?.();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await run()) + '\n');
}
