// Kubelet log lines of every shape the reader meets, for generated logs in
// tests: the probe lines and the SyncLoop/event/status lines that must yield
// nothing, in legacy klog (<= 1.19), structured klog (1.20+) and JSON logging,
// behind any of the prefixes of FORMATS.md. Shapes are those of real kubelets
// (kubelet.go syncLoopIteration, pod_startup_latency_tracker.go, status_manager.go,
// event recorder), times as the kubelet prints them.
import { goTime } from '../../ingest/demo/kubelet-lines';
import type { Micros } from '../../lib/model';

export type Encoding = 'legacy' | 'structured' | 'json';

export interface Pod {
  namespace: string;
  name: string;
  uid: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `I0316 04:31:21.080604    1843 file.go:123] ` for a header clock time `t`. */
export function klogHeader(t: Micros, file: string, severity = 'I'): string {
  const d = new Date(Math.floor(t / 1000));
  return `${severity}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(
    ((t % 1e6) + 1e6) % 1e6,
    6,
  )}    1843 ${file}] `;
}

/** The prefixes other programs put in front of a kubelet line (FORMATS.md section 6), for a header clock time `t`. */
export const PREFIXES: ((t: Micros) => string)[] = [
  () => '',
  (t) => {
    const d = new Date(Math.floor(t / 1000));
    return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} kind-worker kubelet[202]: `;
  },
  (t) => {
    const d = new Date(Math.floor(t / 1000));
    return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} node-1 kubelet: `;
  },
  () => '10.200.1.3: ',
  (t) => {
    const d = new Date(Math.floor(t / 1000));
    return `I${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(Math.floor((t % 1e6) / 1000), 3)}] `;
  },
  (t) => {
    const d = new Date(Math.floor(t / 1000));
    return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} microshift-host microshift[1476]: kubelet `;
  },
  (t) => `${new Date(Math.floor(t / 1000)).toISOString().slice(0, 19)}+0000 node-1 kubelet[1423]: `,
  () => 'I0322 14:56:48.002] 10.200.1.3: ',
];

const legacyName = (p: Pod) => `${p.name}_${p.namespace}(${p.uid})`;
const ref = (p: Pod) => `${p.namespace}/${p.name}`;

/** What a line says; `at` is the moment it names (a tracker time, a NodeTracing timestamp), UTC. */
export type Say =
  | { kind: 'add' | 'update' | 'delete' | 'remove' | 'reconcile'; pods: Pod[]; source: string }
  | { kind: 'sandbox' | 'infraRestart' | 'markRunning' | 'syncProbe' | 'sync'; pod: Pod }
  | { kind: 'pleg'; pod: Pod; type: 'ContainerStarted' | 'ContainerDied'; cid: string }
  | { kind: 'status'; pod: Pod; phase: 'Pending' | 'Running' | 'Succeeded'; version: number }
  | { kind: 'event'; pod: Pod; reason: 'Started' | 'Pulled' | 'Killing' }
  | { kind: 'tracing'; pod: Pod; probe: string; at: Micros; byUidOnly: boolean }
  | { kind: 'observed'; pod: Pod; created: Micros; running: Micros; watch: Micros; slo: number; boot: Micros }
  | { kind: 'housekeeping' | 'housekeepingEnd' | 'noise' };

function structuredMessage(s: Say): [string, string] {
  switch (s.kind) {
    case 'add':
    case 'update':
    case 'delete':
    case 'remove':
    case 'reconcile':
      return ['kubelet.go:2415', `"SyncLoop ${s.kind.toUpperCase()}" source="${s.source}" pods=[${s.pods.map((p) => `"${ref(p)}"`).join(',')}]`];
    case 'sandbox':
      return ['util.go:30', `"No sandbox for pod can be found. Need to start a new one" pod="${ref(s.pod)}"`];
    case 'infraRestart':
      return ['kuberuntime_manager.go:1075', `"computePodActions got for pod" podActions={"KillPod":true,"CreateSandbox":true} pod="${ref(s.pod)}"`];
    case 'markRunning':
      return ['kubelet.go:1865', `"Mark when the pod was running for the first time" pod="${ref(s.pod)}" podUID="${s.pod.uid}"`];
    case 'syncProbe':
      return ['kubelet.go:2480', `"SyncLoop (probe)" probe="readiness" status="ready" pod="${ref(s.pod)}"`];
    case 'sync':
      return ['kubelet.go:2436', `"SyncLoop (SYNC) pods" total=1 pods=["${ref(s.pod)}"]`];
    case 'pleg':
      return ['kubelet.go:2447', `"SyncLoop (PLEG): event for pod" pod="${ref(s.pod)}" event={"ID":"${s.pod.uid}","Type":"${s.type}","Data":"${s.cid}"}`];
    case 'status':
      return [
        'status_manager.go:874',
        `"Status for pod updated successfully" pod="${ref(s.pod)}" statusVersion=${s.version} status={"phase":"${s.phase}","conditions":[{"type":"Ready","status":"False","message":"containers with unready status: [\\"c\\"]"}],"hostIP":"10.128.0.4"}`,
      ];
    case 'event':
      return [
        'event.go:389',
        `"Event occurred" object="${ref(s.pod)}" fieldPath="spec.containers{c}" kind="Pod" apiVersion="v1" type="Normal" reason="${s.reason}" message="${s.reason} container c"`,
      ];
    case 'tracing':
      return [
        'event.go:389',
        `"Event occurred" ${s.byUidOnly ? '' : `object="${ref(s.pod)}" `}kind="Pod" apiVersion="v1" type="Normal" reason="NodeTracing" message="pod: ${s.pod.uid}, probe: ${s.probe}, timestamp: ${s.at}000"`,
      ];
    case 'observed':
      return [
        'pod_startup_latency_tracker.go:104',
        `"Observed pod startup duration" pod="${ref(s.pod)}" podStartSLOduration=${s.slo} podStartE2EDuration="${((s.watch - s.created) / 1e6).toFixed(6)}s" podCreationTimestamp="${goTime(
          Math.floor(s.created / 1e6) * 1e6,
        ).replace(/\.\d+/, '')}" firstStartedPulling="0001-01-01 00:00:00 +0000 UTC" lastFinishedPulling="0001-01-01 00:00:00 +0000 UTC" observedRunningTime="${goTime(
          s.running,
          (s.running - s.boot) / 1e6,
        )}" watchObservedRunningTime="${goTime(s.watch, (s.watch - s.boot) / 1e6)}"`,
      ];
    case 'housekeeping':
      return ['kubelet.go:2442', '"SyncLoop (housekeeping)"'];
    case 'housekeepingEnd':
      return ['kubelet.go:2454', '"SyncLoop (housekeeping) end" duration="4ms"'];
    case 'noise':
      return ['reconciler_common.go:258', '"operationExecutor.VerifyControllerAttachedVolume started for volume \\"kube-api-access-7xk2p\\""'];
  }
}

function legacyMessage(s: Say): [string, string] {
  const obj = (p: Pod) => `Event(v1.ObjectReference{Kind:"Pod", Namespace:"${p.namespace}", Name:"${p.name}", UID:"${p.uid}", APIVersion:"v1", ResourceVersion:"48213", FieldPath:""})`;
  switch (s.kind) {
    case 'add':
    case 'update':
    case 'delete':
    case 'remove':
    case 'reconcile':
      return ['kubelet.go:1886', `SyncLoop (${s.kind.toUpperCase()}, "${s.source}"): "${s.pods.map(legacyName).join(', ')}"`];
    case 'sandbox':
      return ['kuberuntime_manager.go:425', `No sandbox for pod "${legacyName(s.pod)}" can be found. Need to start a new one`];
    case 'infraRestart':
      return ['docker_manager.go:1972', `Need to restart pod infra container for "${legacyName(s.pod)}" because it is not found`];
    case 'markRunning':
      return ['kubelet.go:1591', `Running pod "${legacyName(s.pod)}"`];
    case 'syncProbe':
      return ['kubelet.go:1950', `SyncLoop (container unhealthy): "${legacyName(s.pod)}"`];
    case 'sync':
      return ['kubelet.go:1934', `SyncLoop (SYNC): 1 pods; ${legacyName(s.pod)}`];
    case 'pleg':
      return ['kubelet.go:1924', `SyncLoop (PLEG): "${legacyName(s.pod)}", event: &pleg.PodLifecycleEvent{ID:"${s.pod.uid}", Type:"${s.type}", Data:"${s.cid}"}`];
    case 'status':
      return [
        'status_manager.go:567',
        `Status for pod "${legacyName(s.pod)}" updated successfully: (${s.version}, {Phase:${s.phase} Conditions:[{Type:Initialized Status:True LastProbeTime:0001-01-01 00:00:00 +0000 UTC}] Message: Reason: HostIP:10.128.0.4})`,
      ];
    case 'event':
      return ['server.go:608', `${obj(s.pod)}: type: 'Normal' reason: '${s.reason}' ${s.reason} container c`];
    case 'tracing':
      return ['server.go:608', `${s.byUidOnly ? 'Event(v1.ObjectReference{Kind:"Pod", Namespace:"", Name:"", UID:"", APIVersion:"v1"})' : obj(s.pod)}: type: 'Normal' reason: 'NodeTracing' pod: ${s.pod.uid}, probe: ${s.probe}, timestamp: ${s.at}000`];
    case 'observed':
      // No startup tracker before 1.26: a status line that is not a probe instead.
      return ['status_manager.go:433', `Status for pod "${legacyName(s.pod)}" is up-to-date; skipping`];
    case 'housekeeping':
      return ['kubelet.go:1958', 'SyncLoop (housekeeping)'];
    case 'housekeepingEnd':
      return ['kubelet.go:1966', 'SyncLoop (housekeeping) end'];
    case 'noise':
      return ['reflector.go:243', 'Listing and watching *v1.Node from k8s.io/kubernetes/pkg/kubelet/kubelet.go:438'];
  }
}

function jsonRecord(s: Say): [string, string, Record<string, unknown>] {
  const pod = (p: Pod) => ({ name: p.name, namespace: p.namespace });
  switch (s.kind) {
    case 'add':
    case 'update':
    case 'delete':
    case 'remove':
    case 'reconcile':
      return ['kubelet/kubelet.go:2415', `SyncLoop ${s.kind.toUpperCase()}`, { source: s.source, pods: s.pods.map(pod) }];
    case 'sandbox':
      return ['kuberuntime/util.go:30', 'No sandbox for pod can be found. Need to start a new one', { pod: pod(s.pod) }];
    case 'infraRestart':
      return ['kuberuntime/kuberuntime_manager.go:1075', 'computePodActions got for pod', { pod: pod(s.pod) }];
    case 'markRunning':
      return ['kubelet/kubelet.go:1865', 'Mark when the pod was running for the first time', { pod: pod(s.pod), podUID: s.pod.uid }];
    case 'syncProbe':
      return ['kubelet/kubelet.go:2480', 'SyncLoop (probe)', { probe: 'readiness', status: 'ready', pod: pod(s.pod) }];
    case 'sync':
      return ['kubelet/kubelet.go:2436', 'SyncLoop (SYNC) pods', { total: 1, pods: [pod(s.pod)] }];
    case 'pleg':
      return ['kubelet/kubelet.go:2447', 'SyncLoop (PLEG): event for pod', { pod: pod(s.pod), event: { ID: s.pod.uid, Type: s.type, Data: s.cid } }];
    case 'status':
      return ['status/status_manager.go:874', 'Status for pod updated successfully', { pod: pod(s.pod), statusVersion: s.version, status: { phase: s.phase, hostIP: '10.128.0.5' } }];
    case 'event':
      return ['record/event.go:389', 'Event occurred', { object: pod(s.pod), kind: 'Pod', apiVersion: 'v1', type: 'Normal', reason: s.reason, message: `${s.reason} container c` }];
    case 'tracing':
      return [
        'record/event.go:389',
        'Event occurred',
        { ...(s.byUidOnly ? {} : { object: pod(s.pod) }), kind: 'Pod', type: 'Normal', reason: 'NodeTracing', message: `pod: ${s.pod.uid}, probe: ${s.probe}, timestamp: ${s.at}000` },
      ];
    case 'observed':
      return [
        'util/pod_startup_latency_tracker.go:104',
        'Observed pod startup duration',
        {
          pod: pod(s.pod),
          podStartSLOduration: s.slo,
          podStartE2EDuration: `${((s.watch - s.created) / 1e6).toFixed(6)}s`,
          observedRunningTime: goTime(s.running, (s.running - s.boot) / 1e6),
          watchObservedRunningTime: goTime(s.watch, (s.watch - s.boot) / 1e6),
        },
      ];
    case 'housekeeping':
      return ['kubelet/kubelet.go:2442', 'SyncLoop (housekeeping)', {}];
    case 'housekeepingEnd':
      return ['kubelet/kubelet.go:2454', 'SyncLoop (housekeeping) end', { duration: '4ms' }];
    case 'noise':
      return ['prober/prober.go:107', 'Probe succeeded', { probeType: 'Readiness', pod: { name: 'coredns-6d4b75cb6d-2xvfm', namespace: 'kube-system' } }];
  }
}

/**
 * One line: `t` is when it was logged (UTC), `offsetUs` how far the node's
 * header clock is ahead of UTC, `prefix` an index into PREFIXES.
 */
export function line(enc: Encoding, s: Say, t: Micros, offsetUs: number, prefix: number): string {
  const headerT = t + offsetUs;
  const before = PREFIXES[prefix % PREFIXES.length](headerT);
  if (enc === 'json') {
    const [caller, msg, rest] = jsonRecord(s);
    return before + JSON.stringify({ ts: t / 1000, caller, msg, v: 2, ...rest });
  }
  const [file, message] = enc === 'legacy' ? legacyMessage(s) : structuredMessage(s);
  return before + klogHeader(headerT, file) + message;
}
