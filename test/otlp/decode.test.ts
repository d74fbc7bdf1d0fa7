// The OTLP/HTTP body decoder against the real client: the OpenTelemetry JS
// SDK's OTLP exporters (protobuf and JSON) send kubelet-shaped spans to a
// small local HTTP server, and what they sent is decoded and read.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanCollector } from '../../ingest/parsers/otlp/collector';
import { OtlpDecodeError, decodeTraceRequest, encodingOf } from '../../ingest/parsers/otlp/decode';
import { DESCRIPTOR_FILE, descriptorFromProtos } from '../../ingest/parsers/otlp/proto/generate';
import { probesOf } from './helpers';

interface Captured {
  contentType: string;
  contentEncoding?: string;
  body: Buffer;
}

let server: http.Server;
let url: string;
const captured: Captured[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      captured.push({
        contentType: req.headers['content-type'] ?? '',
        ...(req.headers['content-encoding'] ? { contentEncoding: req.headers['content-encoding'] } : {}),
        body: Buffer.concat(parts),
      });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const T0 = 1773635480;
const at = (ms: number, ns = 0): HrTime => [T0 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + ns];

/** One pod's startup as the kubelet traces it: a syncPod span and its CRI client calls, exported by `exporter`. */
async function exportPodStartup(exporter: SpanExporter): Promise<Captured> {
  const before = captured.length;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'kubelet', 'service.version': 'v1.32.2' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const kubelet = provider.getTracer('k8s.io/kubernetes/pkg/kubelet');
  const otelgrpc = provider.getTracer('go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', '0.53.0');
  const pod: Attributes = {
    'k8s.pod.uid': '6f0d6c6e-1d7a-4b55-9a1e-2c3f4a5b6c7d',
    'k8s.pod': 'density-test-4821/test-a1b2c3d4-0',
    'k8s.pod.name': 'test-a1b2c3d4-0',
    'k8s.pod.update_type': 'create',
    'k8s.namespace.name': 'density-test-4821',
  };
  const sync = kubelet.startSpan('syncPod', { attributes: pod, startTime: at(0, 250) }, context.active());
  const inSync = trace.setSpan(context.active(), sync);
  const callCri = (method: string, start: HrTime, end: HrTime, service = 'runtime.v1.RuntimeService') => {
    const s = otelgrpc.startSpan(
      `${service}/${method}`,
      { kind: SpanKind.CLIENT, startTime: start, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
      inSync,
    );
    s.addEvent('message', { 'message.type': 'SENT', 'message.id': 1, 'message.uncompressed_size': 412 }, start);
    s.setAttribute('rpc.grpc.status_code', 0);
    s.setStatus({ code: SpanStatusCode.UNSET });
    s.end(end);
  };
  callCri('RunPodSandbox', at(10, 789), at(431, 250_499));
  callCri('PullImage', at(440), at(1250, 750_000), 'runtime.v1.ImageService');
  callCri('CreateContainer', at(1251), at(1290, 400_000));
  callCri('StartContainer', at(1291), at(1402, 625_500));
  sync.end(at(1410));
  await provider.forceFlush();
  await provider.shutdown();
  expect(captured.length).toBeGreaterThan(before);
  return captured[captured.length - 1];
}

function collected(bodies: Captured[]) {
  const c = new SpanCollector();
  for (const b of bodies) c.add(decodeTraceRequest(b.body, b.contentType), { file: 'POST /v1/traces' });
  return c.finish();
}

const EXPECTED = {
  sync_start: '2026-03-16T04:31:20.000000Z',
  sandbox_start: '2026-03-16T04:31:20.010001Z',
  sandbox_ready: '2026-03-16T04:31:20.431250Z',
  image_pulled: '2026-03-16T04:31:21.250750Z',
  container_created: '2026-03-16T04:31:21.290400Z',
  container_started_first: '2026-03-16T04:31:21.402626Z',
  container_started_last: '2026-03-16T04:31:21.402626Z',
  sync_done: '2026-03-16T04:31:21.410000Z',
};

describe('decodeTraceRequest: OTLP/HTTP bodies from the OpenTelemetry JS exporters', () => {
  it('decodes the protobuf exporter’s request (one span a request, children before their parent) into the same probes', async () => {
    const bodies: Captured[] = [];
    const exporter = new ProtoExporter({ url });
    const from = captured.length;
    await exportPodStartup(exporter);
    bodies.push(...captured.slice(from));
    expect(bodies.every((b) => b.contentType === 'application/x-protobuf')).toBe(true);
    expect(bodies.length).toBe(5);
    const r = collected(bodies);
    expect(probesOf(r, 'density-test-4821/test-a1b2c3d4-0')).toEqual(EXPECTED);
    expect(r.spans.map((s) => [s.name, s.kind, s.depth, s.service])).toEqual([
      ['syncPod', 'internal', 0, 'kubelet'],
      ['runtime.v1.RuntimeService/RunPodSandbox', 'client', 1, 'kubelet'],
      ['runtime.v1.ImageService/PullImage', 'client', 1, 'kubelet'],
      ['runtime.v1.RuntimeService/CreateContainer', 'client', 1, 'kubelet'],
      ['runtime.v1.RuntimeService/StartContainer', 'client', 1, 'kubelet'],
    ]);
    expect(r.spans[1].attributes).toEqual({ 'rpc.grpc.status_code': 0 });
  });

  it('decodes a gzipped protobuf request', async () => {
    const from = captured.length;
    await exportPodStartup(new ProtoExporter({ url, compression: 'gzip' as never }));
    const bodies = captured.slice(from);
    expect(bodies.every((b) => b.contentEncoding === 'gzip' && b.body[0] === 0x1f)).toBe(true);
    expect(probesOf(collected(bodies), 'density-test-4821/test-a1b2c3d4-0')).toEqual(EXPECTED);
  });

  it('decodes the JSON exporter’s request to the same spans as the protobuf one', async () => {
    let from = captured.length;
    await exportPodStartup(new HttpJsonExporter({ url }));
    const json = captured.slice(from);
    expect(json.every((b) => encodingOf(b.contentType) === 'json')).toBe(true);
    from = captured.length;
    await exportPodStartup(new ProtoExporter({ url }));
    const proto = captured.slice(from);

    const fromJson = collected(json);
    const fromProto = collected(proto);
    expect(probesOf(fromJson, 'density-test-4821/test-a1b2c3d4-0')).toEqual(EXPECTED);
    // Ids differ between the two exports; everything else is the same.
    const shape = (r: ReturnType<typeof collected>) => r.spans.map(({ traceId: _t, spanId: _s, parentSpanId: _p, ...rest }) => rest);
    expect(shape(fromJson)).toEqual(shape(fromProto));

    const doc = decodeTraceRequest(proto[0].body, proto[0].contentType);
    const span = doc.resourceSpans![0].scopeSpans![0].spans![0];
    expect(span).toMatchObject({
      name: 'runtime.v1.RuntimeService/RunPodSandbox',
      kind: 3,
      startTimeUnixNano: '1773635480010000789',
      endTimeUnixNano: '1773635480431250499',
    });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.resourceSpans![0].resource!.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'kubelet' } });
    expect(doc.resourceSpans![0].scopeSpans![0].scope).toEqual({ name: 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', version: '0.53.0' });
  });

  it('rejects malformed bodies with a clear error', () => {
    const fail = (body: Buffer | string, type: string) => {
      try {
        decodeTraceRequest(Buffer.from(body), type);
      } catch (e) {
        expect(e).toBeInstanceOf(OtlpDecodeError);
        return (e as Error).message;
      }
      return 'decoded';
    };
    expect(fail(Buffer.from([0x0a, 0x05, 0x01]), 'application/x-protobuf')).toBe('malformed OTLP protobuf (3 bytes): index out of range');
    expect(fail(Buffer.from([0x0f, 0xff, 0xff]), 'application/x-protobuf')).toMatch(/^malformed OTLP protobuf \(3 bytes\): /);
    expect(fail('{"resourceSpans":[', 'application/json; charset=utf-8')).toMatch(/^malformed OTLP JSON: /);
    expect(fail('[]', 'application/json')).toBe('malformed OTLP JSON: an ExportTraceServiceRequest is an object');
    expect(fail('{"resourceSpans":{}}', 'application/json')).toBe('malformed OTLP JSON: "resourceSpans" is not an array');
    expect(fail('{}', 'text/plain')).toBe('unsupported content type "text/plain": OTLP/HTTP takes application/x-protobuf or application/json');
    expect(fail(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), 'application/x-protobuf')).toMatch(/^corrupt gzip body: /);
    expect(() => decodeTraceRequest(zlib.gzipSync(Buffer.alloc(4096, 0x20)), 'application/json', { maxBytes: 1024 })).toThrow(
      'gzip body inflates past 1024 bytes',
    );
    expect(decodeTraceRequest(Buffer.from('{}'), 'application/json')).toEqual({});
  });

  it('loads the definitions generated from the committed .proto files', () => {
    expect(JSON.parse(fs.readFileSync(DESCRIPTOR_FILE, 'utf8'))).toEqual(descriptorFromProtos());
  });
});
