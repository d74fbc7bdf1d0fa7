import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPAN_PROBES } from '../../lib/model';
import { fixture, line, probesOf, readTraceBuffer, TRACES } from './helpers';

const WEB = 'density-test-4821/web-0';
const TEST = 'density-test-4821/test-a1b2c3d4-0';

describe('OTLP trace file reader: a Collector file exporter file of kubelet and containerd spans', () => {
  it('finds each pod’s span probes, times rounded to the microsecond', async () => {
    const r = await readTraceBuffer(fixture(TRACES));
    // Two containers, told apart by containerd's spans: the app container's
    // restart in a later sync does not move the last container start.
    expect(probesOf(r, WEB)).toEqual({
      sync_start: '2026-03-16T04:31:20.010000Z',
      sandbox_start: '2026-03-16T04:31:20.012501Z',
      sandbox_ready: '2026-03-16T04:31:20.431250Z',
      image_pulled: '2026-03-16T04:31:21.250750Z',
      container_created: '2026-03-16T04:31:21.290400Z',
      container_started_first: '2026-03-16T04:31:21.402626Z',
      container_started_last: '2026-03-16T04:31:21.784333Z',
      sync_done: '2026-03-16T04:31:21.790125Z',
    });
    // The first sync failed to make the sandbox: sandbox_start is the first
    // attempt, sandbox_ready the success in the next sync (update type
    // "sync"), sync_done that sync's end. No image was pulled.
    expect(probesOf(r, TEST)).toEqual({
      sync_start: '2026-03-16T04:31:22.000000Z',
      sandbox_start: '2026-03-16T04:31:22.010000Z',
      sandbox_ready: '2026-03-16T04:31:23.380000Z',
      container_created: '2026-03-16T04:31:23.420500Z',
      container_started_first: '2026-03-16T04:31:23.530750Z',
      container_started_last: '2026-03-16T04:31:23.530750Z',
      sync_done: '2026-03-16T04:31:23.541500Z',
    });
  });

  it('gives events in time order with pod, uid, line and source span; kube-system pods left out', async () => {
    const r = await readTraceBuffer(fixture(TRACES));
    expect(r.events.map((e) => e.time)).toEqual([...r.events.map((e) => e.time)].sort((a, b) => a - b));
    expect(new Set(r.events.map((e) => e.pod))).toEqual(new Set([WEB, TEST]));
    expect(r.events.every((e) => e.source === 'span')).toBe(true);
    expect(r.events.filter((e) => e.pod === WEB).map((e) => [e.probe, e.uid, e.line])).toEqual([
      ['sync_start', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 3],
      ['sandbox_start', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 1],
      ['sandbox_ready', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 1],
      ['image_pulled', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 1],
      ['container_created', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 1],
      ['container_started_first', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 1],
      ['container_started_last', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 1],
      ['sync_done', '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21', 3],
    ]);
    const withSystem = await readTraceBuffer(fixture(TRACES), undefined, { includeSystemPods: true });
    expect(probesOf(withSystem, 'kube-system/kube-proxy-n1-standard-2-7f3a')).toEqual({
      sync_start: '2026-03-16T04:31:20.090000Z',
      sandbox_start: '2026-03-16T04:31:20.100000Z',
      sandbox_ready: '2026-03-16T04:31:20.300000Z',
      container_started_first: '2026-03-16T04:31:20.420000Z',
      container_started_last: '2026-03-16T04:31:20.420000Z',
      sync_done: '2026-03-16T04:31:20.430000Z',
    });
  });

  it('keeps each pod’s spans for a waterfall: nested under its syncs, runtime spans included, only the attributes views use', async () => {
    const r = await readTraceBuffer(fixture(TRACES));
    const web = r.spans.filter((s) => s.pod === WEB);
    expect(web.map((s) => `${'  '.repeat(s.depth)}${s.name} ${s.kind} ${s.service}`)).toEqual([
      'syncPod internal kubelet',
      '  runtime.v1.RuntimeService/RunPodSandbox client kubelet',
      '    runtime.v1.RuntimeService/RunPodSandbox server containerd',
      '  runtime.v1.ImageService/PullImage client kubelet',
      '  runtime.v1.RuntimeService/CreateContainer client kubelet',
      '    runtime.v1.RuntimeService/CreateContainer server containerd',
      '  runtime.v1.RuntimeService/StartContainer client kubelet',
      '    runtime.v1.RuntimeService/StartContainer server containerd',
      '  runtime.v1.ImageService/PullImage client kubelet',
      '  runtime.v1.RuntimeService/CreateContainer client kubelet',
      '    runtime.v1.RuntimeService/CreateContainer server containerd',
      '  runtime.v1.RuntimeService/StartContainer client kubelet',
      '    runtime.v1.RuntimeService/StartContainer server containerd',
      'syncPod internal kubelet',
      '  runtime.v1.RuntimeService/CreateContainer client kubelet',
      '    runtime.v1.RuntimeService/CreateContainer server containerd',
      '  runtime.v1.RuntimeService/StartContainer client kubelet',
      '    runtime.v1.RuntimeService/StartContainer server containerd',
    ]);
    expect(web[0]).toEqual({
      pod: WEB,
      uid: '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21',
      instance: 0,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b000000000000001',
      name: 'syncPod',
      kind: 'internal',
      service: 'kubelet',
      start: 1773635480010000,
      end: 1773635481790125,
      depth: 0,
      error: false,
      attributes: {
        'k8s.pod.uid': '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21',
        'k8s.pod': WEB,
        'k8s.pod.name': 'web-0',
        'k8s.pod.update_type': 'create',
        'k8s.namespace.name': 'density-test-4821',
      },
      line: 3,
    });
    expect(web[5]).toMatchObject({
      parentSpanId: 'b100000000000003',
      service: 'containerd',
      attributes: {
        'rpc.grpc.status_code': 0,
        'container.id': 'c1'.repeat(32),
        'container.name': 'app_web-0_density-test-4821_0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21_0',
        'container.image.ref': 'registry.k8s.io/e2e-test-images/agnhost:2.52',
        'sandbox.id': '8e1f0a'.repeat(10) + '9f3c',
      },
    });
    const failed = r.spans.filter((s) => s.pod === TEST && s.error).map((s) => s.name);
    expect(failed).toEqual(['syncPod', 'runtime.v1.RuntimeService/RunPodSandbox']);
  });

  it('counts the spans of no pod (a relist call, a call whose parent was never exported) and says so', async () => {
    const r = await readTraceBuffer(fixture(TRACES));
    expect(r.stats).toEqual({
      spans: 29,
      noPod: 2,
      missingParent: 1,
      noEnd: 0,
      duplicates: 0,
      malformed: 0,
      unknownAttributeTypes: 0,
      oversizedValues: 0,
    });
    expect(r.warnings).toEqual([{ file: TRACES, message: '2 of 29 spans belong to no pod sync (1 because a parent span is missing): counted, not probes' }]);
    expect([r.lines, r.skipped]).toEqual([5, 0]);
  });

  it('reads the same from gzip, in any chunking', async () => {
    const plain = await readTraceBuffer(fixture(TRACES));
    const gz = await readTraceBuffer(zlib.gzipSync(fixture(TRACES)), [1, 7, 4096]);
    expect(gz).toEqual(plain);
    expect(await readTraceBuffer(fixture(TRACES), [3, 1000, 17])).toEqual(plain);
  });

  it('takes base64 ids, numeric times and enum names as some writers put them', async () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const text = line('kubelet', [
      {
        traceId: b64(trace),
        spanId: b64('00f067aa0ba902b7'),
        parentSpanId: '',
        name: 'syncPod',
        kind: 'SPAN_KIND_INTERNAL',
        startTimeUnixNano: 1773635480000000000,
        endTimeUnixNano: 1773635481000000000,
        attributes: [
          { key: 'k8s.pod.uid', value: { stringValue: 'u-1' } },
          { key: 'k8s.namespace.name', value: { stringValue: 'ns' } },
          { key: 'k8s.pod.name', value: { stringValue: 'p' } },
          { key: 'k8s.pod.update_type', value: { stringValue: 'create' } },
        ],
      },
      {
        traceId: b64(trace),
        spanId: b64('00f067aa0ba902b8'),
        parentSpanId: b64('00f067aa0ba902b7'),
        name: 'runtime.v1.RuntimeService/StartContainer',
        kind: 'SPAN_KIND_CLIENT',
        startTimeUnixNano: '1773635480500000000',
        endTimeUnixNano: '1773635480750000000',
        attributes: [{ key: 'rpc.grpc.status_code', value: { intValue: 0 } }],
        status: { code: 'STATUS_CODE_UNSET' },
      },
    ]);
    const r = await readTraceBuffer(Buffer.from(text + '\n'));
    expect(probesOf(r, 'ns/p')).toEqual({
      sync_start: '2026-03-16T04:31:20.000000Z',
      container_started_first: '2026-03-16T04:31:20.750000Z',
      container_started_last: '2026-03-16T04:31:20.750000Z',
      sync_done: '2026-03-16T04:31:21.000000Z',
    });
    expect(r.spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.kind])).toEqual([
      [trace, '00f067aa0ba902b7', undefined, 'internal'],
      [trace, '00f067aa0ba902b8', '00f067aa0ba902b7', 'client'],
    ]);
  });

  it('numbers the lives of a pod name by their uids, in order of first sync', async () => {
    const sync = (trace: string, uid: string, at: string) => ({
      traceId: trace,
      spanId: trace.slice(0, 16),
      name: 'syncPod',
      kind: 1,
      startTimeUnixNano: at + '000000000',
      endTimeUnixNano: at + '500000000',
      attributes: [
        { key: 'k8s.pod.uid', value: { stringValue: uid } },
        { key: 'k8s.pod', value: { stringValue: 'ns/p' } },
        { key: 'k8s.pod.update_type', value: { stringValue: 'create' } },
      ],
    });
    const text = [line('kubelet', [sync('2'.repeat(32), 'second', '1773635490')]), line('kubelet', [sync('1'.repeat(32), 'first', '1773635480')])].join('\n');
    const r = await readTraceBuffer(Buffer.from(text));
    expect(r.events.filter((e) => e.probe === 'sync_start').map((e) => [e.uid, e.instance])).toEqual([
      ['first', 0],
      ['second', 1],
    ]);
  });

  it('has a row for every span probe of the model', async () => {
    const { SPAN_PROBE_RULES } = await import('../../ingest/parsers/otlp/probes');
    expect(SPAN_PROBE_RULES.map((r) => r.probe)).toEqual([...SPAN_PROBES]);
  });
});
