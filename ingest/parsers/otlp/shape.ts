// The in-memory form of OTLP trace data that the span collector consumes:
// OTLP/JSON (the JSON mapping of ExportTraceServiceRequest / TracesData, as
// the Collector's file exporter writes one per line and OTLP/HTTP JSON clients
// post). Decoded protobuf requests are turned into the same form (decode.ts).
// Everything is optional: input is untrusted and read defensively.

/** `AnyValue`: exactly one of these in valid data. */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64: a decimal string in OTLP/JSON, a number from some writers. */
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  /** base64 */
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key?: string;
  value?: OtlpAnyValue;
}

export interface OtlpSpan {
  /** Hex (OTLP/JSON); base64 from writers that use the plain protobuf JSON mapping. */
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  /** Enum number, or its name (`SPAN_KIND_CLIENT`). */
  kind?: number | string;
  /** fixed64 Unix nanoseconds: a decimal string, or a number. */
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number | string; message?: string };
}

export interface OtlpScopeSpans {
  scope?: { name?: string; version?: string };
  spans?: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: OtlpScopeSpans[];
  /** The same list under its name before OTLP 0.15 (collectors before v0.49 wrote it). */
  instrumentationLibrarySpans?: OtlpScopeSpans[];
}

/** `ExportTraceServiceRequest` / `TracesData`. */
export interface OtlpTracesData {
  resourceSpans?: OtlpResourceSpans[];
}
