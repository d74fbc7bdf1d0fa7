// Facts: what the rows of the probe table yielded on the lines of a log (or of
// one piece of it), in line order. A worker thread reads a piece into facts
// and hands them back as transferable typed arrays and a table of the distinct
// strings (cloning thousands of small objects between threads costs more than
// reading them); the thread that reads a whole log keeps the same form, so the
// reader (reader.ts) meets the same facts however the log was read.
//
// Facts are small and stored in fixed-size chunks, because memory is what a
// read costs most (each fresh page is a fault): a fact is three integers and
// two numbers, plus what it has beyond the usual (a probe name, a source, a
// dated time...) and its pods. Strings are copied once into the table, so no
// fact keeps a line (and the block it was sliced from) alive.
import type { PodRef } from './pods';
import type { Match } from './probes';

// Flags of a fact: what follows its fixed part, in this order.
const F_JSON = 1 << 0;
const F_PROBE = 1 << 1;
const F_NULL_PROBE = 1 << 2;
const F_SOURCE = 1 << 3;
const F_UID_ONLY = 1 << 4;
const F_AT = 1 << 5;
const F_DATED = 1 << 6;
const F_STARTUP = 1 << 7;
const F_SLO = 1 << 8;
const F_E2E = 1 << 9;
const F_ADD = 1 << 10;
const F_REMOVE = 1 << 11;
const FLAG_BITS = 12;
/** The first integer of a fact: rule, flags, month, day. */
const RULE_SHIFT = FLAG_BITS;
const MONTH_SHIFT = RULE_SHIFT + 5;
const DAY_SHIFT = MONTH_SHIFT + 4;

/** Values per chunk: 2^CHUNK_BITS. */
const CHUNK_BITS = 13;
const CHUNK = 1 << CHUNK_BITS;

/** Facts as they cross between threads. */
export interface FactsData {
  /** Per fact: rule/flags/month/day, line (1-based, in the piece), pod count, then string ids of the probe, source, uid. */
  ints: Int32Array<ArrayBuffer>[];
  /** Per fact: byte offset of the line, its time (µs of the day in its header, or µs since the epoch for JSON), then at, dated, startup figures. */
  nums: Float64Array<ArrayBuffer>[];
  /** Per pod of a fact: namespace, name, `namespace/name`, uid (string ids; -1: none). */
  pods: Int32Array<ArrayBuffer>[];
  strings: string[];
  count: number;
  /** The first line holding an anchor that reads as klog or JSON, facts or not. */
  first?: FirstLine;
  /** Lines read, and unreadable ones (binary, oversized, JSON that does not parse). */
  lines: number;
  skipped: number;
}

/** The buffers of `d`, to transfer with it. */
export function buffers(d: FactsData): ArrayBuffer[] {
  return [...d.ints, ...d.nums, ...d.pods].map((a) => a.buffer);
}

/** When a line was logged: month, day and µs of the day of its klog header, or, for a JSON line, month 0 and µs since the epoch. */
export interface LineStamp {
  month: number;
  day: number;
  time: number;
}

export interface FirstLine extends LineStamp {
  line: number;
}

class Writer<A extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>> {
  readonly chunks: A[] = [];
  private chunk: A | undefined;
  private at = CHUNK;

  constructor(private readonly make: (n: number) => A) {}

  push(v: number): void {
    if (this.at === CHUNK) {
      this.chunk = this.make(CHUNK);
      this.chunks.push(this.chunk);
      this.at = 0;
    }
    this.chunk![this.at++] = v;
  }
}

class Reader<A extends Int32Array | Float64Array> {
  private i = 0;
  constructor(private readonly chunks: readonly A[]) {}
  next(): number {
    const v = this.chunks[this.i >>> CHUNK_BITS][this.i & (CHUNK - 1)];
    this.i++;
    return v;
  }
}

function copy(s: string): string {
  // A slice of a long line would keep the line alive; a round trip through bytes makes a string of its own.
  return Buffer.from(s, 'utf8').toString('utf8');
}

export class FactLog {
  private readonly ints = new Writer((n) => new Int32Array(n));
  private readonly nums = new Writer((n) => new Float64Array(n));
  private readonly pods = new Writer((n) => new Int32Array(n));
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  /** The last string and id of each slot (namespace, name, uid, ...): lines in a row often repeat them. */
  private readonly lastString: (string | undefined)[] = [];
  private readonly lastId: number[] = [];
  private count = 0;
  first: FirstLine | undefined;
  lines = 0;
  skipped = 0;

  private id(s: string | undefined, slot: number): number {
    if (s === undefined) return -1;
    if (s === this.lastString[slot]) return this.lastId[slot];
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      const kept = copy(s);
      this.strings.push(kept);
      this.ids.set(kept, i);
    }
    this.lastString[slot] = s;
    this.lastId[slot] = i;
    return i;
  }

  push(rule: number, m: Match, stamp: LineStamp, line: number, offset: number): void {
    const startup = m.startup;
    let flags = stamp.month === 0 ? F_JSON : 0;
    if (m.probe === null) flags |= F_NULL_PROBE;
    else if (m.probe !== undefined) flags |= F_PROBE;
    if (m.source !== undefined) flags |= F_SOURCE;
    if (m.uidOnly !== undefined) flags |= F_UID_ONLY;
    if (m.at !== undefined) flags |= F_AT;
    if (m.dated !== undefined) flags |= F_DATED;
    if (startup) {
      flags |= F_STARTUP;
      if (startup.sloDuration !== undefined) flags |= F_SLO;
      if (startup.e2eDuration !== undefined) flags |= F_E2E;
    }
    if (m.lifecycle === 'add') flags |= F_ADD;
    else if (m.lifecycle === 'remove') flags |= F_REMOVE;
    const ints = this.ints;
    ints.push(flags | (rule << RULE_SHIFT) | (stamp.month << MONTH_SHIFT) | (stamp.day << DAY_SHIFT));
    ints.push(line);
    ints.push(m.pods.length);
    if (flags & F_PROBE) ints.push(this.id(m.probe!, 0));
    if (flags & F_SOURCE) ints.push(this.id(m.source, 1));
    if (flags & F_UID_ONLY) ints.push(this.id(m.uidOnly, 2));
    const nums = this.nums;
    nums.push(offset);
    nums.push(stamp.time);
    if (flags & F_AT) nums.push(m.at!);
    if (flags & F_DATED) nums.push(m.dated!);
    if (flags & F_SLO) nums.push(startup!.sloDuration!);
    if (flags & F_E2E) nums.push(startup!.e2eDuration!);
    for (const p of m.pods) {
      this.pods.push(this.id(p.namespace, 3));
      this.pods.push(this.id(p.name, 4));
      this.pods.push(this.id(`${p.namespace}/${p.name}`, 5));
      this.pods.push(this.id(p.uid, 6));
    }
    this.count++;
  }

  data(): FactsData {
    return {
      ints: this.ints.chunks,
      nums: this.nums.chunks,
      pods: this.pods.chunks,
      strings: this.strings,
      count: this.count,
      ...(this.first ? { first: this.first } : {}),
      lines: this.lines,
      skipped: this.skipped,
    };
  }
}

/** One fact, as the reader replays it. */
export interface Fact {
  rule: number;
  /** 1-based, in the piece. */
  line: number;
  offset: number;
  stamp: LineStamp;
  match: Match;
}

/**
 * Each fact of `d`, in order. The fact passed to `visit` (its match, stamp
 * and pods included) is one object reused for all: copy what you keep.
 */
export function forEachFact(d: FactsData, visit: (f: Fact) => void): void {
  const ints = new Reader(d.ints);
  const nums = new Reader(d.nums);
  const podCols = new Reader(d.pods);
  const strings = d.strings;
  const pods: PodRef[] = [];
  const match: Match = { pods };
  const stamp: LineStamp = { month: 0, day: 0, time: 0 };
  const fact: Fact = { rule: 0, line: 0, offset: 0, stamp, match };
  for (let k = 0; k < d.count; k++) {
    const head = ints.next();
    const flags = head & ((1 << FLAG_BITS) - 1);
    fact.rule = (head >>> RULE_SHIFT) & 31;
    stamp.month = flags & F_JSON ? 0 : (head >>> MONTH_SHIFT) & 15;
    stamp.day = flags & F_JSON ? 0 : (head >>> DAY_SHIFT) & 31;
    fact.line = ints.next();
    const podCount = ints.next();
    match.probe = flags & F_PROBE ? strings[ints.next()] : flags & F_NULL_PROBE ? null : undefined;
    match.source = flags & F_SOURCE ? strings[ints.next()] : undefined;
    match.uidOnly = flags & F_UID_ONLY ? strings[ints.next()] : undefined;
    match.lifecycle = flags & F_ADD ? 'add' : flags & F_REMOVE ? 'remove' : undefined;
    fact.offset = nums.next();
    stamp.time = nums.next();
    match.at = flags & F_AT ? nums.next() : undefined;
    match.dated = flags & F_DATED ? nums.next() : undefined;
    if (flags & F_STARTUP) {
      const startup: Match['startup'] = {};
      if (flags & F_SLO) startup.sloDuration = nums.next();
      if (flags & F_E2E) startup.e2eDuration = nums.next();
      match.startup = startup;
    } else match.startup = undefined;
    pods.length = podCount;
    for (let p = 0; p < podCount; p++) {
      const namespace = strings[podCols.next()];
      const name = strings[podCols.next()];
      const key = strings[podCols.next()];
      const uid = podCols.next();
      pods[p] = uid >= 0 ? { namespace, name, key, uid: strings[uid] } : { namespace, name, key };
    }
    visit(fact);
  }
}

