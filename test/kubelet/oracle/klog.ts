// klog text lines: the header (`I0316 04:31:21.080604     202 kubelet.go:2474] `,
// no year, no zone) and, for 1.20+ structured messages, the record
// `"Quoted message" key=value key="v" key={json} key=&{Go struct} pods=[ns/a ns/b]`.
import type { LogRecord } from './record';

export interface KlogLine {
  severity: string;
  month: number;
  day: number;
  hh: number;
  mm: number;
  ss: number;
  us: number;
  /** `kubelet.go:2474` */
  source: string;
  message: string;
}

const HEADER = /^([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})\s+\d+\s+([^\s\]]+:\d+)\] ?/;

export function parseKlogHeader(text: string): KlogLine | undefined {
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return {
    severity: m[1],
    month,
    day,
    hh: Number(m[4]),
    mm: Number(m[5]),
    ss: Number(m[6]),
    us: Number(m[7]),
    source: m[8],
    message: text.slice(m[0].length),
  };
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

class KlogRecord implements LogRecord {
  constructor(
    readonly msg: string,
    private readonly values: Map<string, string>,
  ) {}
  get(key: string): unknown {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : decode(raw);
  }
  raw(key: string): string | undefined {
    return this.values.get(key);
  }
}

/**
 * A structured klog message (it starts with a quote) as a record. Parsing
 * stops at the first value it cannot delimit, keeping the pairs before it.
 */
export function parseStructured(message: string): LogRecord | undefined {
  if (message.charCodeAt(0) !== 0x22) return undefined;
  const msgEnd = quotedEnd(message, 0);
  if (msgEnd === -1) return undefined;
  const values = new Map<string, string>();
  let i = msgEnd;
  const n = message.length;
  while (i < n) {
    while (i < n && message.charCodeAt(i) === 0x20) i++;
    const eq = message.indexOf('=', i);
    if (eq <= i) break;
    const key = message.slice(i, eq);
    if (/\s/.test(key)) break;
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
    if (end === -1) break;
    if (!values.has(key)) values.set(key, message.slice(start, end));
    i = end;
  }
  return new KlogRecord(unquote(message.slice(0, msgEnd)), values);
}
