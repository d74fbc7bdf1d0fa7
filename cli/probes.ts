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

/** toIso for times in time order: the date and hour are formatted once per hour. */
export function isoInOrder(): (us: number) => string {
  let hour = NaN;
  let prefix = '';
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return (us) => {
    const s = Math.floor(us / 1e6);
    const h = Math.floor(s / 3600);
    if (h !== hour) {
      hour = h;
      prefix = new Date(h * 3_600_000).toISOString();
      // `YYYY-MM-DDTHH:`; years beyond four digits are left to toIso.
      prefix = prefix.length === 24 ? prefix.slice(0, 14) : '';
    }
    if (!prefix) return toIso(us);
    const inHour = s - h * 3600;
    return `${prefix}${pad(Math.floor(inHour / 60), 2)}:${pad(inHour % 60, 2)}.${pad(us - s * 1e6, 6)}Z`;
  };
}

/**
 * `{"events":[…]}` of a whole log, written a slice of events at a time; each
 * event as JSON.stringify({ pod, uid, probe, time }) writes it, the pods',
 * uids' and probes' JSON made once each.
 */
async function writeEventsJson(events: readonly ProbeEvent[], out: Sink, drained: () => Promise<void>): Promise<void> {
  const json = new Map<string, string>();
  const quoted = (v: string) => {
    let q = json.get(v);
    if (q === undefined) json.set(v, (q = JSON.stringify(v)));
    return q;
  };
  const iso = isoInOrder();
  out('{"events":[');
  for (let i = 0; i < events.length; i += EVENTS_PER_WRITE) {
    const part: string[] = [];
    for (const e of events.slice(i, i + EVENTS_PER_WRITE)) {
      const pod = e.pod === undefined ? '' : `"pod":${quoted(e.pod)},`;
      part.push(`{${pod}"uid":${e.uid === undefined ? 'null' : quoted(e.uid)},"probe":${quoted(e.probe)},"time":"${iso(e.time)}"}`);
    }
    // A pipe takes what it can; wait for it rather than queue the rest of the log in memory.
    if (out((i > 0 ? ',' : '') + part.join(',')) === false) await drained();
  }
  out(']}\n');
}

/** Offset of each event from the first probe of its pod instance, ms. */
function offsetsMs(events: readonly ProbeEvent[]): number[] {
  const first = new Map<number, number>();
  for (const e of events) if (!first.has(e.instance)) first.set(e.instance, e.time);
  return events.map((e) => (e.time - first.get(e.instance)!) / 1000);
}

/** Where output goes; false: it is full for now (a stream's write), wait for `drained`. */
export type Sink = (s: string) => unknown;

export async function probesCommand(
  file: string,
  opts: ProbesCommandOptions,
  out: Sink,
  err: (s: string) => void = (s) => process.stderr.write(s),
  drained: () => Promise<void> = () => Promise.resolve(),
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
    if (opts.json) await writeEventsJson(events, out, drained);
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
