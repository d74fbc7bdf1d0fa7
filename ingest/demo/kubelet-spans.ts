// Writes the OpenTelemetry spans a tracing kubelet (and containerd) would
// export for a demo pod, as an OpenTelemetry Collector file exporter writes
// them: JSON lines, one batch a line, spans in the order they ended. Times
// agree with the pod's kubelet log lines (kubelet-lines.ts): the sync starts
// after SyncLoop ADD, RunPodSandbox right after "No sandbox for pod can be
// found", and PLEG reports a started sandbox or container a little after its
// CRI call returned. Span names and attributes are those of
// ingest/parsers/otlp/probes.ts.
import type { Micros } from '../../lib/model';
import type { DemoPod, DemoPodTimes } from './kubelet-lines';
import { Random } from './random';

type Attr = { key: string; value: { stringValue: string } | { intValue: string } };

export interface DemoSpan {
  service: 'kubelet' | 'containerd';
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: 1 | 2 | 3;
  start: Micros;
  end: Micros;
  attributes: Attr[];
}

const KUBELET_SCOPE = 'k8s.io/kubernetes/pkg/kubelet';
const OTELGRPC_SCOPE = 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc';
const str = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): Attr => ({ key, value: { intValue: String(v) } });

/** A pod's own generator, so adding spans to the demo leaves the other demo data as it was. */
function randomFor(pod: DemoPod): Random {
  return new Random(parseInt(pod.uid.replace(/-/g, '').slice(0, 8), 16));
}

/**
 * The spans of one pod's startup: a syncPod (update type create) with the
 * kubelet's CRI client calls under it and containerd's server spans under
 * those; `pullImage` adds the PullImage call of a node's first pod.
 */
export function podSpans(pod: DemoPod, x: DemoPodTimes, opts: { pullImage: boolean; container: string }): DemoSpan[] {
  const rnd = randomFor(pod);
  const traceId = rnd.hex(32);
  const id = () => rnd.hex(16);
  const syncId = id();
  const syncStart = x.configChange + Math.round((x.runtimeManager - x.configChange) * rnd.uniform(0.2, 0.5));
  const sandboxStart = x.runtimeManager + rnd.int(100, 400);
  // PLEG relists every second: it sees the sandbox and the container a while after their calls returned.
  const sandboxEnd = Math.max(sandboxStart + 50_000, x.infraStart - Math.min(rnd.int(20_000, 250_000), Math.round((x.infraStart - sandboxStart) * 0.4)));
  let t = sandboxEnd + rnd.int(500, 3_000);
  const spans: DemoSpan[] = [];
  const sandboxId = rnd.hex(64);
  const containerId = rnd.hex(64);
  const cri = (method: string, start: Micros, end: Micros, server: Attr[], service = 'runtime.v1.RuntimeService') => {
    const clientId = id();
    const name = `${service}/${method}`;
    const rpc = [str('rpc.system', 'grpc'), str('rpc.service', service), str('rpc.method', method)];
    spans.push({
      service: 'kubelet',
      scope: OTELGRPC_SCOPE,
      traceId,
      spanId: clientId,
      parentSpanId: syncId,
      name,
      kind: 3,
      start,
      end,
      attributes: [...rpc, str('net.sock.peer.addr', '/run/containerd/containerd.sock'), int('rpc.grpc.status_code', 0)],
    });
    spans.push({
      service: 'containerd',
      scope: OTELGRPC_SCOPE,
      traceId,
      spanId: id(),
      parentSpanId: clientId,
      name,
      kind: 2,
      start: start + rnd.int(150, 400),
      end: end - rnd.int(100, 300),
      attributes: [...rpc, ...server, int('rpc.grpc.status_code', 0)],
    });
  };
  cri('RunPodSandbox', sandboxStart, sandboxEnd, [str('sandbox.id', sandboxId), str('sandbox.name', `${pod.name}_${pod.namespace}_${pod.uid}_0`)]);
  if (opts.pullImage) {
    const end = t + rnd.int(400_000, 1_200_000);
    cri('PullImage', t, end, [], 'runtime.v1.ImageService');
    t = end + rnd.int(300, 1_500);
  }
  const createEnd = t + rnd.int(15_000, 45_000);
  cri('CreateContainer', t, createEnd, [
    str('sandbox.id', sandboxId),
    str('container.id', containerId),
    str('container.name', `${opts.container}_${pod.name}_${pod.namespace}_${pod.uid}_0`),
    str('container.image.ref', 'registry.k8s.io/pause:3.10'),
  ]);
  const startStart = createEnd + rnd.int(200, 1_000);
  const startEnd = Math.max(startStart + 20_000, x.containerStart - rnd.int(5_000, 60_000));
  cri('StartContainer', startStart, startEnd, [str('container.id', containerId), str('sandbox.id', sandboxId)]);
  spans.unshift({
    service: 'kubelet',
    scope: KUBELET_SCOPE,
    traceId,
    spanId: syncId,
    parentSpanId: '',
    name: 'syncPod',
    kind: 1,
    start: syncStart,
    end: startEnd + rnd.int(1_000, 5_000),
    attributes: [
      str('k8s.pod.uid', pod.uid),
      str('k8s.pod', `${pod.namespace}/${pod.name}`),
      str('k8s.pod.name', pod.name),
      str('k8s.pod.update_type', 'create'),
      str('k8s.namespace.name', pod.namespace),
    ],
  });
  return spans;
}

const nanos = (us: Micros) => `${us}000`;

/** The file exporter's lines: spans in the order they ended, in batches of `batch`, each batch one line with a resource per service. */
export function traceFileLines(spans: readonly DemoSpan[], host: string, batch = 128): string[] {
  const ended = [...spans].sort((a, b) => a.end - b.end);
  const lines: string[] = [];
  for (let i = 0; i < ended.length; i += batch) {
    const part = ended.slice(i, i + batch);
    const resourceSpans = (['kubelet', 'containerd'] as const)
      .map((service) => {
        const mine = part.filter((s) => s.service === service);
        const scopes = [...new Set(mine.map((s) => s.scope))].map((scope) => ({
          scope: scope === OTELGRPC_SCOPE ? { name: scope, version: '0.53.0' } : { name: scope },
          spans: mine
            .filter((s) => s.scope === scope)
            .map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId,
              flags: 256,
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: nanos(s.start),
              endTimeUnixNano: nanos(s.end),
              attributes: s.attributes,
              status: {},
            })),
        }));
        return {
          resource: {
            attributes: [str('service.name', service), str('service.version', service === 'kubelet' ? 'v1.32.2' : '2.0.4'), str('host.name', host)],
          },
          scopeSpans: scopes,
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
        };
      })
      .filter((r) => r.scopeSpans.length > 0);
    lines.push(JSON.stringify({ resourceSpans }));
  }
  return lines;
}
