// The kubelet log reader, the public entry of ingest/parsers/kubelet: bytes
// (plain or gzip) in, tracing probe events per pod instance out. Reading is
// two steps. First the lines are read into facts (scanner.ts decides on raw
// bytes which lines can match a row of the probe table, match.ts runs those
// rows): one pass over a stream, or, for a big plain file, over line-aligned
// pieces of it shared with worker threads (parallel.ts). Then the facts are
// replayed in line order through one state machine: pod instances (a new ADD
// after DELETE/REMOVE starts the next one), first probe per instance, New Year
// crossings, and at the end the year and the header clock offset (time.ts).
// Since only the replay is sequential, a log split across threads gives the
// same result as one read in one pass.
//
// What changed with reading on bytes, on purpose: New Year crossings are
// counted between the log's first line holding a marker and the lines that
// yield facts (only those have their header parsed), so facts more than half a
// year apart with the crossing between them come out a year early; a line
// that does not parse as JSON is counted as unreadable only when it could
// yield a probe; and a marker spelled with an escape (`SyncLoop \u0041DD`) is
// not seen.
import fs from 'node:fs';
import os from 'node:os';
import type { IngestWarning, KubeletLogResult, KubeletPod, Micros, PodStartup, ProbeEvent } from '../../../lib/model';
import { forEachFact, type Fact, type FactsData, type LineStamp } from './facts';
import { gunzip, maybeGunzip, type Decompressed } from './gunzip';
import { readPieces } from './parallel';
import { streamFacts } from './pieces';
import { PodRegistry, type PodInstance } from './pods';
import { PROBE_RULES, type Match, type StartupFigures } from './probes';
import { BLOCK_BYTES } from './scanner';
import { isPlausibleTime } from '../plausible';
import { YearBumper, headerToMicros, resolveClock, type DatedFact, type HeaderTime } from './time';
import { findZoneLine, ZoneSearch, type ZoneLine } from './zone';

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
  /** Plain files at least this big are read by worker threads too, in pieces (default 96 MiB; readKubeletLogFile). */
  splitBytes?: number;
  /** Size of those pieces (default 16 MiB: pieces of equal work end together). */
  pieceBytes?: number;
  /** Worker threads for a split file (default: one per idle core but this one's; 0: pieces read in this thread). */
  workers?: number;
}

const DEFAULT_MAX_LINE_BYTES = 256 * 1024;
const MIB = 1024 * 1024;
const DEFAULT_SPLIT_BYTES = 96 * MIB;
const DEFAULT_PIECE_BYTES = 16 * MIB;
/** podStartSLOduration beyond a day, or negative, is the kubelet bug that logs -9.22e+09. */
const ABSURD_STARTUP_S = 86_400;

const US_PER_DAY = 86_400_000_000;

/**
 * A probe's line and moment: `t` is µs since the epoch when `bump` is -1;
 * otherwise the line's klog header, (month * 32 + day) days and µs of the day,
 * `bump` New Years after the log's first header.
 */
interface Candidate {
  rank: number;
  line: number;
  offset: number;
  t: number;
  bump: number;
}

/** What is gathered about one pod instance. */
interface Seen {
  /** Each probe's best line so far: probe, candidate, probe, candidate… in the order first seen. */
  probes: (string | Candidate)[] | undefined;
  /** Matches so far of rules (by index) whose n-th match is the n-th probe. */
  sequence: number[] | undefined;
  startup: (StartupFigures & { line: number }) | undefined;
}

type Instance = PodInstance<Seen>;

interface PendingUid {
  uid: string;
  probe: string;
  candidate: Candidate;
}

/** The facts of a log, piece by piece in order, to pod instances and their probes. */
class Replay {
  readonly registry = new PodRegistry<Seen>(() => ({ probes: undefined, sequence: undefined, startup: undefined }));
  private readonly bumper = new YearBumper();
  private readonly paired: DatedFact[] = [];
  private unpaired: DatedFact | undefined;
  private firstHeader: HeaderTime | undefined;
  private readonly pending: PendingUid[] = [];
  /** Some instance got a probe or startup figures (the clock's warnings matter then). */
  private gathered = false;
  private lines = 0;
  private skipped = 0;
  // The line being replayed: its number and time.
  private line = -1;
  private json = false;
  private month = 0;
  private day = 0;
  private time = 0;
  private bump = 0;

  piece(d: FactsData): void {
    const base = this.lines;
    // The log's first line holding a marker sets its first header, facts or not.
    if (this.line === -1 && d.first) this.feed(base + d.first.line, d.first);
    forEachFact(d, (f: Fact) => {
      const line = base + f.line;
      if (line !== this.line) this.feed(line, f.stamp);
      this.apply(f.rule, f.match, line, f.offset);
    });
    this.lines += d.lines;
    this.skipped += d.skipped;
  }

  /** A new line: its time, and what it says about the year. */
  private feed(line: number, { month, day, time }: LineStamp): void {
    this.line = line;
    this.json = month === 0;
    this.month = month;
    this.day = day;
    this.time = time;
    if (this.json) this.unpaired ??= { at: time };
    else {
      this.bump = this.bumper.next(month);
      this.firstHeader ??= { month, day, usOfDay: time, bump: this.bump };
    }
  }

  private apply(rule: number, m: Match, line: number, offset: number): void {
    const row = PROBE_RULES[rule];
    if (m.dated !== undefined) {
      if (!this.json) this.paired.push({ at: m.dated, header: { month: this.month, day: this.day, usOfDay: this.time, bump: this.bump } });
      else this.unpaired ??= { at: m.dated };
    }
    const abs = m.at ?? (this.json ? this.time : undefined);
    const candidate: Candidate =
      abs !== undefined
        ? { rank: row.rank, line, offset, t: abs, bump: -1 }
        : { rank: row.rank, line, offset, t: (this.month * 32 + this.day) * US_PER_DAY + this.time, bump: this.bump };
    const probe = m.probe === undefined ? row.probe : m.probe;
    if (m.uidOnly !== undefined && typeof probe === 'string') {
      const inst = this.registry.byUidOnly(m.uidOnly);
      if (inst) this.record(inst, rule, probe, candidate);
      else this.pending.push({ uid: m.uidOnly, probe, candidate });
    }
    for (const ref of m.pods) {
      const inst = m.lifecycle === 'add' ? this.registry.add(ref, m.source === 'file') : this.registry.resolve(ref);
      if (m.lifecycle === 'remove') inst.removed = true;
      if (probe !== null) this.record(inst, rule, probe, candidate);
      if (m.startup) {
        this.gathered = true;
        inst.seen.startup ??= { ...m.startup, line };
      }
    }
  }

  private record(inst: Instance, rule: number, probe: string | readonly string[], c: Candidate): void {
    this.gathered = true;
    const seen = inst.seen;
    let name: string;
    if (typeof probe === 'string') name = probe;
    else {
      const sequence = (seen.sequence ??= []);
      const n = sequence[rule] ?? 0;
      sequence[rule] = n + 1;
      if (n >= probe.length) return;
      name = probe[n];
    }
    const probes = (seen.probes ??= []);
    let i = 0;
    while (i < probes.length && probes[i] !== name) i += 2;
    const prev = probes[i + 1] as Candidate | undefined;
    if (!prev) probes.push(name, c);
    else if (c.rank < prev.rank || (c.rank === prev.rank && c.line < prev.line)) probes[i + 1] = c;
  }

  /** No line paired a klog header with a UTC time: the headers' zone is for a line printing it to tell (zone.ts). */
  get zoneUnknown(): boolean {
    return this.paired.length === 0 && this.firstHeader !== undefined;
  }

  finish(opts: ReadKubeletLogOptions, early: IngestWarning[], zone?: ZoneLine): KubeletLogResult {
    const warnings = [...early];
    let unresolved = 0;
    for (const p of this.pending) {
      const inst = this.registry.byUidOnly(p.uid);
      if (inst) this.record(inst, -1, p.probe, p.candidate);
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
      ...(zone ? { zone } : {}),
      file: opts.file,
    });
    if (this.gathered) warnings.push(...clockWarnings);

    const events: ProbeEvent[] = [];
    const podStartups: PodStartup[] = [];
    const pods: KubeletPod[] = [];
    let flagged = 0;
    let firstFlagged = Infinity;
    let implausible = 0;
    let firstImplausible = Infinity;
    // Header times: one Date.UTC per day, not per event.
    let dayKey = -1;
    let dayBump = -1;
    let dayUs = 0;
    for (const inst of this.registry.all()) {
      const { pod, uid, instance, seen } = inst;
      pods.push(uid !== undefined ? { pod, uid, instance, static: inst.static, system: inst.system } : { pod, instance, static: inst.static, system: inst.system });
      if (!seen.startup || (!opts.includeSystemPods && (inst.system || inst.static))) continue;
      const { sloDuration, e2eDuration, line } = seen.startup;
      const absurd = (v: number | undefined) => v !== undefined && (v < 0 || v > ABSURD_STARTUP_S);
      const isFlagged = absurd(sloDuration) || absurd(e2eDuration);
      if (isFlagged) {
        flagged++;
        firstFlagged = Math.min(firstFlagged, line);
      }
      // Fields in this order, as they always were.
      const startup = { pod } as PodStartup;
      if (uid !== undefined) startup.uid = uid;
      startup.instance = instance;
      if (sloDuration !== undefined) startup.sloDuration = sloDuration;
      if (e2eDuration !== undefined) startup.e2eDuration = e2eDuration;
      startup.flagged = isFlagged;
      podStartups.push(startup);
    }
    // In the order instances started, events come nearly in time order, which is quick to sort.
    for (const inst of this.registry.started) {
      const { pod, uid, instance } = inst;
      const probes = inst.seen.probes;
      if (!probes || (!opts.includeSystemPods && (inst.system || inst.static))) continue;
      for (let i = 0; i < probes.length; i += 2) {
        const probe = probes[i] as string;
        const c = probes[i + 1] as Candidate;
        let time = c.t;
        if (c.bump >= 0) {
          const days = Math.floor(c.t / US_PER_DAY);
          if (days !== dayKey || c.bump !== dayBump) {
            dayKey = days;
            dayBump = c.bump;
            dayUs = headerToMicros({ month: days >> 5, day: days & 31, usOfDay: 0, bump: c.bump }, clock.year);
          }
          time = dayUs + (c.t - days * US_PER_DAY) - clock.offsetUs;
        }
        // A JSON `ts` of 123456 (1970) or a year given wrong: never a stored time.
        if (!isPlausibleTime(time)) {
          implausible++;
          firstImplausible = Math.min(firstImplausible, c.line);
          continue;
        }
        events.push(
          uid !== undefined
            ? { probe, pod, uid, instance, time, source: 'kubelet', line: c.line, offset: c.offset }
            : { probe, pod, instance, time, source: 'kubelet', line: c.line, offset: c.offset },
        );
      }
    }
    if (flagged > 0) {
      warnings.push({
        file: opts.file,
        line: firstFlagged,
        message: `${flagged} ${flagged === 1 ? 'pod has' : 'pods have'} a negative or absurd podStartSLOduration/podStartE2EDuration (a known kubelet bug): kept, flagged`,
      });
    }
    if (implausible > 0) {
      warnings.push({ file: opts.file, line: firstImplausible, message: `${implausible} probe events at a time outside 2000–2100 dropped` });
    }
    events.sort((a, b) => a.time - b.time || a.line! - b.line! || a.probe.localeCompare(b.probe) || a.pod!.localeCompare(b.pod!));
    return {
      events,
      podStartups,
      pods,
      lines: this.lines,
      skipped: this.skipped,
      offsetUs: clock.offsetUs,
      year: clock.year,
      warnings,
    };
  }
}

/**
 * Reads one kubelet log (klog text, structured or legacy, or JSON logging;
 * any of the prefixes of prefix.ts; plain or gzip) from a stream. Never throws
 * on bad input: unreadable lines are counted in `skipped`, problems become
 * warnings.
 */
export async function readKubeletLog(input: AsyncIterable<Buffer>, opts: ReadKubeletLogOptions): Promise<KubeletLogResult> {
  return readDecompressed(maybeGunzip(input), opts);
}

/** Chunks passed on as they are, looked through for the log's zone on the way (a stream cannot be read twice). */
async function* tapped(chunks: AsyncIterable<Buffer>, search: ZoneSearch): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    search.push(chunk);
    yield chunk;
  }
}

/**
 * Reads decompressed chunks. The zone (zone.ts) is looked for only when no
 * line paired a header with UTC: in a file, by reading it again (`reread`);
 * in a stream, on the way.
 */
async function readDecompressed(source: Decompressed, opts: ReadKubeletLogOptions, reread?: () => AsyncIterable<Buffer>): Promise<KubeletLogResult> {
  const warnings: IngestWarning[] = [];
  const search = reread ? undefined : new ZoneSearch();
  const facts = await streamFacts(search ? tapped(source.chunks, search) : source.chunks, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, (message) =>
    warnings.push({ file: opts.file, message }),
  );
  const gz = source.error();
  if (gz) warnings.push({ file: opts.file, message: gz });
  const r = new Replay();
  r.piece(facts);
  const zone = !r.zoneUnknown ? undefined : search ? search.end() : await findZoneLine(reread!).catch(() => undefined);
  return r.finish(opts, warnings, zone);
}

/**
 * Worker threads to start by default. Each compiles the reader afresh, which
 * costs about as much CPU as reading the first 250 MiB (a 256 MiB dense log:
 * 2.2 s of CPU read once in a fresh process, 1.0 s read again in it): a worker
 * saves time only on a core that would otherwise idle, and on a busy machine
 * it only adds that CPU (issue #12: 7.7x grep with a worker on a dense log, 5.6x alone).
 */
function defaultWorkers(): number {
  const cores = os.availableParallelism();
  const idle = Math.floor(cores - os.loadavg()[0]);
  // The load may count this thread already: a core it leaves is one more worker.
  return Math.max(0, Math.min(cores - 1, idle));
}

function isGzip(fd: number): boolean {
  const magic = Buffer.alloc(2);
  return fs.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

/**
 * Reads one kubelet log file, like readKubeletLog but faster: a plain file is
 * read through one reused buffer (a big one by worker threads too, in pieces);
 * gzip is inflated in large chunks, in this thread (it cannot be split).
 * Throws when the file cannot be opened or its first bytes read; a read error
 * later keeps what was read, with a warning.
 */
export async function readKubeletLogFile(file: string, opts: ReadKubeletLogOptions): Promise<KubeletLogResult> {
  const fd = fs.openSync(file, 'r');
  let size: number;
  let gzip: boolean;
  try {
    size = fs.fstatSync(fd).size;
    gzip = isGzip(fd);
  } finally {
    fs.closeSync(fd);
  }
  const bytes = () => fs.createReadStream(file, { highWaterMark: BLOCK_BYTES });
  if (gzip) return readDecompressed(gunzip(bytes()), opts, () => gunzip(bytes()).chunks);
  const pieceBytes = Math.max(1, opts.pieceBytes ?? DEFAULT_PIECE_BYTES);
  const split = size >= (opts.splitBytes ?? DEFAULT_SPLIT_BYTES) && size > pieceBytes;
  const workers = split ? (opts.workers ?? defaultWorkers()) : 0;
  const r = new Replay();
  const warnings: IngestWarning[] = [];
  try {
    await readPieces(
      file,
      size,
      {
        pieceBytes: split ? pieceBytes : Math.max(size, 1),
        threads: split && workers > 0,
        workers,
        maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      },
      (facts) => r.piece(facts),
    );
  } catch (e) {
    // Pieces come in order: what was replayed is the log up to the failure.
    warnings.push({ file: opts.file, message: `read error, kept what was read: ${(e as Error).message}` });
  }
  return r.finish(opts, warnings, r.zoneUnknown ? await findZoneLine(bytes).catch(() => undefined) : undefined);
}
