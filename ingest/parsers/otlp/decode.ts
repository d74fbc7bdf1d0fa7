// Decodes an OTLP/HTTP trace export body (`POST /v1/traces`: an
// ExportTraceServiceRequest as protobuf or as JSON, possibly gzipped) into
// the OTLP/JSON form the span collector reads (shape.ts). Protobuf goes
// through protobufjs with the official OTLP definitions (proto/, loaded from
// their generated descriptor.json); nothing here parses the wire by hand.
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs/light.js';
import descriptor from './proto/descriptor.json';
import type { OtlpAnyValue, OtlpKeyValue, OtlpResourceSpans, OtlpSpan, OtlpTracesData } from './shape';

/** A body that is not an OTLP trace export: the receiver answers 400 with its message. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

/** A gzip body that inflates past the limit: too large (413) rather than malformed. */
export class OtlpTooLargeError extends OtlpDecodeError {
  override name = 'OtlpTooLargeError';
}

/** The OTLP trace definitions; response.ts encodes the receiver's answers with them. */
export const otlpRoot = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const ExportTraceServiceRequest = otlpRoot.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

export type OtlpEncoding = 'protobuf' | 'json';

/** The encoding a Content-Type names (OTLP/HTTP: application/x-protobuf or application/json), parameters ignored. */
export function encodingOf(contentType: string): OtlpEncoding | undefined {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

export interface DecodeOptions {
  /** Largest body accepted after gunzip (default 64 MiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 64 << 20;

/**
 * The export request in `body`, as OTLP/JSON. A gzip body (told by its magic
 * bytes, whatever Content-Encoding said) is inflated first. Throws
 * OtlpDecodeError naming what is wrong; never returns partial data.
 */
export function decodeTraceRequest(body: Buffer, contentType: string, opts: DecodeOptions = {}): OtlpTracesData {
  const encoding = encodingOf(contentType);
  if (!encoding) {
    throw new OtlpDecodeError(`unsupported content type "${contentType}": OTLP/HTTP takes application/x-protobuf or application/json`);
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const raw = inflate(body, maxBytes);
  return encoding === 'protobuf' ? fromProtobuf(raw) : fromJson(raw);
}

function inflate(body: Buffer, maxBytes: number): Buffer {
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) {
    try {
      return gunzipSync(body, { maxOutputLength: maxBytes });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new OtlpTooLargeError(`gzip body inflates past ${maxBytes} bytes`);
      throw new OtlpDecodeError(`corrupt gzip body: ${(e as Error).message}`);
    }
  }
  if (body.length > maxBytes) throw new OtlpTooLargeError(`body of ${body.length} bytes is larger than ${maxBytes}`);
  return body;
}

function fromJson(raw: Buffer): OtlpTracesData {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new OtlpDecodeError(`malformed OTLP JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError('malformed OTLP JSON: an ExportTraceServiceRequest is an object');
  }
  const spans = (value as { resourceSpans?: unknown }).resourceSpans;
  if (spans !== undefined && !Array.isArray(spans)) {
    throw new OtlpDecodeError('malformed OTLP JSON: "resourceSpans" is not an array');
  }
  return value as OtlpTracesData;
}

// ------------------------------------------------------------ protobuf -> OTLP/JSON

/** What protobufjs' toObject gives for the request (camelCase names; bytes as Uint8Array; 64-bit as strings). */
interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key?: string;
  value?: PbAnyValue;
}
interface PbSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: PbKeyValue[];
  status?: { code?: number; message?: string };
}
interface PbRequest {
  resourceSpans?: {
    resource?: { attributes?: PbKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: PbSpan[] }[];
  }[];
}

function fromProtobuf(raw: Buffer): OtlpTracesData {
  let msg: protobuf.Message;
  try {
    msg = ExportTraceServiceRequest.decode(raw);
  } catch (e) {
    throw new OtlpDecodeError(`malformed OTLP protobuf (${raw.length} bytes): ${(e as Error).message}`);
  }
  const obj = ExportTraceServiceRequest.toObject(msg, { longs: String, enums: Number }) as PbRequest;
  return {
    resourceSpans: (obj.resourceSpans ?? []).map(
      (rs): OtlpResourceSpans => ({
        ...(rs.resource ? { resource: { attributes: (rs.resource.attributes ?? []).map(keyValue) } } : {}),
        scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
          ...(ss.scope ? { scope: { name: ss.scope.name ?? '', version: ss.scope.version ?? '' } } : {}),
          spans: (ss.spans ?? []).map(span),
        })),
      }),
    ),
  };
}

const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : '');

function span(s: PbSpan): OtlpSpan {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    parentSpanId: hex(s.parentSpanId),
    name: s.name ?? '',
    kind: s.kind ?? 0,
    startTimeUnixNano: s.startTimeUnixNano ?? '0',
    endTimeUnixNano: s.endTimeUnixNano ?? '0',
    attributes: (s.attributes ?? []).map(keyValue),
    ...(s.status ? { status: { code: s.status.code ?? 0, ...(s.status.message ? { message: s.status.message } : {}) } } : {}),
  };
}

function keyValue(kv: PbKeyValue): OtlpKeyValue {
  return { key: kv.key ?? '', value: kv.value ? anyValue(kv.value) : {} };
}

function anyValue(v: PbAnyValue): OtlpAnyValue {
  if (v.stringValue !== undefined) return { stringValue: v.stringValue };
  if (v.boolValue !== undefined) return { boolValue: v.boolValue };
  if (v.intValue !== undefined) return { intValue: v.intValue };
  if (v.doubleValue !== undefined) return { doubleValue: v.doubleValue };
  if (v.arrayValue !== undefined) return { arrayValue: { values: (v.arrayValue.values ?? []).map(anyValue) } };
  if (v.kvlistValue !== undefined) return { kvlistValue: { values: (v.kvlistValue.values ?? []).map(keyValue) } };
  if (v.bytesValue !== undefined) return { bytesValue: Buffer.from(v.bytesValue).toString('base64') };
  return {};
}
