// Writes kubelet log lines the way real kubelets print them (FORMATS.md
// section 6): legacy klog (<= 1.19), structured klog (1.20+) and JSON logging,
// optionally behind a journald prefix. Used by the demo generator and tests.
import type { Micros } from '../../lib/model';

export type KubeletEncoding = 'legacy' | 'structured' | 'json';

export interface DemoPod {
  namespace: string;
  name: string;
  uid: string;
}

/** The moments a demo pod goes through, in microseconds UTC. */
export interface DemoPodTimes {
  create: Micros;
  configChange: Micros;
  runtimeManager: Micros;
  infraStart: Micros;
  containerStart: Micros;
  podRunning: Micros;
  statusPending: Micros;
  statusRunning: Micros;
  watchObserved: Micros;
  delete?: Micros;
}

export interface LogLine {
  t: Micros;
  text: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `I1122 04:31:21.080604    1843 file.go:123] ` */
export function klogHeader(t: Micros, file: string, severity = 'I', thread = 1843): string {
  const d = new Date(Math.floor(t / 1000));
  const us = pad(((t % 1_000_000) + 1_000_000) % 1_000_000, 6);
  return `${severity}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(
    d.getUTCSeconds(),
  )}.${us} ${String(thread).padStart(7)} ${file}] `;
}

/** `Nov 22 04:31:21 host kubelet[1843]: ` */
export function journaldPrefix(t: Micros, host: string, pid = 1843): string {
  const d = new Date(Math.floor(t / 1000));
  const mon = d.toUTCString().slice(8, 11);
  return `${mon} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${host} kubelet[${pid}]: `;
}

/** `2025-03-16 04:31:22.692926465 +0000 UTC` (Go's time.Time String). */
export function goTime(t: Micros, monotonic?: number): string {
  const d = new Date(Math.floor(t / 1000));
  const s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(((t % 1_000_000) + 1_000_000) % 1_000_000, 6)}000 +0000 UTC`;
  return monotonic === undefined ? s : `${s} m=+${monotonic.toFixed(9)}`;
}

function goTimeSeconds(t: Micros): string {
  const d = new Date(Math.floor(t / 1000));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000 UTC`;
}

const legacyName = (p: DemoPod) => `${p.name}_${p.namespace}(${p.uid})`;
const ref = (p: DemoPod) => `${p.namespace}/${p.name}`;
const jsonPod = (p: DemoPod) => ({ name: p.name, namespace: p.namespace });

interface Writer {
  add(pods: DemoPod[], t: Micros): string;
  del(pods: DemoPod[], t: Micros, op: 'DELETE' | 'REMOVE'): string;
  sandbox(p: DemoPod, t: Micros): string;
  started(p: DemoPod, t: Micros, containerId: string): string;
  running(p: DemoPod, t: Micros): string;
  status(p: DemoPod, t: Micros, phase: 'Pending' | 'Running', version: number): string;
  observed(p: DemoPod, times: DemoPodTimes, bootTime: Micros): string;
  noise(t: Micros, i: number): string;
}

const NOISE_KLOG = [
  'reflector.go:255] Listing and watching *v1.Node from k8s.io/kubernetes/pkg/kubelet/kubelet.go:454',
  'prober.go:107] "Probe succeeded" probeType="Readiness" pod="kube-system/konnectivity-agent-5d8f7" containerName="konnectivity-agent"',
  'kubelet_node_status.go:486] "Updating node status"',
  'reconciler_common.go:258] "operationExecutor.VerifyControllerAttachedVolume started for volume \\"kube-api-access-7xk2p\\""',
  'eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"',
  'kubelet_getters.go:218] "Pod status updated" pod="kube-system/kube-proxy-node" status="Running"',
  'container_gc.go:86] "Attempting to delete unused containers"',
];

function structured(): Writer {
  return {
    add: (pods, t) => klogHeader(t, 'kubelet.go:2404') + `"SyncLoop ADD" source="api" pods=[${pods.map((p) => `"${ref(p)}"`).join(',')}]`,
    del: (pods, t, op) => klogHeader(t, 'kubelet.go:2420') + `"SyncLoop ${op}" source="api" pods=[${pods.map((p) => `"${ref(p)}"`).join(',')}]`,
    sandbox: (p, t) =>
      klogHeader(t, 'util.go:30') + `"No sandbox for pod can be found. Need to start a new one" pod="${ref(p)}"`,
    started: (p, t, cid) =>
      klogHeader(t, 'kubelet.go:2436') +
      `"SyncLoop (PLEG): event for pod" pod="${ref(p)}" event={"ID":"${p.uid}","Type":"ContainerStarted","Data":"${cid}"}`,
    running: (p, t) =>
      klogHeader(t, 'kubelet.go:1865') + `"Mark when the pod was running for the first time" pod="${ref(p)}" podUID="${p.uid}"`,
    status: (p, t, phase, v) =>
      klogHeader(t, 'status_manager.go:874') +
      `"Status for pod updated successfully" pod="${ref(p)}" statusVersion=${v} status={"phase":"${phase}","conditions":[{"type":"Ready","status":"${
        phase === 'Running' ? 'True' : 'False'
      }"}],"hostIP":"10.128.0.4","podIP":"10.64.0.${v + 10}","qosClass":"BestEffort"}`,
    observed: (p, x, boot) =>
      klogHeader(x.watchObserved + 900, 'pod_startup_latency_tracker.go:104') +
      `"Observed pod startup duration" pod="${ref(p)}" podStartSLOduration=${((x.podRunning - x.create) / 1e6).toFixed(
        9,
      )} podStartE2EDuration="${((x.watchObserved - x.create) / 1e6).toFixed(9)}s" podCreationTimestamp="${goTimeSeconds(
        x.create,
      )}" firstStartedPulling="0001-01-01 00:00:00 +0000 UTC" lastFinishedPulling="0001-01-01 00:00:00 +0000 UTC" observedRunningTime="${goTime(
        x.podRunning,
        (x.podRunning - boot) / 1e6,
      )}" watchObservedRunningTime="${goTime(x.watchObserved, (x.watchObserved - boot) / 1e6)}"`,
    noise: (t, i) => klogHeader(t, NOISE_KLOG[i % NOISE_KLOG.length].split(']')[0]) + NOISE_KLOG[i % NOISE_KLOG.length].split('] ').slice(1).join('] '),
  };
}

function legacy(): Writer {
  return {
    add: (pods, t) => klogHeader(t, 'kubelet.go:1886') + `SyncLoop (ADD, "api"): "${pods.map(legacyName).join(', ')}"`,
    del: (pods, t, op) => klogHeader(t, 'kubelet.go:1902') + `SyncLoop (${op}, "api"): "${pods.map(legacyName).join(', ')}"`,
    sandbox: (p, t) =>
      klogHeader(t, 'kuberuntime_manager.go:425') + `No sandbox for pod "${legacyName(p)}" can be found. Need to start a new one`,
    started: (p, t, cid) =>
      klogHeader(t, 'kubelet.go:1924') +
      `SyncLoop (PLEG): "${legacyName(p)}", event: &pleg.PodLifecycleEvent{ID:"${p.uid}", Type:"ContainerStarted", Data:"${cid}"}`,
    running: (p, t) =>
      klogHeader(t, 'event.go:291') +
      `Event(v1.ObjectReference{Kind:"Pod", Namespace:"${p.namespace}", Name:"${p.name}", UID:"${p.uid}", APIVersion:"v1", ResourceVersion:"48213", FieldPath:"spec.containers{${p.name}}"}): type: 'Normal' reason: 'Started' Started container ${p.name}`,
    status: (p, t, phase, v) =>
      klogHeader(t, 'status_manager.go:567') +
      `Status for pod "${legacyName(p)}" updated successfully: (${v}, {Phase:${phase} Conditions:[{Type:Initialized Status:True LastProbeTime:0001-01-01 00:00:00 +0000 UTC}] Message: Reason: HostIP:10.128.0.4 PodIP:10.64.0.${v + 10} QOSClass:BestEffort})`,
    observed: () => '',
    noise: (t, i) =>
      klogHeader(t, 'reflector.go:243') +
      ['Listing and watching *v1.Node from k8s.io/kubernetes/pkg/kubelet/kubelet.go:438', 'Setting node status at position 7', 'Checking for container garbage'][i % 3],
  };
}

function jsonLine(t: Micros, caller: string, msg: string, v: number, rest: Record<string, unknown>): string {
  return JSON.stringify({ ts: t / 1000, caller, msg, v, ...rest });
}

function json(): Writer {
  return {
    add: (pods, t) => jsonLine(t, 'kubelet/kubelet.go:2404', 'SyncLoop ADD', 2, { source: 'api', pods: pods.map(jsonPod) }),
    del: (pods, t, op) => jsonLine(t, 'kubelet/kubelet.go:2420', `SyncLoop ${op}`, 2, { source: 'api', pods: pods.map(jsonPod) }),
    sandbox: (p, t) =>
      jsonLine(t, 'kuberuntime/util.go:30', 'No sandbox for pod can be found. Need to start a new one', 4, { pod: jsonPod(p) }),
    started: (p, t, cid) =>
      jsonLine(t, 'kubelet/kubelet.go:2436', 'SyncLoop (PLEG): event for pod', 2, {
        pod: jsonPod(p),
        event: { ID: p.uid, Type: 'ContainerStarted', Data: cid },
      }),
    running: (p, t) =>
      jsonLine(t, 'kubelet/kubelet.go:1865', 'Mark when the pod was running for the first time', 3, { pod: jsonPod(p), podUID: p.uid }),
    status: (p, t, phase, v) =>
      jsonLine(t, 'status/status_manager.go:874', 'Status for pod updated successfully', 3, {
        pod: jsonPod(p),
        statusVersion: v,
        status: { phase, hostIP: '10.128.0.5', podIP: `10.64.1.${v + 10}`, qosClass: 'BestEffort' },
      }),
    observed: (p, x, boot) =>
      jsonLine(x.watchObserved + 900, 'util/pod_startup_latency_tracker.go:104', 'Observed pod startup duration', 2, {
        pod: jsonPod(p),
        podStartSLOduration: (x.podRunning - x.create) / 1e6,
        podStartE2EDuration: `${((x.watchObserved - x.create) / 1e6).toFixed(9)}s`,
        podCreationTimestamp: goTimeSeconds(x.create),
        firstStartedPulling: '0001-01-01 00:00:00 +0000 UTC',
        lastFinishedPulling: '0001-01-01 00:00:00 +0000 UTC',
        observedRunningTime: goTime(x.podRunning, (x.podRunning - boot) / 1e6),
        watchObservedRunningTime: goTime(x.watchObserved, (x.watchObserved - boot) / 1e6),
      }),
    noise: (t, i) =>
      jsonLine(t, 'prober/prober.go:107', 'Probe succeeded', 3, {
        probeType: 'Readiness',
        pod: { name: `konnectivity-agent-${i % 7}`, namespace: 'kube-system' },
        containerName: 'konnectivity-agent',
      }),
  };
}

export const WRITERS: Record<KubeletEncoding, () => Writer> = { legacy, structured, json };

/** All lines one pod contributes to the kubelet log (plus `noise` unrelated lines), unsorted. */
export function podLines(
  enc: KubeletEncoding,
  pod: DemoPod,
  x: DemoPodTimes,
  opts: { bootTime: Micros; containerIds: [string, string]; noise: number; noiseSeed: number },
): LogLine[] {
  const w = WRITERS[enc]();
  const lines: LogLine[] = [
    { t: x.configChange, text: w.add([pod], x.configChange) },
    { t: x.runtimeManager, text: w.sandbox(pod, x.runtimeManager) },
    { t: x.statusPending, text: w.status(pod, x.statusPending, 'Pending', 1) },
    { t: x.infraStart, text: w.started(pod, x.infraStart, opts.containerIds[0]) },
    { t: x.containerStart, text: w.started(pod, x.containerStart, opts.containerIds[1]) },
    { t: x.podRunning, text: w.running(pod, x.podRunning) },
    { t: x.statusRunning, text: w.status(pod, x.statusRunning, 'Running', 2) },
  ];
  const observed = w.observed(pod, x, opts.bootTime);
  if (observed) lines.push({ t: x.watchObserved + 900, text: observed });
  // A second Running status (a condition changed) must not move pod_status_running.
  lines.push({ t: x.statusRunning + 800_000, text: w.status(pod, x.statusRunning + 800_000, 'Running', 3) });
  if (x.delete !== undefined) {
    lines.push({ t: x.delete, text: w.del([pod], x.delete, 'DELETE') });
    lines.push({ t: x.delete + 40_000, text: w.del([pod], x.delete + 40_000, 'REMOVE') });
  }
  for (let i = 0; i < opts.noise; i++) {
    const t = x.create + Math.floor(((i + 1) * (x.watchObserved - x.create)) / (opts.noise + 1));
    lines.push({ t, text: w.noise(t, opts.noiseSeed + i) });
  }
  return lines;
}

/** A kube-system pod's lines: the analyzer must leave them out. */
export function systemPodLines(enc: KubeletEncoding, pod: DemoPod, t: Micros): LogLine[] {
  const w = WRITERS[enc]();
  return [
    { t, text: w.add([pod], t) },
    { t: t + 20_000, text: w.sandbox(pod, t + 20_000) },
    { t: t + 500_000, text: w.started(pod, t + 500_000, 'f'.repeat(64)) },
  ];
}
