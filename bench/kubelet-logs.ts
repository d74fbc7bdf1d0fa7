// The two kubelet logs of `npm run bench -- kubelet`, written the way a
// kubelet 1.27+ at -v=4 prints them under journald (structured klog behind a
// `Mon DD HH:MM:SS host kubelet[pid]: ` prefix):
// - sparse: mostly noise, the probe lines of a few thousand pods;
// - dense: back-to-back density tests on one node (105 pods created, running
//   for half an hour, deleted, and again, reusing the pod names, so every name
//   has many instances), about a quarter of the lines holding `SyncLoop`
//   (housekeeping, SYNC, UPDATE, PLEG for every container event). It starts
//   on 29 December, so it crosses New Year.
// Deterministic (one seeded PRNG); generation allocates a lot, so the bench
// runs it in a child process.
import fs from 'node:fs';
import { Random } from '../ingest/demo/random';

const MIB = 1024 * 1024;
const BATCH_BYTES = 4 * MIB;

/** Writes lines in 4 MiB batches; counts lines and bytes. */
class LogWriter {
  private readonly fd: number;
  private batch: string[] = [];
  private batchBytes = 0;
  written = 0;
  lines = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  line(text: string): void {
    this.batch.push(text);
    this.batchBytes += text.length + 1;
    this.lines++;
    if (this.batchBytes >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (!this.batch.length) return;
    const buf = Buffer.from(this.batch.join('\n') + '\n');
    fs.writeSync(this.fd, buf);
    this.written += buf.length;
    this.batch = [];
    this.batchBytes = 0;
  }

  close(): number {
    this.flush();
    fs.closeSync(this.fd);
    return this.lines;
  }
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `Dec 29 20:00:01 host kubelet[2712]: I1229 20:00:01.123456    2712 ` for a UTC
 * time in µs; the date parts are formatted once per second.
 */
class Stamper {
  private second = -1;
  private journald = '';
  private klog = '';

  constructor(
    private readonly host: string,
    private readonly pid: number,
  ) {}

  at(us: number, file: string, severity = 'I'): string {
    const s = Math.floor(us / 1_000_000);
    if (s !== this.second) {
      this.second = s;
      const d = new Date(s * 1000);
      const hms = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
      this.journald = `${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${hms} ${this.host} kubelet[${this.pid}]: `;
      this.klog = `${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())} ${hms}.`;
    }
    const frac = String(us % 1_000_000).padStart(6, '0');
    return `${this.journald}${severity}${this.klog}${frac}    ${this.pid} ${file}] `;
  }
}

/** `2025-12-29 20:00:01.123456000 +0000 UTC m=+1234.567890123` (Go's time.Time String, with the monotonic clock). */
function goTime(us: number, bootUs: number): string {
  const d = new Date(Math.floor(us / 1000));
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${String(us % 1_000_000).padStart(6, '0')}000`;
  return `${date} ${time} +0000 UTC m=+${((us - bootUs) / 1e6).toFixed(9)}`;
}

function goTimeSeconds(us: number): string {
  return new Date(Math.floor(us / 1e6) * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' +0000 UTC';
}

// ------------------------------------------------------------ sparse

const SPARSE_PODS = 3000;

function sparseUid(i: number): string {
  const h = (i * 2654435761) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-6b1d-4c3e-9a57-${i.toString(16).padStart(12, '0')}`;
}

const SPARSE_NOISE: ((i: number) => [string, string])[] = [
  (i) => ['reflector.go:368', `"Caches populated" type="*v1.Node" reflector="k8s.io/client-go/informers/factory.go:160" resourceVersion="${i}"`],
  (i) => ['prober.go:107', `"Probe succeeded" probeType="Readiness" pod="density-test/pod-${i % SPARSE_PODS}" podUID="${sparseUid(i % SPARSE_PODS)}" containerName="c"`],
  (i) => ['reconciler_common.go:245', `"operationExecutor.VerifyControllerAttachedVolume started for volume \\"kube-api-access-${i % 9999}\\" (UniqueName: \\"kubernetes.io/projected/${sparseUid(i % SPARSE_PODS)}-kube-api-access\\") pod \\"pod-${i % SPARSE_PODS}\\" (UID: \\"${sparseUid(i % SPARSE_PODS)}\\") " pod="density-test/pod-${i % SPARSE_PODS}"`],
  (i) => ['operation_generator.go:637', `"MountVolume.SetUp succeeded for volume \\"kube-api-access-${i % 9999}\\" (UniqueName: \\"kubernetes.io/projected/${sparseUid(i % SPARSE_PODS)}-kube-api-access\\") pod \\"pod-${i % SPARSE_PODS}\\" (UID: \\"${sparseUid(i % SPARSE_PODS)}\\") " pod="density-test/pod-${i % SPARSE_PODS}"`],
  (i) => ['kuberuntime_manager.go:1065', `"computePodActions got for pod" podActions={"KillPod":false,"CreateSandbox":false,"SandboxID":"${sparseUid(i)}","Attempt":0,"InitContainersToStart":null,"ContainersToStart":null,"EphemeralContainersToStart":null,"ContainersToUpdate":null,"UpdatePodResources":false} pod="density-test/pod-${i % SPARSE_PODS}"`],
  (i) => ['pod_workers.go:1298', `"Processing pod event done" pod="density-test/pod-${i % SPARSE_PODS}" podUID="${sparseUid(i % SPARSE_PODS)}" updateType="sync"`],
  (i) => ['eviction_manager.go:381', `"Eviction manager: no resources are starved" attempt=${i}`],
  (i) => ['generic.go:224', `"GenericPLEG: Relisting" podCount=${i % SPARSE_PODS}`],
  (i) => ['kubelet_pods.go:1776', `"Generating pod status" podIsTerminal=false pod="density-test/pod-${i % SPARSE_PODS}"`],
  (i) => ['volume_manager.go:404', `"Waiting for volumes to attach and mount for pod" pod="density-test/pod-${i % SPARSE_PODS}"`],
];

function sparseProbeLines(i: number): [number, string, string][] {
  const pod = `density-test/pod-${i}`;
  const uid = sparseUid(i);
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

/** The sparse log: -v=4 noise with the probe lines of 3,000 pods spread through it. Returns its line count. */
export function generateSparse(file: string, bytes: number): number {
  const out = new LogWriter(file);
  const stamp = new Stamper('kind-worker', 202);
  const t0 = Date.UTC(2025, 2, 16, 4) * 1000;
  const approxLines = Math.ceil(bytes / 260);
  const probeEvery = Math.max(1, Math.floor(approxLines / (SPARSE_PODS + 1)));
  const stepUs = Math.max(1, Math.floor((3 * 3600 * 1_000_000) / approxLines));
  let us = 0;
  let noise = 0;
  let nextPod = 0;
  const pending: [number, string][] = [];
  while (out.written < bytes) {
    us += stepUs;
    if (pending.length && pending[0][0] <= us) out.line(pending.shift()![1]);
    else if (noise % probeEvery === 0 && nextPod < SPARSE_PODS) {
      for (const [dt, f, msg] of sparseProbeLines(nextPod++)) pending.push([us + dt, stamp.at(t0 + us + dt, f) + msg]);
      pending.sort((a, b) => a[0] - b[0]);
      noise++;
    } else {
      const [f, msg] = SPARSE_NOISE[noise % SPARSE_NOISE.length](noise);
      out.line(stamp.at(t0 + us, f) + msg);
      noise++;
    }
  }
  for (const [, text] of pending) out.line(text);
  return out.close();
}

// ------------------------------------------------------------ dense

const PODS_PER_BATCH = 105;
/** Creation to deletion of a batch, then a pause before the next: seconds. */
const BATCH_RUN_S = 1750;
const BATCH_PAUSE_S = 15;
const NS = 'density-test';
const HOST = 'tmp-node-e2e-4b1f9c2d-cos-stable-117-18613-75-37';
const PID = 2712;

interface Line {
  t: number;
  file: string;
  msg: string;
}

/** One pod instance's own lines, from its SyncLoop ADD to its SyncLoop REMOVE (times in µs). */
function podLifecycle(rnd: Random, name: string, uid: string, created: number, deleted: number, bootUs: number): Line[] {
  const pod = `${NS}/${name}`;
  const ms = (x: number) => Math.round(x * 1000);
  const sandbox = rnd.hex(64);
  const container = rnd.hex(64);
  const vol = `kube-api-access-${rnd.hex(5)}`;
  const volUid = `kubernetes.io/projected/${uid}-${vol}`;
  const tSandbox = created + ms(rnd.logNormal(110, 0.3));
  const tInfra = tSandbox + ms(rnd.logNormal(480, 0.25));
  const tContainer = tInfra + ms(rnd.logNormal(260, 0.3));
  const tRunning = tContainer + ms(rnd.uniform(20, 60));
  const tWatch = tRunning + ms(rnd.uniform(5, 30));
  const status = (v: number, phase: string, t: number, ready: string) =>
    `"Status for pod updated successfully" pod="${pod}" statusVersion=${v} status={"phase":"${phase}","conditions":[{"type":"PodReadyToStartContainers","status":"${v > 1 ? 'True' : 'False'}","lastProbeTime":null,"lastTransitionTime":"${new Date(Math.floor(t / 1000)).toISOString().slice(0, 19)}Z"},{"type":"Ready","status":"${ready}","lastProbeTime":null,"lastTransitionTime":"${new Date(Math.floor(created / 1000)).toISOString().slice(0, 19)}Z"}],"hostIP":"10.138.0.4","podIP":"10.64.1.${(v * 7) % 250}","startTime":"${new Date(Math.floor(created / 1000)).toISOString().slice(0, 19)}Z","qosClass":"BestEffort"}`;
  const pleg = (type: string, cid: string) => `"SyncLoop (PLEG): event for pod" pod="${pod}" event={"ID":"${uid}","Type":"${type}","Data":"${cid}"}`;
  const event = (reason: string, message: string) =>
    `"Event occurred" object="${pod}" fieldPath="spec.containers{pause}" kind="Pod" apiVersion="v1" type="Normal" reason="${reason}" message="${message}"`;
  const lines: Line[] = [
    { t: created, file: 'kubelet.go:2415', msg: `"SyncLoop ADD" source="api" pods=["${pod}"]` },
    { t: created + 310, file: 'topology_manager.go:215', msg: `"Topology Admit Handler" podUID="${uid}" podNamespace="${NS}" podName="${name}"` },
    { t: created + 1_020, file: 'volume_manager.go:404', msg: `"Waiting for volumes to attach and mount for pod" pod="${pod}"` },
    { t: created + ms(35), file: 'reconciler_common.go:258', msg: `"operationExecutor.VerifyControllerAttachedVolume started for volume \\"${vol}\\" (UniqueName: \\"${volUid}\\") pod \\"${name}\\" (UID: \\"${uid}\\") " pod="${pod}"` },
    { t: created + ms(61), file: 'reconciler_common.go:231', msg: `"operationExecutor.MountVolume started for volume \\"${vol}\\" (UniqueName: \\"${volUid}\\") pod \\"${name}\\" (UID: \\"${uid}\\") " pod="${pod}"` },
    { t: created + ms(83), file: 'operation_generator.go:721', msg: `"MountVolume.SetUp succeeded for volume \\"${vol}\\" (UniqueName: \\"${volUid}\\") pod \\"${name}\\" (UID: \\"${uid}\\") " pod="${pod}"` },
    { t: created + ms(102), file: 'volume_manager.go:431', msg: `"All volumes are attached and mounted for pod" pod="${pod}"` },
    { t: tSandbox, file: 'util.go:30', msg: `"No sandbox for pod can be found. Need to start a new one" pod="${pod}"` },
    { t: tSandbox + 140, file: 'kuberuntime_manager.go:1075', msg: `"computePodActions got for pod" podActions={"KillPod":true,"CreateSandbox":true,"SandboxID":"","Attempt":0,"NextInitContainerToStart":null,"InitContainersToStart":null,"ContainersToStart":[0],"EphemeralContainersToStart":null,"ContainersToUpdate":null,"UpdatePodResources":false} pod="${pod}"` },
    { t: tSandbox + 400, file: 'kuberuntime_manager.go:1228', msg: `"Creating PodSandbox for pod" pod="${pod}"` },
    { t: tSandbox + ms(12), file: 'status_manager.go:874', msg: status(1, 'Pending', tSandbox, 'False') },
    { t: tSandbox + ms(13), file: 'kubelet.go:2422', msg: `"SyncLoop UPDATE" source="api" pods=["${pod}"]` },
    { t: tInfra - ms(9), file: 'kuberuntime_manager.go:1237', msg: `"Created PodSandbox for pod" podSandboxID="${sandbox}" pod="${pod}"` },
    { t: tInfra - ms(2), file: 'generic.go:263', msg: `"GenericPLEG" podUID="${uid}" containerID="${sandbox}" oldState="non-existent" newState="running"` },
    { t: tInfra, file: 'kubelet.go:2447', msg: pleg('ContainerStarted', sandbox) },
    { t: tInfra + ms(15), file: 'event.go:389', msg: event('Pulled', 'Container image \\"registry.k8s.io/pause:3.9\\" already present on machine') },
    { t: tInfra + ms(16), file: 'event.go:389', msg: event('Created', 'Created container pause') },
    { t: tContainer - ms(25), file: 'event.go:389', msg: event('Started', 'Started container pause') },
    { t: tContainer - ms(3), file: 'generic.go:263', msg: `"GenericPLEG" podUID="${uid}" containerID="${container}" oldState="non-existent" newState="running"` },
    { t: tContainer, file: 'kubelet.go:2447', msg: pleg('ContainerStarted', container) },
    { t: tWatch + 900, file: 'pod_startup_latency_tracker.go:104', msg: `"Observed pod startup duration" pod="${pod}" podStartSLOduration=${((tRunning - created) / 1e6).toFixed(9)} podStartE2EDuration="${((tWatch - created) / 1e6).toFixed(9)}s" podCreationTimestamp="${goTimeSeconds(created)}" firstStartedPulling="0001-01-01 00:00:00 +0000 UTC" lastFinishedPulling="0001-01-01 00:00:00 +0000 UTC" observedRunningTime="${goTime(tRunning, bootUs)}" watchObservedRunningTime="${goTime(tWatch, bootUs)}"` },
    { t: tWatch + ms(4), file: 'status_manager.go:874', msg: status(2, 'Running', tWatch, 'True') },
    { t: tWatch + ms(5), file: 'kubelet.go:2422', msg: `"SyncLoop UPDATE" source="api" pods=["${pod}"]` },
    // Torn down: DELETE, the containers killed and dead, the last status, REMOVE.
    { t: deleted, file: 'kubelet.go:2431', msg: `"SyncLoop DELETE" source="api" pods=["${pod}"]` },
    { t: deleted + 350, file: 'kuberuntime_container.go:779', msg: `"Killing container with a grace period" pod="${pod}" podUID="${uid}" containerName="pause" containerID="containerd://${container}" gracePeriod=30` },
    { t: deleted + ms(240), file: 'kubelet.go:2447', msg: pleg('ContainerDied', container) },
    { t: deleted + ms(260), file: 'kubelet.go:2447', msg: pleg('ContainerDied', sandbox) },
    { t: deleted + ms(300), file: 'status_manager.go:874', msg: status(3, 'Running', deleted, 'False') },
    { t: deleted + ms(301), file: 'kubelet.go:2422', msg: `"SyncLoop UPDATE" source="api" pods=["${pod}"]` },
    { t: deleted + ms(1400), file: 'kubelet.go:2425', msg: `"SyncLoop REMOVE" source="api" pods=["${pod}"]` },
    { t: deleted + ms(1402), file: 'kubelet.go:2223', msg: `"Pod has been deleted and must be killed" pod="${pod}" podUID="${uid}"` },
  ];
  // The kubelet resyncs every running pod about once a minute.
  for (let t = tWatch + ms(rnd.uniform(50_000, 70_000)); t < deleted; t += ms(rnd.uniform(55_000, 65_000))) {
    lines.push(
      { t, file: 'kubelet.go:1746', msg: `"SyncPod enter" pod="${pod}" podUID="${uid}"` },
      { t: t + 180, file: 'kubelet_pods.go:1776', msg: `"Generating pod status" podIsTerminal=false pod="${pod}"` },
      { t: t + 420, file: 'kuberuntime_manager.go:1075', msg: `"computePodActions got for pod" podActions={"KillPod":false,"CreateSandbox":false,"SandboxID":"${sandbox}","Attempt":0,"NextInitContainerToStart":null,"InitContainersToStart":null,"ContainersToStart":null,"EphemeralContainersToStart":null,"ContainersToUpdate":null,"UpdatePodResources":false} pod="${pod}"` },
      { t: t + 610, file: 'kubelet.go:1756', msg: `"SyncPod exit" pod="${pod}" podUID="${uid}" isTerminal=false` },
    );
  }
  return lines;
}

/** The node's own rhythm over [from, to): SYNC every second, housekeeping every two, a relist now and then. */
function nodeLines(rnd: Random, from: number, to: number, running: (t: number) => string[]): Line[] {
  const lines: Line[] = [];
  for (let s = Math.ceil(from / 1e6); s * 1e6 < to; s++) {
    const t = s * 1_000_000 + rnd.int(0, 999_999);
    const pods = running(t);
    if (pods.length) {
      const due = pods.slice(0, rnd.int(1, 3)).map((p) => `"${NS}/${p}"`);
      lines.push({ t, file: 'kubelet.go:2436', msg: `"SyncLoop (SYNC) pods" total=${due.length} pods=[${due.join(',')}]` });
    }
    if (s % 2 === 0) {
      const d = rnd.int(1, 9);
      lines.push(
        { t: t + 150, file: 'kubelet.go:2442', msg: '"SyncLoop (housekeeping)"' },
        { t: t + 150 + d * 1000, file: 'kubelet.go:2454', msg: `"SyncLoop (housekeeping) end" duration="${d}ms"` },
      );
    }
    if (s % 10 === 0) lines.push({ t: t + 300, file: 'eviction_manager.go:381', msg: `"Eviction manager: no resources are starved"` });
  }
  return lines;
}

/** The dense log: batches of 105 pods, created, running, deleted, until `bytes` are written. Returns its line count. */
export function generateDense(file: string, bytes: number): number {
  const rnd = new Random(1227);
  const out = new LogWriter(file);
  const stamp = new Stamper(HOST, PID);
  const bootUs = Date.UTC(2025, 11, 29, 19, 58) * 1000;
  const write = (lines: Line[]) => {
    lines.sort((a, b) => a.t - b.t);
    for (const l of lines) out.line(stamp.at(l.t, l.file) + l.msg);
  };
  let t = bootUs + 120_000_000;
  // System pods come first, from the static manifests and the API.
  write(
    ['kube-proxy', 'konnectivity-agent', 'fluentbit-gke', 'pdcsi-node'].flatMap((name, i) => [
      { t: t + i * 1000, file: 'kubelet.go:2415', msg: `"SyncLoop ADD" source="${i ? 'api' : 'file'}" pods=["kube-system/${name}-${rnd.hex(5)}"]` },
    ]),
  );
  while (out.written < bytes) {
    const start = t;
    const end = start + BATCH_RUN_S * 1e6;
    const created: number[] = [];
    const deleted: number[] = [];
    const lines: Line[] = [];
    for (let i = 0; i < PODS_PER_BATCH; i++) {
      created.push(start + i * 100_000 + rnd.int(0, 20_000));
      deleted.push(end - 20e6 + i * 50_000);
      lines.push(...podLifecycle(rnd, `pod-${i}`, rnd.uuid(), created[i], deleted[i], bootUs));
    }
    const running = (at: number) => {
      const names: string[] = [];
      for (let i = 0; i < PODS_PER_BATCH && names.length < 3; i++) {
        const k = (i + Math.floor(at / 1e6)) % PODS_PER_BATCH;
        if (created[k] < at && at < deleted[k]) names.push(`pod-${k}`);
      }
      return names;
    };
    lines.push(...nodeLines(rnd, start, end + BATCH_PAUSE_S * 1e6, running));
    write(lines);
    t = end + BATCH_PAUSE_S * 1e6;
  }
  return out.close();
}
