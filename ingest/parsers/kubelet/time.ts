// Kubelet log time: klog headers carry month, day and time of day but no year
// and no zone. Lines keep header-relative times while the log streams by; the
// year and the header clock offset are resolved at the end from the dated,
// UTC facts the same log printed ("Observed pod startup duration", JSON ts),
// else from the caller's year or reference time.
import type { IngestWarning, Micros } from '../../../lib/model';
import { fromIso } from '../../../lib/time';
import type { ZoneLine } from './zone';

const QUARTER_HOUR_US = 15 * 60 * 1_000_000;

/** A klog header time. `bump` counts the New Year crossings seen before this line. */
export interface HeaderTime {
  month: number;
  day: number;
  usOfDay: number;
  bump: number;
}

/** A dated UTC instant printed by the line; paired with its header time when the line has one. */
export interface DatedFact {
  at: Micros;
  header?: HeaderTime;
}

export interface Clock {
  /** Year of the log's first header line (before any New Year crossing). */
  year: number;
  /** Header clock minus UTC, a whole number of quarter hours. */
  offsetUs: number;
}

export function headerToMicros(h: HeaderTime, baseYear: number): Micros {
  return Date.UTC(baseYear + h.bump, h.month - 1, h.day) * 1000 + h.usOfDay;
}

/** Tracks New Year crossings: a month that falls by half a year or more starts a new year. */
export class YearBumper {
  private lastMonth = 0;
  private bump = 0;
  next(month: number): number {
    if (this.lastMonth - month >= 6) this.bump++;
    this.lastMonth = month;
    return this.bump;
  }
}

/** The base year that puts header time `h` closest to UTC instant `ref`. */
function closestBaseYear(h: HeaderTime, ref: Micros): number {
  const y = new Date(Math.floor(ref / 1000)).getUTCFullYear() - h.bump;
  let best = y;
  for (const cand of [y - 1, y + 1]) {
    if (Math.abs(headerToMicros(h, cand) - ref) < Math.abs(headerToMicros(h, best) - ref)) best = cand;
  }
  return best;
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface ClockInputs {
  facts: readonly DatedFact[];
  firstHeader?: HeaderTime;
  year?: number;
  reference?: Micros;
  /** A line printing a time with the node's zone (zone.ts): the offset when no fact pairs a header with UTC. */
  zone?: ZoneLine;
  file: string;
}

/** `+02:00`, `-05:30`. */
function offsetText(us: number): string {
  const min = Math.abs(us) / 60_000_000;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${us < 0 ? '-' : '+'}${pad(Math.floor(min / 60))}:${pad(min % 60)}`;
}

/**
 * Year and offset for the header times of one log. Dated facts on header
 * lines fix both (the offset is the median header-minus-UTC difference,
 * rounded to 15 minutes). Otherwise a line printing a time with its zone
 * fixes the offset (said in a warning naming the line); and dated facts
 * alone fix the year; then the given year; then the reference; then the
 * zone line's date; then the current year, with a warning.
 */
export function resolveClock(inp: ClockInputs): { clock: Clock; warnings: IngestWarning[] } {
  const paired = inp.facts.filter((f): f is Required<DatedFact> => f.header !== undefined);
  if (paired.length > 0) {
    const year = closestBaseYear(paired[0].header, paired[0].at);
    const diff = medianOf(paired.map((f) => headerToMicros(f.header, year) - f.at));
    const offsetUs = Math.round(diff / QUARTER_HOUR_US) * QUARTER_HOUR_US;
    return { clock: { year, offsetUs: offsetUs === 0 ? 0 : offsetUs }, warnings: [] };
  }
  const h = inp.firstHeader;
  if (h === undefined) {
    const dated = inp.facts[0]?.at ?? inp.reference;
    const year = dated !== undefined ? new Date(Math.floor(dated / 1000)).getUTCFullYear() : (inp.year ?? new Date().getUTCFullYear());
    return { clock: { year, offsetUs: 0 }, warnings: [] };
  }
  if (inp.zone) {
    const z = inp.zone;
    const year = inp.facts.length > 0 ? closestBaseYear(h, inp.facts[0].at) : (inp.year ?? closestBaseYear(h, inp.reference ?? z.at));
    const message =
      `klog headers read as UTC${offsetText(z.offsetUs)}: no line pairs a header with a UTC time, ` +
      `and line ${z.line} prints the node's zone ("${z.text}")`;
    return { clock: { year, offsetUs: z.offsetUs }, warnings: [{ file: inp.file, line: z.line, message }] };
  }
  if (inp.facts.length > 0) return { clock: { year: closestBaseYear(h, inp.facts[0].at), offsetUs: 0 }, warnings: [] };
  if (inp.year !== undefined) return { clock: { year: inp.year, offsetUs: 0 }, warnings: [] };
  if (inp.reference !== undefined) return { clock: { year: closestBaseYear(h, inp.reference), offsetUs: 0 }, warnings: [] };
  const year = new Date().getUTCFullYear();
  return {
    clock: { year, offsetUs: 0 },
    warnings: [{ file: inp.file, message: `no dated line, year or reference time: assumed ${year} and UTC for klog headers` }],
  };
}

/** Epoch time as logged (seconds, ms, µs or ns; told apart by magnitude) to µs. */
export function epochToMicros(v: number): Micros | undefined {
  if (!Number.isFinite(v) || v <= 0) return undefined;
  if (v < 1e11) return Math.round(v * 1e6);
  if (v < 1e14) return Math.round(v * 1e3);
  if (v < 1e17) return Math.round(v);
  return Math.round(v / 1e3);
}

const GO_TIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?/;

/**
 * Go's time.String() (`2025-03-16 04:31:22.692926465 +0000 UTC m=+270.50`)
 * or RFC 3339 to µs UTC; undefined for Go's zero time (`0001-01-01 …`, unset)
 * and for anything else.
 */
export function parseGoTime(s: string): Micros | undefined {
  const m = GO_TIME.exec(s.trim());
  if (!m) return fromIso(s);
  const year = Number(m[1]);
  if (year <= 1) return undefined;
  const base = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(base)) return undefined;
  const frac = Number((m[7] ?? '').slice(0, 6).padEnd(6, '0'));
  let zoneUs = 0;
  if (m[8] && m[8] !== 'Z') {
    const z = m[8].replace(':', '');
    const sign = z[0] === '-' ? -1 : 1;
    zoneUs = sign * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * 60 * 1_000_000;
  }
  return base * 1000 + frac - zoneUs;
}

/** A time-valued field as logged: a Go time string, or an epoch number (JSON logging). */
export function timeValue(v: unknown): Micros | undefined {
  if (typeof v === 'string') return parseGoTime(v);
  if (typeof v === 'number') return epochToMicros(v);
  return undefined;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** `2.755s`: digits, maybe a dot and more digits, `s` (what the general reading below gives as the number itself). */
function plainSeconds(s: string): boolean {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === 0) return false;
  if (s.charCodeAt(i) === 0x2e) for (i++; i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++);
  return i === s.length - 1 && s.charCodeAt(i) === 0x73;
}

/** Go's time.Duration.String() (`2.755s`, `1m2.5s`, `-9.2e+09s`) or a number of seconds, to seconds. */
export function parseGoDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '0') return 0;
  if (plainSeconds(s)) return Number(s.slice(0, -1));
  const whole = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!whole) return undefined;
  let total = 0;
  for (const part of whole[2].matchAll(/(\d+\.?\d*|\.\d+)((?:[eE][+-]?\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1] + part[2]) * DURATION_UNITS[part[3]];
  }
  return whole[1] === '-' ? -total : total;
}
