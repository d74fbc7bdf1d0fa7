// One OTLP/JSON span cut down to what the collector keeps: ids as lowercase
// hex, times as microseconds, the kind by name, an error flag and only the
// attributes of SPAN_ATTRIBUTES, so memory grows with spans, not with their
// payload. Reads untrusted values and reports what it had to drop.
import type { Micros, SpanKindName } from '../../../lib/model';
import { fromUnixNanos, fromUnixNanosString } from '../../../lib/time';
import { detach } from '../lines';
import { SPAN_ATTRIBUTES } from './probes';

export interface LiteSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  service?: string;
  start: Micros;
  /** Absent when the span has no usable end (missing, zero, before its start). */
  end?: Micros;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
  line?: number;
}

/** What reading one span found wrong, besides the span itself being unusable. */
export interface SpanFlaws {
  unknownAttributeTypes: number;
  oversizedValues: number;
}

/** A kept attribute string longer than this is dropped: kubelet attributes are short, a longer one is not what the rows expect. */
export const MAX_ATTRIBUTE_CHARS = 1024;
/** Span names past this are cut: real ones are gRPC method names. */
const MAX_NAME_CHARS = 256;

const KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const KEPT = new Set(SPAN_ATTRIBUTES);
const VALUE_KEYS = new Set(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A trace (16 bytes) or span (8 bytes) id in hex, or base64 as some writers put it, as lowercase hex; undefined when invalid or all zero. */
export function normalizeId(v: unknown, bytes: 8 | 16): string | undefined {
  if (typeof v !== 'string') return undefined;
  let hex: string | undefined;
  if (v.length === bytes * 2 && HEX.test(v)) hex = v.toLowerCase();
  else if (v.length === Math.ceil(bytes / 3) * 4 && BASE64.test(v)) {
    const buf = Buffer.from(v, 'base64');
    if (buf.length === bytes) hex = buf.toString('hex');
  }
  return hex && !/^0+$/.test(hex) ? hex : undefined;
}

/** Unix nanoseconds (decimal string or number) to microseconds; undefined when missing, zero or not a time. */
export function nanosToMicros(v: unknown): Micros | undefined {
  let us: Micros | undefined;
  if (typeof v === 'string') us = fromUnixNanosString(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) us = fromUnixNanos(v);
  return us === undefined || us <= 0 ? undefined : us;
}

function kindOf(v: unknown): SpanKindName {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < KINDS.length) return KINDS[v];
  if (typeof v === 'string') {
    const name = v.replace(/^SPAN_KIND_/, '').toLowerCase() as SpanKindName;
    if (KINDS.includes(name)) return name;
  }
  return 'unspecified';
}

function statusIsError(v: unknown): boolean {
  if (!isObject(v)) return false;
  return v.code === 2 || v.code === 'STATUS_CODE_ERROR';
}

/** The scalar an attribute value holds, for a kept attribute; undefined for anything else. */
function scalar(value: Record<string, unknown>, flaws: SpanFlaws): string | number | boolean | undefined {
  if (typeof value.stringValue === 'string') {
    if (value.stringValue.length > MAX_ATTRIBUTE_CHARS) {
      flaws.oversizedValues++;
      return undefined;
    }
    return detach(value.stringValue);
  }
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (typeof value.doubleValue === 'number') return value.doubleValue;
  if (typeof value.intValue === 'number' && Number.isSafeInteger(value.intValue)) return value.intValue;
  if (typeof value.intValue === 'string' && /^-?\d{1,15}$/.test(value.intValue)) return Number(value.intValue);
  return undefined;
}

/** Reads the attributes list: keeps those of SPAN_ATTRIBUTES, counts values of no OTLP type. */
export function readAttributes(list: unknown, flaws: SpanFlaws): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.key !== 'string') {
      flaws.unknownAttributeTypes++;
      continue;
    }
    const value = kv.value;
    // An empty AnyValue is valid OTLP ("no value"); anything else must hold a known field.
    if (value !== undefined && (!isObject(value) || (Object.keys(value).length > 0 && !Object.keys(value).some((k) => VALUE_KEYS.has(k))))) {
      flaws.unknownAttributeTypes++;
      continue;
    }
    if (!value || !KEPT.has(kv.key)) continue;
    const v = scalar(value, flaws);
    if (v !== undefined) out[SPAN_ATTRIBUTES.find((k) => k === kv.key)!] = v;
  }
  return out;
}

/** The resource's `service.name`. */
export function serviceName(resource: unknown): string | undefined {
  if (!isObject(resource) || !Array.isArray(resource.attributes)) return undefined;
  for (const kv of resource.attributes) {
    if (isObject(kv) && kv.key === 'service.name' && isObject(kv.value) && typeof kv.value.stringValue === 'string') {
      return kv.value.stringValue.slice(0, MAX_NAME_CHARS);
    }
  }
  return undefined;
}

/**
 * One span, or undefined when its trace id, span id or start time is
 * unusable (the caller counts it). `intern` shares the strings that repeat.
 */
export function readSpan(
  raw: unknown,
  service: string | undefined,
  line: number | undefined,
  flaws: SpanFlaws,
  intern: (s: string) => string,
): LiteSpan | undefined {
  if (!isObject(raw)) return undefined;
  const traceId = normalizeId(raw.traceId, 16);
  const spanId = normalizeId(raw.spanId, 8);
  const start = nanosToMicros(raw.startTimeUnixNano);
  if (!traceId || !spanId || start === undefined) return undefined;
  const parentSpanId = normalizeId(raw.parentSpanId, 8);
  const end = nanosToMicros(raw.endTimeUnixNano);
  const attributes = readAttributes(raw.attributes, flaws);
  const grpcCode = attributes['rpc.grpc.status_code'];
  const name = typeof raw.name === 'string' ? intern(raw.name.slice(0, MAX_NAME_CHARS)) : '';
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: kindOf(raw.kind),
    ...(service !== undefined ? { service: intern(service) } : {}),
    start,
    ...(end !== undefined && end >= start ? { end } : {}),
    error: statusIsError(raw.status) || (typeof grpcCode === 'number' && grpcCode !== 0),
    attributes,
    ...(line !== undefined ? { line } : {}),
  };
}
