// klog text lines: the header (`I0316 04:31:21.080604     202 kubelet.go:2474] `,
// no year, no zone) and, for 1.20+ structured messages, the record
// `"Quoted message" key=value key="v" key={json} key=&{Go struct} pods=[ns/a ns/b]`.
import { isDigit, isSpace } from './chars';
import { Memo, type LogRecord } from './record';

export interface KlogLine {
  month: number;
  day: number;
  /** Time of day in the header, µs. */
  usOfDay: number;
  message: string;
}

const two = (s: string, i: number) => (s.charCodeAt(i) - 0x30) * 10 + s.charCodeAt(i + 1) - 0x30;

/**
 * `I0316 04:31:21.080604     202 kubelet.go:2474] ` at the start of `text`,
 * as the regular expression
 * `^([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})\s+\d+\s+([^\s\]]+:\d+)\] ?`
 * reads it, without running one: this runs on every line the table reads.
 */
export function parseKlogHeader(text: string): KlogLine | undefined {
  const c = text.charCodeAt(0);
  if (c !== 0x49 && c !== 0x57 && c !== 0x45 && c !== 0x46) return undefined;
  for (let i = 1; i <= 20; i++) {
    const d = text.charCodeAt(i);
    if (i === 5 ? d !== 0x20 : i === 8 || i === 11 ? d !== 0x3a : i === 14 ? d !== 0x2e : !isDigit(d)) return undefined;
  }
  const n = text.length;
  // \s+ \d+ \s+ (the thread id)
  let j = 21;
  while (j < n && isSpace(text.charCodeAt(j))) j++;
  if (j === 21) return undefined;
  let k = j;
  while (k < n && isDigit(text.charCodeAt(k))) k++;
  if (k === j) return undefined;
  j = k;
  while (j < n && isSpace(text.charCodeAt(j))) j++;
  if (j === k) return undefined;
  // ([^\s\]]+:\d+)\]: a run up to `]` ending in `:` and digits, something before the `:`
  let e = j;
  for (let ch = text.charCodeAt(e); e < n && ch !== 0x5d && !isSpace(ch); ch = text.charCodeAt(++e));
  if (e >= n || text.charCodeAt(e) !== 0x5d) return undefined;
  let d = e;
  while (d > j && isDigit(text.charCodeAt(d - 1))) d--;
  if (d === e || d - 1 <= j || text.charCodeAt(d - 1) !== 0x3a) return undefined;
  const month = two(text, 1);
  const day = two(text, 3);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const end = text.charCodeAt(e + 1) === 0x20 ? e + 2 : e + 1;
  const us = two(text, 15) * 10_000 + two(text, 17) * 100 + two(text, 19);
  return { month, day, usOfDay: ((two(text, 6) * 60 + two(text, 9)) * 60 + two(text, 12)) * 1_000_000 + us, message: text.slice(end) };
}

/** End (exclusive) of the Go-quoted string starting at `i` (a `"`); -1 when unterminated. */
function quotedEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/** End (exclusive) of the bracketed value starting at `i` (`{` or `[`), skipping quoted strings; -1 when unbalanced. */
function bracketEnd(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x22) {
      const e = quotedEnd(s, j);
      if (e === -1) return -1;
      j = e - 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function unquote(q: string): string {
  // Without a backslash JSON.parse gives the text between the quotes, or throws (a raw control character) and so do we.
  if (q.indexOf('\\') === -1) return q.slice(1, -1);
  try {
    const v: unknown = JSON.parse(q);
    if (typeof v === 'string') return v;
  } catch {
    // Go %q escapes JSON does not know (\x00, \a): keep the text between the quotes.
  }
  return q.slice(1, -1);
}

function decode(raw: string): unknown {
  const c = raw.charCodeAt(0);
  if (c === 0x22) return unquote(raw);
  if (c === 0x7b || c === 0x5b) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/**
 * The key=value pairs after the message, read as far as the keys asked for:
 * rows ask for a few keys near the start (`pod=`, `source=`), and a status
 * line's JSON is delimited only when a row wants it. Reading stops at the first
 * value it cannot delimit, keeping the pairs before it; the first of two equal
 * keys wins.
 */
class KlogRecord extends Memo implements LogRecord {
  // Few pairs per line, so arrays beat maps.
  private readonly keys: string[] = [];
  private readonly raws: string[] = [];
  private decoded: Map<string, unknown> | undefined;
  private at: number;

  constructor(
    readonly msg: string,
    private readonly message: string,
    msgEnd: number,
  ) {
    super();
    this.at = msgEnd;
  }

  get(key: string): unknown {
    if (this.decoded?.has(key)) return this.decoded.get(key);
    const raw = this.raw(key);
    const v = raw === undefined ? undefined : decode(raw);
    (this.decoded ??= new Map()).set(key, v);
    return v;
  }

  raw(key: string): string | undefined {
    const keys = this.keys;
    for (let i = 0; ; i++) {
      if (i === keys.length && !this.next()) return undefined;
      if (keys[i] === key) return this.raws[i];
    }
  }

  /** Reads one more pair; false at the end. */
  private next(): boolean {
    const message = this.message;
    const n = message.length;
    let i = this.at;
    while (i < n && message.charCodeAt(i) === 0x20) i++;
    const eq = message.indexOf('=', i);
    if (i >= n || eq <= i) return this.stop();
    for (let k = i; k < eq; k++) if (isSpace(message.charCodeAt(k))) return this.stop();
    let start = eq + 1;
    let end: number;
    const c = message.charCodeAt(start);
    if (c === 0x22) end = quotedEnd(message, start);
    else if (c === 0x7b || c === 0x5b) end = bracketEnd(message, start);
    else if (c === 0x26 && message.charCodeAt(start + 1) === 0x7b) {
      start++;
      end = bracketEnd(message, start);
    } else {
      end = message.indexOf(' ', start);
      if (end === -1) end = n;
    }
    if (end === -1) return this.stop();
    // The first of two equal keys wins: a later one is read past, never found.
    this.keys.push(message.slice(i, eq));
    this.raws.push(message.slice(start, end));
    this.at = end;
    return true;
  }

  private stop(): false {
    this.at = this.message.length;
    return false;
  }
}

/** A structured klog message (it starts with a quote) as a record. */
export function parseStructured(message: string): LogRecord | undefined {
  if (message.charCodeAt(0) !== 0x22) return undefined;
  const msgEnd = quotedEnd(message, 0);
  if (msgEnd === -1) return undefined;
  return new KlogRecord(unquote(message.slice(0, msgEnd)), message, msgEnd);
}
