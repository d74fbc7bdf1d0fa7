// `kpd probes FILE [--pod NS/NAME] [--year YYYY] [--test-pods]`: the tracing
// probes found in one kubelet log, every pod's (kube-system and static pods
// too: a tracer shows what the log says; --test-pods narrows to the pods a
// test ran and says what it left out), or one pod followed through it (each
// probe with its line and its offset from the pod's first probe). An OTLP
// trace file is read as `kpd spans` reads it. It writes to the given sinks
// and returns the exit code.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { readKubeletLogFile } from '../ingest/parsers/kubelet/reader';
import type { KubeletPod, ProbeEvent } from '../lib/model';
import { toIso } from '../lib/time';
import { plural, table } from './output';
import { spansCommand } from './spans';

export interface ProbesCommandOptions {
  pod?: string;
  year?: number;
  /** Only the pods a test ran: leave out kube-system, cAdvisor and static pods (as ingest does). */
  testPods?: boolean;
  json: boolean;
}

/** Bytes enough to see how a file starts. */
const SNIFF_BYTES = 4096;

/** The first bytes of a file, inflated when it is gzip. */
async function head(file: string): Promise<string> {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(SNIFF_BYTES);
  let n: number;
  try {
    n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  const bytes = buf.subarray(0, n);
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes.toString('utf8');
  const gz = fs.createReadStream(file).pipe(zlib.createGunzip());
  try {
    for await (const chunk of gz) return (chunk as Buffer).subarray(0, SNIFF_BYTES).toString('utf8');
  } catch {
    // A broken gzip is the kubelet reader's to report.
  } finally {
    gz.destroy();
  }
  return '';
}

/** The OpenTelemetry Collector's file exporter writes one `{"resourceSpans":…}` document a line. */
const isOtlpTraces = (start: string) => /^\s*\{\s*"resourceSpans"\s*:/.test(start);

/** Pods --test-pods leaves out, and what they are. */
function leftOutNote(pods: readonly KubeletPod[], events: number): string {
  const names = [...new Set(pods.map((p) => p.pod))];
  const system = new Set(pods.filter((p) => p.system).map((p) => p.pod)).size;
  const stat = new Set(pods.filter((p) => p.static && !p.system).map((p) => p.pod)).size;
  const kinds = [system ? `${system} kube-system or cAdvisor` : '', stat ? `${stat} static` : ''].filter(Boolean).join(', ');
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length - 5} more)` : '');
  return `kpd probes: --test-pods left out ${plural(names.length, 'pod')} (${kinds}) with ${plural(events, 'probe event')}: ${shown}\n`;
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
  if (isOtlpTraces(await head(file))) {
    err(`kpd probes: ${file} is an OTLP trace file: its span probes, as kpd spans reads them\n`);
    return spansCommand(file, { ...(opts.pod !== undefined ? { pod: opts.pod } : {}), json: opts.json }, out, err);
  }
  const result = await readKubeletLogFile(file, {
    file,
    ...(opts.year !== undefined ? { year: opts.year } : {}),
    includeSystemPods: true,
  });
  for (const w of result.warnings) err(`warning: ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}\n`);

  if (opts.pod === undefined) {
    let events = result.events;
    if (opts.testPods) {
      const others = result.pods.filter((p) => p.system || p.static);
      const key = (pod: string | undefined, instance: number) => `${pod}#${instance}`;
      const leftOut = new Set(others.map((p) => key(p.pod, p.instance)));
      const kept = events.filter((e) => !leftOut.has(key(e.pod, e.instance)));
      if (others.length) err(leftOutNote(others, events.length - kept.length));
      events = kept;
    }
    if (opts.json) await writeEventsJson(events, out, drained);
    else if (!events.length) {
      out(
        result.pods.length
          ? `no probes of test pods in ${file}: its ${plural(result.pods.length, 'pod')} are kube-system, cAdvisor or static pods\n`
          : `no kubelet log lines in ${file}: none of its ${plural(result.lines, 'line')} is a kubelet pod lifecycle line ` +
              `(is it a kubelet log? the kubelet logs pod lifecycle at --v=2 and higher)\n`,
      );
    } else {
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
