// The probe table (probes.ts) as byte patterns, so the scanner can tell on raw
// bytes which rows a line can match before decoding it or parsing its header.
//
// Buffer.indexOf finds a needle shorter than 8 bytes with memchr on its first
// byte and compares the rest in place (about 10x faster here than the
// Boyer-Moore-Horspool it uses for 8 bytes and more); what costs is each hit
// handed back to JavaScript. So each marker is searched through a window: 7 of
// its bytes starting with a byte rare in kubelet logs, and a window found
// becomes a whole marker checked in place. `Loop AD` of `SyncLoop ADD` finds
// only ADD lines, where the marker's first bytes `SyncLoo` would hand back
// every housekeeping, SYNC and PLEG line (a quarter of a verbose log).
//
// A line holding a marker's first 7 bytes (its anchor) is a candidate, as the
// old reader had it: a candidate that is not valid UTF-8 is unreadable, and
// the first candidate that reads as klog or JSON dates the log. The scanner
// looks for anchors only where that matters: in a block that is not all valid
// UTF-8, and until the log is dated.
//
// A line goes on to the rows when it holds one of a row's markers and one of
// its requirements, as written.
import type { ProbeRule } from './probes';

export const WINDOW_BYTES = 7;

/**
 * Bytes from rarest to commonest in kubelet logs (counted in real and bench
 * logs), for the first byte of a window; any other byte (lower case, digits,
 * punctuation) comes after them. The month names of journald prefixes make J,
 * F, M, A, S, O, N and D common in some months.
 */
const RARE_FIRST = 'QXZHWBYKGVRL(JFMONEAUCPTDSI';

function rarity(b: number): number {
  const i = RARE_FIRST.indexOf(String.fromCharCode(b));
  return i === -1 ? RARE_FIRST.length : i;
}

/** Where in `marker` its window starts: the 7 bytes whose first byte is rarest (the last such). */
export function windowOf(marker: Buffer): number {
  let best = 0;
  for (let at = 1; at + WINDOW_BYTES <= marker.length; at++) if (rarity(marker[at]) <= rarity(marker[best])) best = at;
  return best;
}

export interface MarkerBytes {
  bytes: Buffer;
  /** Where the window starts in it. */
  at: number;
  /** The bit of its row in a row mask. */
  row: number;
}

export interface ByteFilter {
  /** Distinct windows. */
  windows: Buffer[];
  /** Per window: the markers holding it. */
  markers: MarkerBytes[][];
  /** Distinct anchors (markers' first WINDOW_BYTES bytes). */
  anchors: Buffer[];
  /** Distinct requirements. */
  requires: Buffer[];
  /** Per row: indexes into `requires`, empty when the row has none. */
  rowRequires: number[][];
}

/** The most rows a mask holds (a 32-bit integer). */
const MAX_ROWS = 31;

/** `key` in `list`, added when missing; its index. */
function indexIn(list: Buffer[], key: Buffer): number {
  const i = list.findIndex((b) => b.equals(key));
  if (i !== -1) return i;
  list.push(Buffer.from(key));
  return list.length - 1;
}

export function byteFilter(rules: readonly ProbeRule[]): ByteFilter {
  if (rules.length > MAX_ROWS) throw new Error(`the probe table has ${rules.length} rows; the byte filter takes at most ${MAX_ROWS}`);
  const f: ByteFilter = { windows: [], markers: [], anchors: [], requires: [], rowRequires: [] };
  rules.forEach((rule, r) => {
    for (const m of rule.markers) {
      const bytes = Buffer.from(m, 'utf8');
      const at = windowOf(bytes);
      const w = indexIn(f.windows, bytes.subarray(at, at + WINDOW_BYTES));
      (f.markers[w] ??= []).push({ bytes, at, row: 1 << r });
      indexIn(f.anchors, bytes.subarray(0, WINDOW_BYTES));
    }
    f.rowRequires.push((rule.requires ?? []).map((req) => indexIn(f.requires, Buffer.from(req, 'utf8'))));
  });
  return f;
}
