// What an OTLP/HTTP receiver answers (the OTLP specification, "OTLP/HTTP
// Response"), in the encoding of the request: an ExportTraceServiceResponse
// on success, with `partialSuccess` when some spans were rejected; a
// google.rpc.Status on failure. Protobuf goes through protobufjs with the
// same OTLP definitions the decoder uses.
import protobuf from 'protobufjs/light.js';
import { otlpRoot, type OtlpEncoding } from './decode';

const ExportTraceServiceResponse = otlpRoot.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

// google.rpc.Status as googleapis' google/rpc/status.proto numbers its fields;
// `details` (3, repeated google.protobuf.Any) is left out: this receiver sends none.
const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);

/** gRPC status codes the receiver's failures carry (the specification leaves `code` optional; clients may log it). */
export const RPC_CODES = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface OtlpAnswer {
  body: Uint8Array | string;
  contentType: string;
}

const CONTENT_TYPE: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** The success answer; `rejected` spans (with why) make it a partial success. */
export function exportAnswer(encoding: OtlpEncoding, partial?: { rejectedSpans: number; errorMessage: string }): OtlpAnswer {
  const p = partial && (partial.rejectedSpans > 0 || partial.errorMessage) ? partial : undefined;
  if (encoding === 'protobuf') {
    const msg = ExportTraceServiceResponse.fromObject(p ? { partialSuccess: p } : {});
    return { body: ExportTraceServiceResponse.encode(msg).finish(), contentType: CONTENT_TYPE.protobuf };
  }
  // Protobuf's JSON mapping writes int64 as a decimal string.
  const json = p ? { partialSuccess: { rejectedSpans: String(p.rejectedSpans), errorMessage: p.errorMessage } } : {};
  return { body: JSON.stringify(json), contentType: CONTENT_TYPE.json };
}

/**
 * A failure's body: a Status with the message. The JSON form also carries
 * `error`, the field every other answer of this API uses for its message
 * (OTLP/JSON readers ignore fields they do not know).
 */
export function statusAnswer(encoding: OtlpEncoding, code: number, message: string): OtlpAnswer {
  if (encoding === 'protobuf') {
    return { body: Status.encode(Status.fromObject({ code, message })).finish(), contentType: CONTENT_TYPE.protobuf };
  }
  return { body: JSON.stringify({ code, message, error: message }), contentType: CONTENT_TYPE.json };
}

/** Reads a Status body (for tests and clients of this receiver). */
export function decodeStatus(body: Uint8Array): { code: number; message: string } {
  const o = Status.toObject(Status.decode(body), { defaults: true }) as { code: number; message: string };
  return { code: o.code, message: o.message };
}

/** Reads an ExportTraceServiceResponse body. */
export function decodeExportResponse(body: Uint8Array): { partialSuccess?: { rejectedSpans: string; errorMessage: string } } {
  return ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(body), { longs: String }) as {
    partialSuccess?: { rejectedSpans: string; errorMessage: string };
  };
}
