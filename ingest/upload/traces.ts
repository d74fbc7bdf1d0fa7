// The traces receiver's work behind POST /api/v1/jobs/J/builds/N/traces: a
// CI job's collector exports spans while the build runs, before the build
// exists here. So each export request is decoded, its unusable spans are
// rejected (counted for the OTLP partial-success answer), and the rest is
// appended as one OTLP JSON line to the build's received spans per host
// (store.ts); ingest reads those files with the build whenever it is
// ingested, uploaded or reingested. When the build already exists it is
// re-ingested by the one writer (operation `traces`, ingest/writer), so its
// probes include the new spans and no reader ever sees it half written.
import fs from 'node:fs';
import type { BuildId } from '../../lib/build-id';
import type { DB } from '../../lib/db/open';
import { SelectionError } from '../../lib/queries/errors';
import { reingest, type Reingested } from '../reingest';
import { decodeTraceRequest } from '../parsers/otlp/decode';
import { readSpan } from '../parsers/otlp/lite';
import type { OtlpResourceSpans, OtlpTracesData } from '../parsers/otlp/shape';
import { appendTraceLine, keptTraceFiles, UNKNOWN_HOST } from './store';

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
  /** The files appended to, one per host, with their size after the append. */
  files: { path: string; size: number }[];
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
  const files = [...byHost].map(([host, resourceSpans]) => {
    const path = appendTraceLine(x.uploadsDir, x.job, x.build, host, JSON.stringify({ resourceSpans }));
    return { path, size: fs.statSync(path).size };
  });
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

export interface TraceReingestRequest {
  job: string;
  build: BuildId;
  uploadsDir: string;
  /** The received files a request appended to, each with its size after the append. */
  files: { path: string; size: number }[];
}

export type TraceReingest =
  | { outcome: 'reingested'; reingested: Reingested }
  | { outcome: 'no build yet' }
  | { outcome: 'already read' };

/** How far each received file had been read into its build by this writer: a pass that read a request's spans serves the requests queued behind it. */
const readUpTo = new Map<string, number>();

/**
 * The writer's operation for received spans: re-ingests the build with them
 * when it exists, unless an earlier pass already read every byte this
 * request appended. Runs after every write queued before it (an upload of
 * the same build included).
 */
export async function reingestWithTraces(db: DB, r: TraceReingestRequest): Promise<TraceReingest> {
  if (r.files.every((f) => (readUpTo.get(f.path) ?? -1) >= f.size)) return { outcome: 'already read' };
  // Sizes before reading: whatever the pass reads, it reads at least this much.
  const sizes = keptTraceFiles(r.uploadsDir, r.job, r.build).map((f) => [f.path, fs.statSync(f.path).size] as const);
  let reingested: Reingested;
  try {
    reingested = await reingest(db, r.job, r.build, { uploadsDir: r.uploadsDir });
  } catch (e) {
    if (e instanceof SelectionError) return { outcome: 'no build yet' };
    throw e;
  }
  if (reingested.results.some((b) => b.outcome !== 'failed')) for (const [file, size] of sizes) readUpTo.set(file, Math.max(readUpTo.get(file) ?? 0, size));
  return { outcome: 'reingested', reingested };
}
