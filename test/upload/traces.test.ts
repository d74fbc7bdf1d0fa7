// The OTLP traces receiver against a real running server (next start), with
// the OpenTelemetry JS SDK and its OTLP exporters (protobuf and JSON) as the
// client: a demo build's recorded kubelet and containerd spans are replayed
// through the SDK (same ids, times and attributes), half before the build is
// uploaded and half after, and the build ends up with exactly the span probes
// it has when the trace file is part of the build. Then the answers OTLP
// clients rely on: partial success, malformed bodies, tokens, limits.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type IdGenerator, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBuild } from '../../ingest/build';
import { decodeExportResponse, decodeStatus, exportAnswer } from '../../ingest/parsers/otlp/response';
import { DEFAULT_DEMO, DEMO_TESTS, writeDemoJob } from '../../ingest/demo/generate';
import { packBuildDir } from '../../cli/upload-client';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';

const JOB = DEFAULT_DEMO.job;
const BUILD = '1840';
const TOKEN = 'tok-traces-71c2';
const MAX_BYTES = 300_000;

interface RecordedSpan {
  service: string;
  host: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
  end: bigint;
  attributes: Attributes;
}

let dir: string;
let buildDir: string;
let uploads: string;
let dbFile: string;
let server: RunningServer;
let host: string;
let recorded: RecordedSpan[];
/** `pod probe time` of every span probe, as the build reads them with the trace file in its artifacts. */
let expected: string[];

beforeAll(async () => {
  dir = tempDir('kpd-traces-');
  const jobDir = writeDemoJob(path.join(dir, 'jobs'), {
    ...DEFAULT_DEMO,
    ids: 'jenkins',
    builds: 1,
    nodes: DEFAULT_DEMO.nodes.slice(0, 1),
    tests: DEMO_TESTS.filter((t) => t.name === 'density_create_batch_10_0_0'),
    legacyBuilds: 0,
    noisePerPod: 0,
  });
  buildDir = path.join(jobDir, BUILD);
  const [hostDir] = fs.readdirSync(path.join(buildDir, 'artifacts')).filter((d) => fs.statSync(path.join(buildDir, 'artifacts', d)).isDirectory());
  host = hostDir;
  const traceFile = path.join(buildDir, 'artifacts', host, 'kubelet-traces.jsonl');
  const reference = await readBuild(buildDir, { job: JOB, number: BUILD, source: buildDir });
  expected = spanProbes(reference.runs.flatMap((r) => r.probes));
  recorded = readRecorded(fs.readFileSync(traceFile, 'utf8'));
  // The build as CI uploads it when its collector exports to the dashboard instead of into the artifacts.
  fs.rmSync(traceFile);

  uploads = path.join(dir, 'kept');
  dbFile = path.join(dir, 'kpd.db');
  server = await startServer(dbFile, { KPD_UPLOAD_TOKEN: TOKEN, KPD_UPLOADS_DIR: uploads, KPD_UPLOAD_MAX_BYTES: String(MAX_BYTES) });
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

const tracesUrl = (build = BUILD) => `${server.url}/api/v1/jobs/${JOB}/builds/${build}/traces`;

function spanProbes(events: { source: string; pod?: string; probe: string; time: number }[]): string[] {
  return events
    .filter((e) => e.source === 'span')
    .map((e) => `${e.pod} ${e.probe} ${e.time}`)
    .sort();
}

type Attr = { key: string; value: { stringValue?: string; intValue?: string } };

function readRecorded(text: string): RecordedSpan[] {
  const out: RecordedSpan[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans) {
      const attr = (k: string) => (rs.resource.attributes as Attr[]).find((a) => a.key === k)!.value.stringValue!;
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          out.push({
            service: attr('service.name'),
            host: attr('host.name'),
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            name: s.name,
            kind: s.kind,
            start: BigInt(s.startTimeUnixNano),
            end: BigInt(s.endTimeUnixNano),
            attributes: Object.fromEntries(
              (s.attributes as Attr[]).map((a) => [a.key, a.value.intValue !== undefined ? Number(a.value.intValue) : a.value.stringValue!]),
            ),
          });
        }
      }
    }
  }
  return out;
}

const hrTime = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
/** OTLP's SpanKind numbers (1 internal, 2 server, 3 client) are the API's plus one. */
const sdkKind = (otlp: number): SpanKind => (otlp - 1) as SpanKind;

/**
 * Re-creates recorded spans with the SDK, one provider per service (its
 * resource names the service and the host, as the kubelet's and
 * containerd's do), ids handed out by an IdGenerator so that they are the
 * recorded ones, parents given as span contexts; then flushes through `exporter`.
 */
async function replay(spans: RecordedSpan[], exporter: () => SpanExporter): Promise<void> {
  for (const service of [...new Set(spans.map((s) => s.service))]) {
    let next: RecordedSpan | undefined;
    const ids: IdGenerator = { generateTraceId: () => next!.traceId, generateSpanId: () => next!.spanId };
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'host.name': spans[0].host }),
      idGenerator: ids,
      spanProcessors: [new BatchSpanProcessor(exporter(), { maxExportBatchSize: 512, maxQueueSize: 4096 })],
    });
    const tracer = provider.getTracer('replay');
    for (const s of spans.filter((x) => x.service === service)) {
      next = s;
      const parent = s.parentSpanId
        ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
        : ROOT_CONTEXT;
      tracer.startSpan(s.name, { kind: sdkKind(s.kind), startTime: hrTime(s.start), attributes: s.attributes }, parent).end(hrTime(s.end));
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
}

const auth = { Authorization: `Bearer ${TOKEN}` };

function serverSpanProbes(): string[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db
      .prepare<[string], { pod: string; probe: string; t_us: number }>(
        `SELECT p.pod, p.probe, p.t_us FROM probe_events p JOIN runs r ON r.id = p.run_id JOIN builds b ON b.id = r.build_id
         WHERE b.number = ? AND p.source = 'span'`,
      )
      .all(BUILD);
    return rows.map((r) => `${r.pod} ${r.probe} ${r.t_us}`).sort();
  } finally {
    db.close();
  }
}

async function waitFor<T>(probe: () => T, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server output:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('POST /api/v1/jobs/J/builds/N/traces with the OpenTelemetry SDK as the client', () => {
  it('keeps spans exported before the build exists, and reads them with its upload and after it', async () => {
    expect(expected.length).toBeGreaterThan(20);
    const traces = [...new Set(recorded.map((s) => s.traceId))];
    const early = new Set(traces.slice(0, Math.ceil(traces.length / 2)));

    // While the build runs: protobuf, gzip, as a collector's otlphttp exporter sends by default.
    await replay(
      recorded.filter((s) => early.has(s.traceId)),
      () => new ProtoExporter({ url: tracesUrl(), headers: auth, compression: 'gzip' as never }),
    );
    const kept = path.join(uploads, JOB, `${BUILD}.traces`, `${host}.jsonl`);
    expect(fs.existsSync(kept)).toBe(true);
    expect((await fetch(`${server.url}/api/v1/jobs/${JOB}/builds`)).status).toBe(404);

    const archive = path.join(dir, 'build.tar.gz');
    await packBuildDir(buildDir, archive);
    const up = await fetch(`${server.url}/api/v1/jobs/${JOB}/builds/${BUILD}`, { method: 'POST', headers: auth, body: fs.readFileSync(archive) });
    expect(up.status).toBe(201);
    const earlyPods = new Set(recorded.filter((s) => early.has(s.traceId) && s.name === 'syncPod').map((s) => s.attributes['k8s.pod'] as string));
    const afterUpload = serverSpanProbes();
    expect(afterUpload.length).toBeGreaterThan(0);
    expect(afterUpload).toEqual(expected.filter((e) => earlyPods.has(e.split(' ')[0])));

    // After the upload (a collector flushing at shutdown): JSON this time; the build is re-ingested in the background.
    await replay(
      recorded.filter((s) => !early.has(s.traceId)),
      () => new JsonExporter({ url: tracesUrl(), headers: auth }),
    );
    const final = await waitFor(serverSpanProbes, (v) => v.length === expected.length, 'the re-ingest with the late spans');
    expect(final).toEqual(expected);

    // The received file is one OTLP JSON line a request; `kpd reingest` and a re-upload read it again.
    const lines = fs.readFileSync(kept, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => Array.isArray(JSON.parse(l).resourceSpans))).toBe(true);
    const db = new Database(dbFile, { readonly: true });
    const report = JSON.parse(db.prepare<[string], { report: string }>('SELECT report FROM builds WHERE number = ?').get(BUILD)!.report) as {
      files: { file: string; kind: string }[];
    };
    db.close();
    expect(report.files.filter((f) => f.kind === 'kubelet-traces').map((f) => f.file)).toEqual([`${BUILD}.traces/${host}.jsonl`]);
  });

  it('answers a partial success, in the encoding of the request, for spans it cannot use', async () => {
    const spans = [
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'syncPod', kind: 1, startTimeUnixNano: '1773635480000000000', endTimeUnixNano: '1773635481000000000' },
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'not-an-id', name: 'syncPod', kind: 1, startTimeUnixNano: '1773635480000000000', endTimeUnixNano: '1773635481000000000' },
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203332', name: 'syncPod', kind: 1, startTimeUnixNano: '1773635480000000000' },
    ];
    const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'host.name', value: { stringValue: 'node-a' } }] }, scopeSpans: [{ spans }] }] });
    const json = await fetch(tracesUrl('77'), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: '2 spans rejected: 1 without a valid trace id, span id or start time, 1 without a valid end time' },
    });
    const keptLines = fs.readFileSync(path.join(uploads, JOB, '77.traces', 'node-a.jsonl'), 'utf8').trim().split('\n');
    expect(keptLines.map((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans.map((s: { spanId: string }) => s.spanId))).toEqual([['b7ad6b7169203331']]);

    const gz = await fetch(tracesUrl('77'), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: zlib.gzipSync(JSON.stringify({ resourceSpans: [] })),
    });
    expect(gz.status).toBe(200);
    expect(await gz.json()).toEqual({});
  });

  it('answers a malformed protobuf body with 400 and a google.rpc.Status naming the problem', async () => {
    // Field 1 (resource_spans) claims 255 bytes that never come.
    const r = await fetch(tracesUrl(), { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf' }, body: Buffer.from('0aff01', 'hex') });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/x-protobuf');
    const status = decodeStatus(new Uint8Array(await r.arrayBuffer()));
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^malformed OTLP protobuf \(3 bytes\): /);

    const json = await fetch(tracesUrl(), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"resourceSpans":' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toMatch(/^malformed OTLP JSON: /);

    const text = await fetch(tracesUrl(), { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
  });

  it('refuses exports without the upload token (401, with the SDK exporter failing) or with a wrong one', async () => {
    const bare = await fetch(tracesUrl(), { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array() });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer realm="kpd uploads"');
    expect(decodeStatus(new Uint8Array(await bare.arrayBuffer())).message).toBe('an upload token is required: Authorization: Bearer <token>');

    const wrong = await fetch(tracesUrl(), { method: 'POST', headers: { Authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('wrong upload token');

    const exporter = new ProtoExporter({ url: tracesUrl('78') });
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'kubelet', 'host.name': 'node-b' }) });
    const span = provider.getTracer('t').startSpan('syncPod');
    span.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => {
      exporter.export([span as unknown as ReadableSpan], resolve);
    });
    expect(result.code).toBe(1);
    expect((result.error as Error & { code?: number }).code).toBe(401);
    expect(fs.existsSync(path.join(uploads, JOB, '78.traces'))).toBe(false);
    await exporter.shutdown();
  });

  it('refuses a body over the upload limit with 413', async () => {
    const r = await fetch(tracesUrl(), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(MAX_BYTES + 1),
    });
    expect(r.status).toBe(413);
    expect(decodeStatus(new Uint8Array(await r.arrayBuffer())).message).toBe(`request of ${MAX_BYTES + 1} bytes is over the limit of ${MAX_BYTES} bytes`);
  });
});

describe('the answer encodings', () => {
  it('encodes a protobuf partial success that decodes back, and a full success as an empty message', () => {
    const a = exportAnswer('protobuf', { rejectedSpans: 1, errorMessage: '1 span rejected: 1 without a valid end time' });
    expect(a.contentType).toBe('application/x-protobuf');
    expect(decodeExportResponse(a.body as Uint8Array)).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: '1 span rejected: 1 without a valid end time' },
    });
    expect((exportAnswer('protobuf', { rejectedSpans: 0, errorMessage: '' }).body as Uint8Array).length).toBe(0);
    expect(exportAnswer('json').body).toBe('{}');
  });
});
