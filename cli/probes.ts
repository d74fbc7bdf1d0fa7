// `kpd probes FILE [--pod NS/NAME] [--year YYYY]`: the tracing probes found in
// one kubelet log, or one pod followed through it (each probe with its line
// and its offset from the pod's first probe). The integrator wires this into
// bin/kpd; it writes to the given sinks and returns the exit code.
import fs from 'node:fs';
import { readKubeletLogFile } from '../ingest/parsers/kubelet/reader';
import type { ProbeEvent } from '../lib/model';
import { toIso } from '../lib/time';
import { table } from './output';

export interface ProbesCommandOptions {
  pod?: string;
  year?: number;
  json: boolean;
}

/** Events written per call of `out`: a log can hold hundreds of thousands, too many for one string. */
const EVENTS_PER_WRITE = 4096;

/** `{"events":[…]}` of a whole log, written a slice of events at a time. */
function writeEventsJson(events: readonly ProbeEvent[], out: (s: string) => void): void {
  out('{"events":[');
  for (let i = 0; i < events.length; i += EVENTS_PER_WRITE) {
    const part = events.slice(i, i + EVENTS_PER_WRITE).map((e) => JSON.stringify({ pod: e.pod, uid: e.uid ?? null, probe: e.probe, time: toIso(e.time) }));
    out((i > 0 ? ',' : '') + part.join(','));
  }
  out(']}\n');
}

/** Offset of each event from the first probe of its pod instance, ms. */
function offsetsMs(events: readonly ProbeEvent[]): number[] {
  const first = new Map<number, number>();
  for (const e of events) if (!first.has(e.instance)) first.set(e.instance, e.time);
  return events.map((e) => (e.time - first.get(e.instance)!) / 1000);
}

export async function probesCommand(
  file: string,
  opts: ProbesCommandOptions,
  out: (s: string) => void,
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    err(`kpd probes: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  if (opts.pod !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(opts.pod)) {
    err(`kpd probes: --pod wants NAMESPACE/NAME, got "${opts.pod}"\n`);
    return 1;
  }
  const result = await readKubeletLogFile(file, {
    file,
    ...(opts.year !== undefined ? { year: opts.year } : {}),
    // Following one pod by name: show it even when it is a system or static pod.
    includeSystemPods: opts.pod !== undefined,
  });
  for (const w of result.warnings) err(`warning: ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}\n`);

  if (opts.pod === undefined) {
    const events = result.events;
    if (opts.json) writeEventsJson(events, out);
    else {
      out(table([['TIME', 'POD', 'PROBE', 'UID'], ...events.map((e) => [toIso(e.time), e.pod ?? '', e.probe, e.uid ?? ''])]) + '\n');
    }
    return 0;
  }

  const events = result.events.filter((e) => e.pod === opts.pod).sort((a, b) => a.instance - b.instance || a.time - b.time);
  if (events.length === 0) {
    err(`kpd probes: no probes for pod ${opts.pod} in ${file}\n`);
    return 1;
  }
  const offsets = offsetsMs(events);
  if (opts.json) {
    out(
      JSON.stringify({
        events: events.map((e, i) => ({
          pod: e.pod,
          uid: e.uid ?? null,
          instance: e.instance,
          probe: e.probe,
          time: toIso(e.time),
          line: e.line ?? null,
          offset: e.offset ?? null,
          offsetMs: offsets[i],
        })),
      }) + '\n',
    );
  } else {
    out(
      table(
        [
          ['LINE', 'INSTANCE', 'PROBE', 'TIME', 'OFFSET_MS'],
          ...events.map((e, i) => [String(e.line ?? ''), String(e.instance), e.probe, toIso(e.time), offsets[i].toFixed(3)]),
        ],
        new Set([0, 1, 4]),
      ) + '\n',
    );
  }
  return 0;
}
