// The OTLP trace file reader, the public entry of ingest/parsers/otlp for
// files: JSON lines as the OpenTelemetry Collector's file exporter writes
// them (one TracesData document a line), plain or gzip, streamed. Each line
// goes to a SpanCollector; several files (a host's rotated exports) can feed
// one collector before it resolves pods and probes.
import type { TraceResult } from '../../../lib/model';
import { maybeGunzip } from '../kubelet/gunzip';
import { SpanCollector, type FinishOptions } from './collector';

export interface ReadTraceOptions {
  /** Named in warnings. */
  file: string;
  /** Longer lines are skipped (default 64 MiB: a collector batch can hold many thousand spans). */
  maxLineBytes?: number;
}

const DEFAULT_MAX_LINE_BYTES = 64 << 20;
const LF = 0x0a;

/**
 * Feeds every line of one trace file to `collector`; never throws on bad
 * input. Returns the lines read, those skipped (not JSON, not an object,
 * oversized: the collector counts them for its warnings too) and the spans kept.
 */
export async function readTraceLines(
  input: AsyncIterable<Buffer>,
  collector: SpanCollector,
  opts: ReadTraceOptions,
): Promise<{ lines: number; skipped: number; spans: number }> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const source = maybeGunzip(input);
  let lines = 0;
  let skipped = 0;
  let spans = 0;
  let parts: Buffer[] = [];
  let pending = 0;
  let oversized = false;

  const line = (parts: Buffer[]) => {
    lines++;
    const where = { file: opts.file, line: lines };
    if (oversized) {
      skipped++;
      collector.tally('oversized', where);
      return;
    }
    const text = Buffer.concat(parts).toString('utf8').trim();
    if (text === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('resourceSpans' in doc)) {
      skipped++;
      collector.tally('unreadable', where);
      return;
    }
    spans += collector.add(doc, where);
  };

  const take = (chunk: Buffer) => {
    if (oversized) return;
    pending += chunk.length;
    if (pending > maxLineBytes) {
      oversized = true;
      parts = [];
    } else parts.push(chunk);
  };

  try {
    for await (const chunk of source.chunks) {
      let start = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, start)) {
        take(chunk.subarray(start, i));
        line(parts);
        parts = [];
        pending = 0;
        oversized = false;
        start = i + 1;
      }
      // A copy, so the carried tail does not pin the whole chunk.
      if (start < chunk.length) take(Buffer.from(chunk.subarray(start)));
    }
  } catch (e) {
    collector.note({ file: opts.file, message: `read error, kept what was read: ${(e as Error).message}` });
  }
  if (pending > 0 || oversized) line(parts);
  const gz = source.error();
  if (gz) collector.note({ file: opts.file, message: gz });
  return { lines, skipped, spans };
}

/** Reads one trace file and resolves its pods and probes. */
export async function readTraceFile(input: AsyncIterable<Buffer>, opts: ReadTraceOptions & FinishOptions): Promise<TraceResult> {
  const collector = new SpanCollector();
  const { lines, skipped } = await readTraceLines(input, collector, opts);
  return { ...collector.finish(opts), lines, skipped };
}
