// The block scanner: reads a byte stream through one reused buffer, counts
// its lines and hands on only the lines that can match a row of the probe
// table, decoded. Which lines those are is decided on raw bytes (filter.ts):
// the markers' windows are searched once per block with Buffer.indexOf, so a
// line without one is only counted, and a line that holds none of a row's
// markers and requirements (the SyncLoop housekeeping, SYNC and UPDATE lines,
// PLEG events other than ContainerStarted, Pending statuses) is never turned
// into a string. A line longer than the cap, or holding a NUL byte, is skipped
// and counted; so is a candidate line (holding an anchor) that is not valid
// UTF-8 (or holds U+FFFD). The scanner never holds more than the cap of a
// line.
import { isUtf8 } from 'node:buffer';
import type { ByteFilter, MarkerBytes } from './filter';

export interface ScanOptions {
  filter: ByteFilter;
  /** Lines longer than this many bytes are skipped. */
  maxLineBytes: number;
  /** The reused buffer's size (default 1 MiB); at least twice the longest line. */
  blockBytes?: number;
  /** A buffer to reuse (its bytes are overwritten), when big enough; one scanner at a time. */
  buffer?: Buffer;
  /** Stream offset of the first byte pushed (default 0). */
  offset?: number;
  /** Only lines starting before this stream offset are read (a piece of a file; default: all). */
  limit?: number;
}

export interface ScanTotals {
  lines: number;
  skipped: number;
}

/**
 * A line that can match the rows (a bit mask over the table) of the probe
 * table: its text without the line break, 1-based number, byte offset. Until
 * the handler returns false, it also gets the candidates that match no row
 * (rows 0).
 */
export type LineHandler = (text: string, line: number, offset: number, rows: number) => boolean;

/** Blocks read at once: 1 MiB read faster here than 4 MiB (what is read is still in the cache when searched). */
export const BLOCK_BYTES = 1024 * 1024;
/** Lines are searched in stretches of about this many bytes, each searched for every needle while it is in the cache. */
const STRETCH_BYTES = 128 * 1024;
const NL = 0x0a;
const CR = 0x0d;
const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');
/** "Not found": beyond any position, and still a small integer. */
const NONE = 0x7fffffff;

function find(buf: Buffer, needle: Buffer | number, from: number): number {
  const i = buf.indexOf(needle, from);
  return i === -1 ? NONE : i;
}

/** The next occurrence of a needle at or after a position, searched lazily: positions asked for only grow within a block. */
class Occurrences {
  private at = -1;
  constructor(private readonly needle: Buffer | number) {}
  reset(): void {
    this.at = -1;
  }
  /** Whether [from, to) holds the needle. */
  within(buf: Buffer, from: number, to: number): boolean {
    if (this.at < from) this.at = find(buf, this.needle, from);
    return this.at < to;
  }
}

export class LineScanner {
  private buf: Buffer;
  /** buf[0, len) is the stream from offset `base`. */
  private len = 0;
  private base: number;
  private readonly limit: number;
  /** Inside a line that already passed the cap: drop bytes up to its end. */
  private dropping = false;
  /** The handler still wants lines that match no row. */
  private rowless = true;
  /** The piece's last line was read. */
  private finished = false;
  private lines = 0;
  private skipped = 0;
  private readonly max: number;
  private readonly filter: ByteFilter;
  private readonly nextWindow: number[];
  private readonly nextAnchor: number[];
  private readonly requires: Occurrences[];
  private readonly nul = new Occurrences(0);
  private readonly replacement = new Occurrences(REPLACEMENT);

  constructor(
    opts: ScanOptions,
    private readonly onLine: LineHandler,
  ) {
    this.max = opts.maxLineBytes;
    this.filter = opts.filter;
    this.base = opts.offset ?? 0;
    this.limit = opts.limit ?? Infinity;
    const size = Math.max(opts.blockBytes ?? BLOCK_BYTES, 2 * (this.max + 2));
    this.buf = opts.buffer && opts.buffer.length >= size ? opts.buffer : Buffer.allocUnsafe(size);
    this.nextWindow = this.filter.windows.map(() => NONE);
    this.nextAnchor = this.filter.anchors.map(() => NONE);
    this.requires = this.filter.requires.map((r) => new Occurrences(r));
  }

  /** Its buffer, to give the next scanner once this one is done. */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Whether the scanner wants more bytes (false once a piece's last line was read). */
  get wants(): boolean {
    return !this.finished;
  }

  /** Reads the next bytes straight into the buffer: `read(buf, at, length)` returns how many it wrote, 0 at the end. */
  fill(read: (buf: Buffer, at: number, length: number) => number): number {
    const n = read(this.buf, this.len, this.buf.length - this.len);
    this.commit(n);
    return n;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.finished) {
      const n = chunk.copy(this.buf, this.len, at);
      at += n;
      this.commit(n);
    }
  }

  /** Ends the stream: a last line without a line break still counts. */
  end(): ScanTotals {
    if (!this.finished) {
      if (this.len > 0 && this.buf[this.len - 1] !== NL) this.buf[this.len++] = NL;
      else if (this.len === 0 && this.dropping) {
        this.lines++;
        this.skipped++;
        this.dropping = false;
      }
      this.flush();
      this.finished = true;
    }
    return { lines: this.lines, skipped: this.skipped };
  }

  private commit(n: number): void {
    this.len += n;
    if (this.len === this.buf.length) this.flush();
  }

  /** Reads the whole lines in the buffer and keeps the start of the last one. */
  private flush(): void {
    const buf = this.buf;
    const len = this.len;
    let start = 0;
    if (this.dropping) {
      const nl = buf.indexOf(NL);
      if (nl === -1 || nl >= len) {
        this.base += len;
        this.len = 0;
        return;
      }
      this.lines++;
      this.skipped++;
      this.dropping = false;
      start = nl + 1;
      if (this.base + nl >= this.limit - 1) return this.finish();
    }
    let end = len > start ? Math.max(start, buf.lastIndexOf(NL, len - 1) + 1) : start;
    // The piece ends with the line holding its last byte.
    const last = this.limit - 1 - this.base;
    if (last < len) {
      const cut = buf.indexOf(NL, Math.max(last, start));
      if (cut !== -1 && cut < len) {
        this.region(start, cut + 1);
        return this.finish();
      }
    }
    if (end > start) this.region(start, end);
    const rest = len - end;
    if (rest > this.max) {
      this.dropping = true;
      this.base += len;
      this.len = 0;
    } else {
      buf.copyWithin(0, end, len);
      this.base += end;
      this.len = rest;
    }
  }

  private finish(): void {
    this.finished = true;
    this.len = 0;
  }

  /** [s, e) holds whole lines, each ending with a line break. */
  private region(s: number, e: number): void {
    for (let from = s; from < e; ) {
      const nl = from + STRETCH_BYTES < e ? this.buf.indexOf(NL, from + STRETCH_BYTES) : -1;
      const to = nl === -1 || nl >= e ? e : nl + 1;
      this.stretch(from, to);
      from = to;
    }
  }

  /** [s, e) holds whole lines, each ending with a line break. */
  private stretch(s: number, e: number): void {
    const buf = this.buf.subarray(0, e);
    const f = this.filter;
    const max = this.max;
    const { windows, anchors } = f;
    const { nextWindow, nextAnchor } = this;
    const hasNul = buf.indexOf(0, s) !== -1;
    // Valid UTF-8 without U+FFFD as a whole: then so is every line.
    const suspect = !isUtf8(buf.subarray(s, e)) || buf.indexOf(REPLACEMENT, s) !== -1;
    // Candidates matter for lines that may not decode, and until the log is dated.
    const candidates = suspect || this.rowless;
    for (let k = 0; k < windows.length; k++) nextWindow[k] = find(buf, windows[k], s);
    for (let k = 0; k < anchors.length; k++) nextAnchor[k] = candidates ? find(buf, anchors[k], s) : NONE;
    for (const r of this.requires) r.reset();
    this.nul.reset();
    this.replacement.reset();

    let p = s;
    while (p < e) {
      let c = NONE;
      for (let k = 0; k < nextWindow.length; k++) if (nextWindow[k] < c) c = nextWindow[k];
      for (let k = 0; k < nextAnchor.length; k++) if (nextAnchor[k] < c) c = nextAnchor[k];
      let nl = buf.indexOf(NL, p);
      while (nl < c) {
        this.lines++;
        if (nl - p > max || (hasNul && this.nul.within(buf, p, nl))) this.skipped++;
        p = nl + 1;
        if (p >= e) return;
        nl = buf.indexOf(NL, p);
      }
      // [p, nl) holds a window or an anchor: which rows' markers does it hold?
      const line = ++this.lines;
      let rows = 0;
      for (let k = 0; k < nextWindow.length; k++) {
        let q = nextWindow[k];
        while (q < nl) {
          rows |= markersAround(buf, q, f.markers[k], p, nl);
          q = find(buf, windows[k], q + 1);
        }
        nextWindow[k] = q;
      }
      let candidate = rows !== 0;
      for (let k = 0; k < nextAnchor.length; k++) {
        if (nextAnchor[k] >= nl) continue;
        candidate = true;
        nextAnchor[k] = find(buf, anchors[k], nl);
      }
      if (nl - p > max || (hasNul && this.nul.within(buf, p, nl)) || (suspect && candidate && !this.readable(buf, p, nl))) {
        this.skipped++;
        p = nl + 1;
        continue;
      }
      for (let r = 0, bits = rows; bits !== 0; r++, bits >>>= 1) {
        const req = f.rowRequires[r];
        if ((bits & 1) === 0 || req.length === 0) continue;
        let held = false;
        for (let i = 0; i < req.length && !held; i++) held = this.requires[req[i]].within(buf, p, nl);
        if (!held) rows &= ~(1 << r);
      }
      if (rows !== 0 || (candidate && this.rowless)) {
        const rowless = this.rowless;
        this.rowless = this.onLine(buf.toString('utf8', p, nl > p && buf[nl - 1] === CR ? nl - 1 : nl), line, this.base + p, rows);
        // Dated: anchors are searched no more, unless this stretch needs them.
        if (rowless && !this.rowless && !suspect) nextAnchor.fill(NONE);
      }
      p = nl + 1;
    }
  }

  /** Decodes to text without U+FFFD: valid UTF-8 that does not spell U+FFFD. */
  private readable(buf: Buffer, from: number, to: number): boolean {
    return !this.replacement.within(buf, from, to) && isUtf8(buf.subarray(from, to));
  }
}

/** The rows whose markers hold, in [from, to), the window found at `at`. */
function markersAround(buf: Buffer, at: number, markers: readonly MarkerBytes[], from: number, to: number): number {
  let rows = 0;
  for (let i = 0; i < markers.length; i++) {
    const m = markers[i];
    const start = at - m.at;
    if (start < from || start + m.bytes.length > to || (rows & m.row) !== 0) continue;
    let j = 0;
    while (j < m.bytes.length && buf[start + j] === m.bytes[j]) j++;
    if (j === m.bytes.length) rows |= m.row;
  }
  return rows;
}
