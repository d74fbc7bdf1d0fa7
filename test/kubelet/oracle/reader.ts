// THE ORACLE: ingest/parsers/kubelet as it was before the byte-level reader
// (commit b2a8c28), copied unchanged into the test tree (this folder), so the
// fast reader can be checked against it line for line. Not used outside tests.
//
// The kubelet log reader, the public entry of ingest/parsers/kubelet: bytes
// (plain or gzip) in, tracing probe events per pod instance out. One pass,
// streaming: the scanner decodes only lines holding a marker of the probe
// table; events keep header-relative times until the end, when the year and
// the header clock offset are known (see time.ts).
import type { IngestWarning, KubeletLogResult, KubeletPod, Micros, PodStartup, ProbeEvent } from '../../../lib/model';
import { maybeGunzip } from './gunzip';
import { parseJsonLine } from './json';
import { parseKlogHeader, parseStructured } from './klog';
import { PodRegistry, keep, type PodInstance } from './pods';
import { stripPrefixes } from './prefix';
import { PROBE_RULES, allMarkers, scannerNeedles, type Match, type ProbeRule, type StartupFigures } from './probes';
import type { LogRecord } from './record';
import { LineScanner } from './scanner';
import {
  YearBumper,
  headerFromParts,
  lineTimeToMicros,
  resolveClock,
  type DatedFact,
  type HeaderTime,
  type LineTime,
} from './time';

export interface ReadKubeletLogOptions {
  /** Named in warnings. */
  file: string;
  /** Year of the log's first line, when the log has no dated line. */
  year?: number;
  /** The nearest dated fact of the build (e.g. started.json), used when the log has no dated line and no year is given. */
  reference?: Micros;
  /** Keep kube-system, cAdvisor and static pods in events and podStartups. */
  includeSystemPods?: boolean;
  /** Longer lines are skipped (default 256 KiB). */
  maxLineBytes?: number;
}

const DEFAULT_MAX_LINE_BYTES = 256 * 1024;
/** podStartSLOduration beyond a day, or negative, is the kubelet bug that logs -9.22e+09. */
const ABSURD_STARTUP_S = 86_400;

interface Candidate {
  rank: number;
  time: LineTime;
  line: number;
}

interface InstanceState {
  probes: Map<string, Candidate>;
  /** Matches so far of rules whose n-th match is the n-th probe. */
  sequence: Map<ProbeRule, number>;
  startup?: StartupFigures & { line: number };
}

interface PendingUid {
  uid: string;
  probe: string;
  candidate: Candidate;
}

const NEEDLES = scannerNeedles(PROBE_RULES);
const MARKERS = allMarkers(PROBE_RULES);

class KubeletLogReader {
  readonly registry = new PodRegistry();
  private readonly states = new Map<PodInstance, InstanceState>();
  private readonly bumper = new YearBumper();
  private readonly paired: DatedFact[] = [];
  private unpaired: DatedFact | undefined;
  private firstHeader: HeaderTime | undefined;
  private readonly pending: PendingUid[] = [];
  unreadable = 0;

  onLine(text: string, line: number): void {
    if (!MARKERS.some((m) => text.includes(m))) return;
    const body = stripPrefixes(text);
    let time: LineTime;
    let header: HeaderTime | undefined;
    let legacy: string | undefined;
    let rec: LogRecord | undefined;
    if (body.charCodeAt(0) === 0x7b) {
      const json = parseJsonLine(body);
      if (!json) {
        this.unreadable++;
        return;
      }
      if (json.at === undefined) return;
      rec = json.record;
      time = { abs: json.at };
      this.unpaired ??= { at: json.at };
    } else {
      const k = parseKlogHeader(body);
      if (!k) return;
      header = headerFromParts(k.month, k.day, k.hh, k.mm, k.ss, k.us, this.bumper.next(k.month));
      this.firstHeader ??= header;
      time = { header };
      if (k.message.charCodeAt(0) === 0x22) rec = parseStructured(k.message);
      else legacy = k.message;
    }
    for (const rule of PROBE_RULES) {
      if (!rule.markers.some((m) => body.includes(m))) continue;
      const m = legacy !== undefined ? rule.legacy?.(legacy) : rec ? rule.record?.(rec) : undefined;
      if (m) this.apply(rule, m, time, header, line);
    }
  }

  private apply(rule: ProbeRule, m: Match, lineTime: LineTime, header: HeaderTime | undefined, line: number): void {
    if (m.dated !== undefined) {
      if (header) this.paired.push({ at: m.dated, header });
      else this.unpaired ??= { at: m.dated };
    }
    const candidate: Candidate = { rank: rule.rank, time: m.at !== undefined ? { abs: m.at } : lineTime, line };
    const probe = m.probe ?? rule.probe;
    if (m.uidOnly !== undefined && typeof probe === 'string') {
      const inst = this.registry.byUidOnly(m.uidOnly);
      if (inst) this.record(inst, rule, probe, candidate);
      else this.pending.push({ uid: keep(m.uidOnly), probe: keep(probe), candidate });
    }
    for (const ref of m.pods) {
      const inst = rule.lifecycle === 'add' ? this.registry.add(ref, m.source === 'file') : this.registry.resolve(ref);
      if (rule.lifecycle === 'remove') inst.removed = true;
      if (probe !== null) this.record(inst, rule, probe, candidate);
      if (m.startup) {
        const st = this.stateOf(inst);
        st.startup ??= { ...m.startup, line };
      }
    }
  }

  private stateOf(inst: PodInstance): InstanceState {
    let st = this.states.get(inst);
    if (!st) {
      st = { probes: new Map(), sequence: new Map() };
      this.states.set(inst, st);
    }
    return st;
  }

  private record(inst: PodInstance, rule: ProbeRule, probe: string | readonly string[], c: Candidate): void {
    const st = this.stateOf(inst);
    let name: string;
    if (typeof probe === 'string') name = probe;
    else {
      const n = st.sequence.get(rule) ?? 0;
      st.sequence.set(rule, n + 1);
      if (n >= probe.length) return;
      name = probe[n];
    }
    const prev = st.probes.get(name);
    if (!prev || c.rank < prev.rank || (c.rank === prev.rank && c.line < prev.line)) {
      st.probes.set(prev ? name : keep(name), c);
    }
  }

  finish(
    opts: ReadKubeletLogOptions,
    totals: { lines: number; skipped: number },
    early: IngestWarning[],
  ): KubeletLogResult {
    const warnings = [...early];
    let unresolved = 0;
    for (const p of this.pending) {
      const inst = this.registry.byUidOnly(p.uid);
      if (inst) this.record(inst, { probe: p.probe, rank: p.candidate.rank, markers: [] }, p.probe, p.candidate);
      else unresolved++;
    }
    if (unresolved > 0) {
      warnings.push({ file: opts.file, message: `${unresolved} NodeTracing ${unresolved === 1 ? 'probe names' : 'probes name'} a pod uid seen nowhere else in the log: dropped` });
    }
    const facts = this.unpaired ? [...this.paired, this.unpaired] : this.paired;
    const { clock, warnings: clockWarnings } = resolveClock({
      facts,
      ...(this.firstHeader ? { firstHeader: this.firstHeader } : {}),
      ...(opts.year !== undefined ? { year: opts.year } : {}),
      ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
      file: opts.file,
    });
    if (this.states.size > 0) warnings.push(...clockWarnings);

    const events: ProbeEvent[] = [];
    const podStartups: PodStartup[] = [];
    const pods: KubeletPod[] = [];
    const flaggedLines: number[] = [];
    for (const inst of this.registry.all()) {
      const uid = inst.uid !== undefined ? { uid: inst.uid } : {};
      pods.push({ pod: inst.pod, ...uid, instance: inst.instance, static: inst.static, system: inst.system });
      const st = this.states.get(inst);
      if (!st || (!opts.includeSystemPods && (inst.system || inst.static))) continue;
      for (const [probe, c] of st.probes) {
        events.push({ probe, pod: inst.pod, ...uid, instance: inst.instance, time: lineTimeToMicros(c.time, clock), source: 'kubelet', line: c.line });
      }
      if (st.startup) {
        const { sloDuration, e2eDuration, line } = st.startup;
        const absurd = (v: number | undefined) => v !== undefined && (v < 0 || v > ABSURD_STARTUP_S);
        const flagged = absurd(sloDuration) || absurd(e2eDuration);
        if (flagged) flaggedLines.push(line);
        podStartups.push({
          pod: inst.pod,
          ...uid,
          instance: inst.instance,
          ...(sloDuration !== undefined ? { sloDuration } : {}),
          ...(e2eDuration !== undefined ? { e2eDuration } : {}),
          flagged,
        });
      }
    }
    if (flaggedLines.length > 0) {
      warnings.push({
        file: opts.file,
        line: Math.min(...flaggedLines),
        message: `${flaggedLines.length} ${flaggedLines.length === 1 ? 'pod has' : 'pods have'} a negative or absurd podStartSLOduration/podStartE2EDuration (a known kubelet bug): kept, flagged`,
      });
    }
    events.sort((a, b) => a.time - b.time || a.line! - b.line! || a.probe.localeCompare(b.probe) || a.pod!.localeCompare(b.pod!));
    return {
      events,
      podStartups,
      pods,
      lines: totals.lines,
      skipped: totals.skipped + this.unreadable,
      offsetUs: clock.offsetUs,
      year: clock.year,
      warnings,
    };
  }
}

/**
 * Reads one kubelet log (klog text, structured or legacy, or JSON logging;
 * any of the prefixes of prefix.ts; plain or gzip). Never throws on bad
 * input: unreadable lines are counted in `skipped`, problems become warnings.
 */
export async function readKubeletLog(input: AsyncIterable<Buffer>, opts: ReadKubeletLogOptions): Promise<KubeletLogResult> {
  const reader = new KubeletLogReader();
  const source = maybeGunzip(input);
  const warnings: IngestWarning[] = [];
  const scanner = new LineScanner(
    { markers: NEEDLES, maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES },
    (text, line) => reader.onLine(text, line),
  );
  try {
    for await (const chunk of source.chunks) scanner.push(chunk);
  } catch (e) {
    warnings.push({ file: opts.file, message: `read error, kept what was read: ${(e as Error).message}` });
  }
  const totals = scanner.end();
  const gz = source.error();
  if (gz) warnings.push({ file: opts.file, message: gz });
  return reader.finish(opts, totals, warnings);
}
