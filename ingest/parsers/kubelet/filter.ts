// The probe table (probes.ts) as byte patterns, so the scanner can tell on raw
// bytes which rows a line can match before decoding it or parsing its header.
//
// Each marker is found through its anchor, its first ANCHOR_BYTES bytes: the
// scanner searches each anchor once over a whole block (Buffer.indexOf finds
// a needle shorter than 8 bytes with memchr on its first byte, about 10x
// faster here than the Boyer-Moore-Horspool it uses for 8 bytes and more, so
// markers should start with a rare byte, such as a capital) and compares the
// whole markers sharing it at each hit. A line holding an anchor is a
// candidate: it is counted as unreadable when it is not valid UTF-8. A
// candidate goes on to the rows when it holds one of a row's markers and one
// of its requirements; or, when it holds a backslash, one of the row's anchors
// (an escape could spell the rest).
import type { ProbeRule } from './probes';

export const ANCHOR_BYTES = 7;

/**
 * The markers starting with one anchor, as a tree of their bytes after it:
 * following a line's bytes from an anchor down the tree collects the rows
 * whose markers are there, each byte looked at once.
 */
export interface MarkerTree {
  /** Rows (a mask) whose marker ends here. */
  rows: number;
  /** The next byte, and the tree after it. */
  next: [number, MarkerTree][];
}

export interface ByteFilter {
  /** Distinct anchors. */
  anchors: Buffer[];
  /** Per anchor: the rows (mask) one of whose markers starts with it. */
  anchorRows: number[];
  /** Per anchor: its markers. */
  markers: MarkerTree[];
  /** Distinct requirements. */
  requires: Buffer[];
  /** Per row: indexes into `requires`, empty when the row has none. */
  rowRequires: number[][];
}

/** The most rows a mask holds (a 32-bit integer). */
const MAX_ROWS = 31;

export function byteFilter(rules: readonly ProbeRule[]): ByteFilter {
  if (rules.length > MAX_ROWS) throw new Error(`the probe table has ${rules.length} rows; the byte filter takes at most ${MAX_ROWS}`);
  const anchorIndex = new Map<string, number>();
  const f: ByteFilter = { anchors: [], anchorRows: [], markers: [], requires: [], rowRequires: [] };
  const requireIndex = new Map<string, number>();
  rules.forEach((rule, r) => {
    const bit = 1 << r;
    for (const m of rule.markers) {
      const bytes = Buffer.from(m, 'utf8');
      const anchor = bytes.subarray(0, ANCHOR_BYTES);
      const key = anchor.toString('latin1');
      let a = anchorIndex.get(key);
      if (a === undefined) {
        a = f.anchors.length;
        anchorIndex.set(key, a);
        f.anchors.push(Buffer.from(anchor));
        f.anchorRows.push(0);
        f.markers.push({ rows: 0, next: [] });
      }
      f.anchorRows[a] |= bit;
      let node = f.markers[a];
      for (const b of bytes.subarray(anchor.length)) {
        let child = node.next.find(([x]) => x === b)?.[1];
        if (!child) {
          child = { rows: 0, next: [] };
          node.next.push([b, child]);
        }
        node = child;
      }
      node.rows |= bit;
    }
    f.rowRequires.push(
      (rule.requires ?? []).map((req) => {
        let i = requireIndex.get(req);
        if (i === undefined) {
          i = f.requires.length;
          requireIndex.set(req, i);
          f.requires.push(Buffer.from(req, 'utf8'));
        }
        return i;
      }),
    );
  });
  return f;
}
