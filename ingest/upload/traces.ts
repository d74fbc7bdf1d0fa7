// The traces receiver's work behind POST /api/v1/jobs/J/builds/N/traces: a
// CI job's collector exports spans while the build runs, before the build
// exists here. So each export request is decoded, its unusable spans are
// rejected (counted for the OTLP partial-success answer), and the rest is
// appended as one OTLP JSON line to the build's received spans per host
// (store.ts); ingest reads those files with the build whenever it is
// ingested, uploaded or reingested. When the build already exists it is
// re-ingested through the one-writer queue, so its probes include the new
// spans and no reader ever sees it half written.
import type { BuildId } from '../../lib/build-id';
import type { DB } from '../../lib/db/open';
import { SelectionError } from '../../lib/queries/errors';
import { reingest, type Reingested } from '../ingest';
import { decodeTraceRequest } from '../parsers/otlp/decode';
import { readSpan } from '../parsers/otlp/lite';
import type { OtlpResourceSpans, OtlpTracesData } from '../parsers/otlp/shape';
import { writerQueue } from './queue';
import { appendTraceLine, UNKNOWN_HOST } from './store';

export interface TraceExport {
  job: string;
  build: BuildId;
  body: Buffer;
  contentType: string;
  uploadsDir: string;
  /** Largest body after gunzip. */
  maxInflatedBytes: number;
}

export interface KeptExport {
  /** Spans written for the build. */
  accepted: number;
  rejected: number;
  /** Why spans were rejected; empty when none were. */
  message: string;
  /** The files appended to, one per host. */
  files: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The resource's `host.name`: the node the kubelet (or containerd) runs on. */
function hostOf(rs: OtlpResourceSpans): string | undefined {
  for (const kv of rs.resource?.attributes ?? []) {
    if (kv?.key === 'host.name' && typeof kv.value?.stringValue === 'string' && kv.value.stringValue) return kv.value.stringValue;
  }
  return undefined;
}

/**
 * Decodes one export request and keeps its usable spans; throws
 * OtlpDecodeError (OtlpTooLargeError) for a body that is not an export
 * request (or inflates past the limit), keeping nothing.
 */
export function keepTraceExport(x: TraceExport): KeptExport {
  const doc: OtlpTracesData = decodeTraceRequest(x.body, x.contentType, { maxBytes: x.maxInflatedBytes });
  const byHost = new Map<string, OtlpResourceSpans[]>();
  let accepted = 0;
  let malformed = 0;
  let noEnd = 0;
  const flaws = { unknownAttributeTypes: 0, oversizedValues: 0 };
  for (const rs of Array.isArray(doc.resourceSpans) ? doc.resourceSpans : []) {
    if (!isObject(rs)) continue;
    const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
    const kept: NonNullable<OtlpResourceSpans['scopeSpans']> = [];
    for (const ss of scopes) {
      if (!isObject(ss)) continue;
      const spans = (Array.isArray(ss.spans) ? ss.spans : []).filter((raw) => {
        const s = readSpan(raw, undefined, undefined, flaws, (v) => v);
        if (!s) malformed++;
        else if (s.end === undefined) noEnd++;
        return s?.end !== undefined;
      });
      if (spans.length) kept.push({ ...(ss.scope ? { scope: ss.scope } : {}), spans });
      accepted += spans.length;
    }
    if (!kept.length) continue;
    const host = hostOf(rs) ?? UNKNOWN_HOST;
    const list = byHost.get(host) ?? [];
    list.push({ ...(rs.resource ? { resource: rs.resource } : {}), scopeSpans: kept });
    byHost.set(host, list);
  }
  const files = [...byHost].map(([host, resourceSpans]) =>
    appendTraceLine(x.uploadsDir, x.job, x.build, host, JSON.stringify({ resourceSpans })),
  );
  const why = [
    malformed ? `${malformed} without a valid trace id, span id or start time` : '',
    noEnd ? `${noEnd} without a valid end time` : '',
  ].filter(Boolean);
  return {
    accepted,
    rejected: malformed + noEnd,
    message: why.length ? `${malformed + noEnd} ${malformed + noEnd === 1 ? 'span' : 'spans'} rejected: ${why.join(', ')}` : '',
    files,
  };
}

const g = globalThis as unknown as { __kpdTraceReingests?: Set<string> };

/** Builds with a re-ingest queued and not yet started: one pass reads every span kept before it starts. */
function queued(): Set<string> {
  if (!g.__kpdTraceReingests) g.__kpdTraceReingests = new Set();
  return g.__kpdTraceReingests;
}

export type TraceReingest = { outcome: 'reingested'; reingested: Reingested } | { outcome: 'no build yet' } | { outcome: 'already queued' };

/**
 * Re-ingests the build with its received spans, after every write queued
 * before (an upload of the same build included), when it exists by then.
 * Calls made while one is still waiting share it.
 */
export function reingestWithTraces(db: DB, job: string, build: BuildId, uploadsDir: string): Promise<TraceReingest> {
  const key = `${job}\0${build}`;
  const pending = queued();
  if (pending.has(key)) return Promise.resolve({ outcome: 'already queued' });
  pending.add(key);
  return writerQueue().run(async (): Promise<TraceReingest> => {
    pending.delete(key);
    try {
      return { outcome: 'reingested', reingested: await reingest(db, job, build, { uploadsDir }) };
    } catch (e) {
      if (e instanceof SelectionError) return { outcome: 'no build yet' };
      throw e;
    }
  });
}
