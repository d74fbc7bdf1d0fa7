// THE TABLE of span probes: one row per probe, naming the spans it reads,
// which edge of them, and which one of a pod's matching spans counts. Adding
// a span probe is adding a row (and its name to SPAN_PROBES in lib/model.ts).
//
// What the spans are, as read in the sources (through the search tool):
// - kubernetes/kubernetes pkg/kubelet/kubelet.go: `SyncPod` starts span
//   `syncPod` with attributes `k8s.pod.uid` (semconv.K8SPodUIDKey), `k8s.pod`
//   (klog.KObj(pod): "namespace/name"), `k8s.pod.name` (semconv.K8SPodNameKey),
//   `k8s.pod.update_type` (SyncPodType.String() in pkg/kubelet/types:
//   create, update, sync, kill) and `k8s.namespace.name`
//   (semconv.K8SNamespaceNameKey); newer kubelets set status ERROR when the
//   sync fails. `SyncTerminatingPod` starts `syncTerminatingPod` (from
//   context.Background(), so a root) and `SyncTerminatedPod` starts
//   `syncTerminatedPod`, both with the same pod attributes and no update type.
//   pkg/kubelet/pod_workers.go podWorkerLoop calls the three with the
//   worker's context from startPodSync, which holds no span: a sync span is
//   normally its trace's root (the rows do not rely on it).
//   SyncPod hands the runtime `context.WithoutCancel(ctx)` "to propagate
//   trace context": the CRI calls of a sync are its children. (Kubelets of
//   1.27 started syncPod from context.TODO() and, before that fix, gave the
//   runtime a fresh context: their CRI spans are roots and count as spans of
//   no pod.)
// - kubernetes/kubernetes staging/src/k8s.io/cri-client/pkg/remote_runtime.go
//   (and remote_image.go): the CRI gRPC connection carries
//   otelgrpc.NewClientHandler (WithTracerProvider, WithMessageEvents).
// - open-telemetry/opentelemetry-go-contrib instrumentation/google.golang.org/
//   grpc/otelgrpc stats_handler.go and internal/parse.go: a client span named
//   for the full method without its slash, e.g.
//   `runtime.v1.RuntimeService/RunPodSandbox`, `.../CreateContainer`,
//   `.../StartContainer`, `runtime.v1.ImageService/PullImage`; kind CLIENT;
//   attributes `rpc.system` = grpc, `rpc.service`, `rpc.method`, the peer
//   address, and at the end `rpc.grpc.status_code` (int), with status ERROR
//   on failure; `message` events for each message sent and received. No field
//   of the request is recorded: the kubelet's CreateContainer and
//   StartContainer spans do not say which container.
// - containerd, when its OTLP tracing plugin is on, answers on a gRPC server
//   with the otelgrpc server handler: spans of the same names, kind SERVER,
//   children of the kubelet's client spans. Its CRI service adds attributes
//   to them (containerd/containerd internal/cri/server): sandbox_run.go
//   RunPodSandbox: `sandbox.id`, `sandbox.name`; container_create.go
//   CreateContainer: `sandbox.id`, `sandbox.pid`, `container.id`,
//   `container.name` (makeContainerName in helpers.go:
//   `<container>_<pod>_<namespace>_<uid>_<attempt>`), `container.image.ref`;
//   container_start.go StartContainer: `container.id`, `sandbox.id` and a
//   `container started` event. containerd 1.7's pkg/cri/instrument adds
//   `pkg.cri.server.PullImage`.
//
// Telling containers apart: when containerd's spans are there, a kubelet
// StartContainer span's SERVER child names the `container.id`, and the
// CreateContainer SERVER span with that id gives `container.name`, whose
// first `_` field is the container's name in the pod spec: a container's
// restarts then count once (its first start). Without runtime spans each
// successful StartContainer counts as a container of its own, so a container
// restarted during startup moves `container_started_last`.
import type { SpanKindName, SpanProbe } from '../../../lib/model';

/** The pod-sync spans: a span belongs to the pod of its nearest ancestor (or itself) among these. */
export const SYNC_SPANS: readonly string[] = ['syncPod', 'syncTerminatingPod', 'syncTerminatedPod'];

/** Span attributes that name the pod of a sync span. */
export const POD_ATTRIBUTES = {
  uid: 'k8s.pod.uid',
  pod: 'k8s.pod',
  name: 'k8s.pod.name',
  namespace: 'k8s.namespace.name',
  updateType: 'k8s.pod.update_type',
} as const;

/** Attributes kept from each span (all others are dropped on reading): what rows and views use. */
export const SPAN_ATTRIBUTES: readonly string[] = [
  POD_ATTRIBUTES.uid,
  POD_ATTRIBUTES.pod,
  POD_ATTRIBUTES.name,
  POD_ATTRIBUTES.namespace,
  POD_ATTRIBUTES.updateType,
  'rpc.grpc.status_code',
  'container.id',
  'container.name',
  'container.image.ref',
  'sandbox.id',
  'sandbox.name',
];

const CRI = 'runtime.v1.RuntimeService/';
const IMAGES = 'runtime.v1.ImageService/';

/** A span as the rows see it: one of a pod's spans, with what the collector worked out about it. */
export interface RowSpan {
  name: string;
  kind: SpanKindName;
  start: number;
  end?: number;
  error: boolean;
  attributes: Readonly<Record<string, string | number | boolean>>;
  /** The container this span started, when the runtime's spans say (see the header). */
  container?: string;
}

export interface SpanProbeRule {
  probe: SpanProbe;
  /** Span names the row reads. */
  names: readonly string[];
  /** Only spans of this kind: the kubelet's CRI calls are CLIENT spans; containerd's of the same name are SERVER. */
  kind?: SpanKindName;
  edge: 'start' | 'end';
  /** Which of the pod's matching spans counts, by the edge's time. */
  pick: 'first' | 'last';
  when?: (s: RowSpan) => boolean;
  /** Count each container once, at its first matching span, before picking. */
  perContainer?: boolean;
  /** Take the end of the pod-sync span the picked span belongs to, not the picked span's own edge. */
  ofSync?: boolean;
}

const ok = (s: RowSpan) => !s.error;
const created = (s: RowSpan) => s.attributes[POD_ATTRIBUTES.updateType] === 'create';

export const SPAN_PROBE_RULES: readonly SpanProbeRule[] = [
  { probe: 'sync_start', names: ['syncPod'], edge: 'start', pick: 'first', when: created },
  { probe: 'sandbox_start', names: [`${CRI}RunPodSandbox`], kind: 'client', edge: 'start', pick: 'first' },
  { probe: 'sandbox_ready', names: [`${CRI}RunPodSandbox`], kind: 'client', edge: 'end', pick: 'first', when: ok },
  { probe: 'image_pulled', names: [`${IMAGES}PullImage`], kind: 'client', edge: 'end', pick: 'first', when: ok },
  { probe: 'container_created', names: [`${CRI}CreateContainer`], kind: 'client', edge: 'end', pick: 'first', when: ok },
  {
    probe: 'container_started_first',
    names: [`${CRI}StartContainer`],
    kind: 'client',
    edge: 'end',
    pick: 'first',
    when: ok,
    perContainer: true,
  },
  {
    probe: 'container_started_last',
    names: [`${CRI}StartContainer`],
    kind: 'client',
    edge: 'end',
    pick: 'last',
    when: ok,
    perContainer: true,
  },
  {
    probe: 'sync_done',
    names: [`${CRI}StartContainer`],
    kind: 'client',
    edge: 'end',
    pick: 'last',
    when: ok,
    perContainer: true,
    ofSync: true,
  },
];

/** Every span name some row reads. */
export const PROBE_SPAN_NAMES: ReadonlySet<string> = new Set(SPAN_PROBE_RULES.flatMap((r) => r.names));

/** The container of a containerd `container.name` (`<container>_<pod>_<namespace>_<uid>_<attempt>`). */
export function containerOfRuntimeName(name: string): string | undefined {
  const first = name.split('_')[0];
  return first || undefined;
}
