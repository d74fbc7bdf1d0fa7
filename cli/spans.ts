// `kpd spans FILE [--pod NS/NAME]`: the span probes found in one OTLP trace
// file (the Collector file exporter's JSON lines, plain or .gz), as
// `kpd probes` prints those of a kubelet log; or one pod followed through it:
// its probes, then its spans nested as a waterfall would draw them.
import fs from 'node:fs';
import { readTraceFile } from '../ingest/parsers/otlp/reader';
import type { PodSpan, ProbeEvent } from '../lib/model';
import { toIso } from '../lib/time';
import { table } from './output';

export interface SpansCommandOptions {
  pod?: string;
  json: boolean;
}

const ms = (us: number) => (us / 1000).toFixed(3);

export async function spansCommand(
  file: string,
  opts: SpansCommandOptions,
  out: (s: string) => void,
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    err(`kpd spans: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  if (opts.pod !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(opts.pod)) {
    err(`kpd spans: --pod wants NAMESPACE/NAME, got "${opts.pod}"\n`);
    return 1;
  }
  const result = await readTraceFile(fs.createReadStream(file), { file, includeSystemPods: opts.pod !== undefined });
  for (const w of result.warnings) err(`warning: ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}\n`);

  if (opts.pod === undefined) {
    const events = result.events;
    if (opts.json) {
      out(JSON.stringify({ events: events.map((e) => ({ pod: e.pod, uid: e.uid ?? null, probe: e.probe, time: toIso(e.time) })) }) + '\n');
    } else {
      out(table([['TIME', 'POD', 'PROBE', 'UID'], ...events.map((e) => [toIso(e.time), e.pod ?? '', e.probe, e.uid ?? ''])]) + '\n');
    }
    return 0;
  }

  const events = result.events.filter((e) => e.pod === opts.pod).sort((a, b) => a.instance - b.instance || a.time - b.time);
  const spans = result.spans.filter((s) => s.pod === opts.pod);
  if (events.length === 0 && spans.length === 0) {
    err(`kpd spans: no spans for pod ${opts.pod} in ${file}\n`);
    return 1;
  }
  const origin = new Map<number, number>();
  for (const s of spans) origin.set(s.instance, Math.min(origin.get(s.instance) ?? Infinity, s.start));
  const offset = (instance: number, t: number) => (t - (origin.get(instance) ?? t)) / 1000;
  if (opts.json) {
    out(
      JSON.stringify({
        events: events.map((e: ProbeEvent) => ({
          pod: e.pod,
          uid: e.uid ?? null,
          instance: e.instance,
          probe: e.probe,
          time: toIso(e.time),
          line: e.line ?? null,
          offsetMs: offset(e.instance, e.time),
        })),
        spans: spans.map((s: PodSpan) => ({
          instance: s.instance,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? null,
          name: s.name,
          kind: s.kind,
          service: s.service ?? null,
          depth: s.depth,
          start: toIso(s.start),
          end: toIso(s.end),
          durationMs: (s.end - s.start) / 1000,
          error: s.error,
          attributes: s.attributes,
        })),
      }) + '\n',
    );
    return 0;
  }
  out(
    table(
      [
        ['LINE', 'INSTANCE', 'PROBE', 'TIME', 'OFFSET_MS'],
        ...events.map((e) => [String(e.line ?? ''), String(e.instance), e.probe, toIso(e.time), offset(e.instance, e.time).toFixed(3)]),
      ],
      new Set([0, 1, 4]),
    ) + '\n\n',
  );
  out(
    table(
      [
        ['INSTANCE', 'START_MS', 'DURATION_MS', 'SPAN', 'SERVICE'],
        ...spans.map((s) => [
          String(s.instance),
          ms(s.start - (origin.get(s.instance) ?? s.start)),
          ms(s.end - s.start),
          `${'  '.repeat(s.depth)}${s.name}${s.error ? ' (error)' : ''}${typeof s.attributes['container.name'] === 'string' ? ` [${s.attributes['container.name']}]` : ''}`,
          s.service ?? '',
        ]),
      ],
      new Set([0, 1, 2]),
    ) + '\n',
  );
  return 0;
}
