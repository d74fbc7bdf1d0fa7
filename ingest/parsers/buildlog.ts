// build-log.txt (FORMATS.md section 3): the perf data and time series blocks
// that older builds printed between [Result:…] and [Finish:…] tags, the
// Ginkgo spec descriptions and the run summary. Streaming over numbered
// lines; broken blocks become warnings and everything else is kept.
import type { IngestWarning, Micros, PerfDataRecord, TimeSeriesRecord } from '../../lib/model';
import { fromIso, fromUnixSeconds } from '../../lib/time';
import type { NumberedLine } from './lines';
import { parsePerfDataText } from './perfdata';
import { isPlausibleTime } from './plausible';
import { parseTimeSeriesText } from './timeseries';

export interface SpecRecord {
  /** The Ginkgo `[It]` text. */
  description: string;
  line: number;
  /** The last time seen at or before the line. */
  time?: Micros;
}

export interface BuildLogSummary {
  /** Summed over every `Ran N of M Specs` line: remote node e2e prints one per image. */
  ran: number;
  total: number;
  /** False when any run printed `FAIL!`, true when all printed `SUCCESS!`. */
  passed?: boolean;
}

export interface BuildLogResult {
  perf: PerfDataRecord[];
  series: TimeSeriesRecord[];
  specs: SpecRecord[];
  summary?: BuildLogSummary;
  warnings: IngestWarning[];
  /** `[Result:…]` tags found, whole or broken. */
  blocks: number;
}

export interface BuildLogOptions {
  file: string;
  /** The build's start (started.json); resolves the year of yearless lines. */
  buildTime?: Micros;
}

// ---------------------------------------------------------------- times

/** A time read off a line: either complete, or Ginkgo/klog style without a year. */
type Stamp =
  | { dated: Micros }
  | { month: number; day: number; hour: number; minute: number; second: number; micros: number };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function fraction(digits: string | undefined): number {
  return digits ? Number(digits.slice(0, 6).padEnd(6, '0')) : 0;
}

function yearless(month: number, day: number, h: string, m: string, s: string, frac?: string): Stamp | undefined {
  const [hour, minute, second] = [Number(h), Number(m), Number(s)];
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  return { month, day, hour, minute, second, micros: fraction(frac) };
}

/** The instant of a yearless stamp in the year that puts it closest to `ref`. */
function resolveStamp(stamp: Stamp, ref: Micros | undefined): Micros | undefined {
  if ('dated' in stamp) return stamp.dated;
  if (ref === undefined) return undefined;
  const refYear = new Date(Math.floor(ref / 1000)).getUTCFullYear();
  let best: Micros | undefined;
  for (const year of [refYear - 1, refYear, refYear + 1]) {
    const ms = Date.UTC(year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second);
    // Feb 29 of a common year rolls over to March: not a candidate.
    if (new Date(ms).getUTCMonth() !== stamp.month) continue;
    const us = ms * 1000 + stamp.micros;
    if (best === undefined || Math.abs(us - ref) < Math.abs(best - ref)) best = us;
  }
  return best;
}

// ---------------------------------------------------------------- line rules

/** Stamps CI runners put in front of every line; stripped before anything else is read. */
const LINE_PREFIXES: { name: string; re: RegExp; stamp: (m: RegExpExecArray) => Stamp | undefined }[] = [
  {
    name: 'klog (I1117 10:40:01.512] )',
    re: /^[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\](?: |$)/,
    stamp: (m) => yearless(Number(m[1]) - 1, Number(m[2]), m[3], m[4], m[5], m[6]),
  },
  {
    name: 'ISO-8601 (2016-11-17T10:40:01.512Z )',
    re: /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)(?: |$)/,
    stamp: (m) => dated(fromIso(m[1])),
  },
  {
    name: 'bracketed ([2016-11-17 10:40:01] )',
    re: /^\[(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\](?: |$)/,
    stamp: (m) => dated(fromIso(`${m[1]}T${m[2]}`)),
  },
];

function dated(us: Micros | undefined): Stamp | undefined {
  return us === undefined ? undefined : { dated: us };
}

/** `Nov 17 10:40:01.512: INFO: ` (Go's StampMilli pads the day with a space). */
const GINKGO_STAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?: [A-Z]+: /;
/** Ginkgo v2 timeline stamps: `STEP: … @ 11/17/23 10:40:01.512`. */
const GINKGO_V2_STAMP = / @ (\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*$/;
const RESULT_TAG = /\[Result:(Performance|TimeSeries)\]/;
const FINISH_TAG = /\[Finish:(Performance|TimeSeries)\]/;
/** `[It] text`, `• [It] text`, Ginkgo v2 `> Enter [It] text - file.go:12 @ …`. */
const IT_LINE = /^\s*(?:•\s*)?(?:> Enter )?\[It\] (.*\S)/;
const IT_LOCATION = / - \S+\.go:\d+$/;
const RAN_LINE = /^\s*Ran (\d+) of (\d+) Specs? in /;
const VERDICT_LINE = /^\s*(SUCCESS|FAIL)!/;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Lines that cannot be part of a block's JSON: seeing one before the JSON closes means the block was cut short. */
const BLOCK_BREAKERS: RegExp[] = [
  GINKGO_STAMP,
  /^\s*STEP: /,
  RESULT_TAG,
  FINISH_TAG,
  IT_LINE,
  RAN_LINE,
  VERDICT_LINE,
  /^\s*•/,
  /^-{10,}\s*$/,
];

/**
 * Whether a line ends an unfinished block. Pretty-printed JSON lines start
 * with a quote, brace, bracket or digit, which no Ginkgo line does: for those
 * only a tag can break in, and a substring test is enough.
 */
function breaksBlock(line: string): boolean {
  const first = line.trimStart().charCodeAt(0);
  const jsonish = first === 0x22 || first === 0x7b || first === 0x7d || first === 0x5d || (first >= 0x30 && first <= 0x39);
  if (jsonish) return line.includes('[Result:') || line.includes('[Finish:');
  return BLOCK_BREAKERS.some((re) => re.test(line));
}

/** A block bigger than this is garbage that never closed; it is abandoned so memory stays bounded. */
const MAX_BLOCK_CHARS = 64 * 1024 * 1024;

function ginkgoStamp(m: RegExpExecArray): Stamp | undefined {
  return yearless(MONTHS.indexOf(m[1]), Number(m[2]), m[3], m[4], m[5], m[6]);
}

function ginkgoV2Stamp(m: RegExpExecArray): Stamp | undefined {
  const iso = `20${m[3]}-${m[1]}-${m[2]}T${m[4]}:${m[5]}:${m[6]}${m[7] ? '.' + m[7] : ''}Z`;
  return dated(fromIso(iso));
}

// ---------------------------------------------------------------- blocks

type BlockKind = 'Performance' | 'TimeSeries';

/** A `[Result:…]` block being read: JSON text gathered until its braces balance. */
class OpenBlock {
  private readonly parts: string[] = [];
  private chars = 0;
  private depth = 0;
  private started = false;
  private inString = false;
  private escaped = false;

  constructor(
    readonly kind: BlockKind,
    readonly line: number,
    readonly stamp: Stamp | undefined,
    readonly itDescription: string | undefined,
  ) {}

  /**
   * Adds one line of text. Returns the whole JSON text once the top-level
   * value closes, 'bad' when the text cannot be a JSON object, else undefined.
   */
  feed(text: string): string | 'bad' | undefined {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!this.started) {
        if (c === 0x7b) {
          this.started = true;
          this.depth = 1;
          text = text.slice(i);
          i = 0;
        } else if (c !== 0x20 && c !== 0x09) return 'bad';
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth += 1;
      else if (c === 0x7d || c === 0x5d) {
        this.depth -= 1;
        if (this.depth === 0) {
          this.parts.push(text.slice(0, i + 1));
          return this.parts.join('\n');
        }
      }
    }
    // Raw newlines cannot occur inside JSON strings: a line ending mid-string is broken JSON, which JSON.parse will report.
    this.inString = false;
    this.escaped = false;
    // Whitespace-only lines before the opening brace still take a line, so error positions map to file lines.
    this.parts.push(this.started ? text : '');
    this.chars += text.length + 1;
    return undefined;
  }

  get tooBig(): boolean {
    return this.chars > MAX_BLOCK_CHARS;
  }
}

// ---------------------------------------------------------------- the parser

interface Pending<T> {
  value: T;
  stamp?: Stamp;
}

/** Reads a build-log.txt given as numbered lines. Never throws on bad input. */
export async function parseBuildLog(lines: AsyncIterable<NumberedLine>, opts: BuildLogOptions): Promise<BuildLogResult> {
  const { file } = opts;
  const warnings: IngestWarning[] = [];
  const perf: Pending<PerfDataRecord>[] = [];
  const series: Pending<TimeSeriesRecord>[] = [];
  const specs: Pending<SpecRecord>[] = [];
  let summary: BuildLogSummary | undefined;
  let blocks = 0;
  let block: OpenBlock | undefined;
  let itInForce: string | undefined;
  let clock: Stamp | undefined;
  let firstDated: Micros | undefined;

  const noteDated = (us: Micros | undefined) => {
    if (firstDated === undefined && us !== undefined) firstDated = us;
  };

  const closeBlock = (text: string) => {
    const b = block!;
    block = undefined;
    const origin = { file, line: b.line };
    if (b.kind === 'Performance') {
      const r = parsePerfDataText(text, origin);
      warnings.push(...r.warnings);
      if (r.perf) {
        noteDated(labelTime(r.perf.labels.timestamp));
        perf.push({ value: { ...origin, perf: r.perf, itDescription: b.itDescription }, stamp: b.stamp });
      }
    } else {
      const r = parseTimeSeriesText(text, origin);
      warnings.push(...r.warnings);
      if (r.series) {
        noteDated(labelTime(r.series.labels.timestamp));
        series.push({ value: { ...origin, series: r.series, itDescription: b.itDescription }, stamp: b.stamp });
      }
    }
  };

  const abandon = (why: string) => {
    const b = block!;
    block = undefined;
    warnings.push({ file, line: b.line, message: `[Result:${b.kind}] block ${why}; skipped` });
  };

  const feed = (text: string, no: number) => {
    const r = block!.feed(text);
    if (r === 'bad') abandon(`at line ${no} does not hold a JSON object`);
    else if (r !== undefined) closeBlock(r);
    else if (block!.tooBig) abandon(`grew past ${MAX_BLOCK_CHARS} characters without closing`);
  };

  for await (const { line: raw, no } of lines) {
    let line = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw;
    let prefixStamp: Stamp | undefined;
    for (const p of LINE_PREFIXES) {
      const m = p.re.exec(line);
      if (m) {
        prefixStamp = p.stamp(m);
        line = line.slice(m[0].length);
        break;
      }
    }

    if (block) {
      if (!breaksBlock(line)) {
        feed(line, no);
        continue;
      }
      abandon(`cut short at line ${no} by "${excerpt(line)}"`);
    }

    const gm = GINKGO_STAMP.exec(line);
    const v2 = GINKGO_V2_STAMP.exec(line);
    const lineStamp = (v2 && ginkgoV2Stamp(v2)) || (gm && ginkgoStamp(gm)) || prefixStamp;
    if (lineStamp) {
      clock = lineStamp;
      if ('dated' in lineStamp) noteDated(lineStamp.dated);
    }

    const tag = RESULT_TAG.exec(line);
    if (tag) {
      blocks += 1;
      const stamp = (gm && ginkgoStamp(gm)) || prefixStamp;
      block = new OpenBlock(tag[1] as BlockKind, no, stamp, itInForce);
      feed(line.slice(tag.index + tag[0].length), no);
      continue;
    }

    const it = IT_LINE.exec(line);
    if (it) {
      const description = it[1].replace(GINKGO_V2_STAMP, '').replace(IT_LOCATION, '').trim();
      if (description) {
        itInForce = description;
        specs.push({ value: { description, line: no }, stamp: clock });
      }
      continue;
    }

    const ran = RAN_LINE.exec(line);
    if (ran) {
      summary ??= { ran: 0, total: 0 };
      summary.ran += Number(ran[1]);
      summary.total += Number(ran[2]);
      continue;
    }

    const verdict = VERDICT_LINE.exec(line);
    if (verdict) {
      summary ??= { ran: 0, total: 0 };
      const ok = verdict[1] === 'SUCCESS';
      summary.passed = summary.passed === undefined ? ok : summary.passed && ok;
    }
  }
  if (block) abandon('cut short by the end of the log');

  const ref = opts.buildTime ?? firstDated;
  const unresolved = [...perf, ...series, ...specs].filter((p) => p.stamp && !('dated' in p.stamp)).length;
  if (ref === undefined && unresolved > 0) {
    warnings.push({
      file,
      message: `no build time and no dated line: the times of ${unresolved} block(s) or spec(s) are unknown`,
    });
  }
  let implausible = 0;
  const at = (p: { stamp?: Stamp }) => {
    const us = p.stamp ? resolveStamp(p.stamp, ref) : undefined;
    if (us === undefined || isPlausibleTime(us)) return us;
    implausible++;
    return undefined;
  };
  const resolved = {
    perf: perf.map((p) => withTime(p.value, 'loggedAt', at(p))),
    series: series.map((p) => withTime(p.value, 'loggedAt', at(p))),
    specs: specs.map((p) => withTime(p.value, 'time', at(p))),
  };
  if (implausible > 0) warnings.push({ file, message: `the times of ${implausible} block(s) or spec(s) fall outside 2000–2100; left unknown` });

  return {
    ...resolved,
    summary,
    warnings,
    blocks,
  };
}

/** The start of a line, for a warning. */
function excerpt(line: string): string {
  const t = line.trim();
  return t.length > 80 ? t.slice(0, 79) + '…' : t;
}

/** `timestamp` labels are Unix seconds (v2 data). */
function labelTime(v: string | undefined): Micros | undefined {
  if (v === undefined || !/^\d{9,11}(\.\d+)?$/.test(v)) return undefined;
  return fromUnixSeconds(Number(v));
}

/** Sets an optional time field only when known, so records compare equal whether or not it was ever considered. */
function withTime<T extends object>(value: T, key: keyof T & string, us: Micros | undefined): T {
  return us === undefined ? value : { ...value, [key]: us };
}
