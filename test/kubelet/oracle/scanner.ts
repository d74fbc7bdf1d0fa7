// The chunk scanner: finds the lines of a byte stream that contain one of a
// few markers and decodes only those. Markers are searched with
// Buffer.indexOf over whole chunks (native, fast), so the other lines are
// only counted, never turned into strings. A line split across chunks is
// reassembled; a line longer than the cap, or holding NUL bytes or invalid
// UTF-8, is skipped and counted, and the scanner never holds more than the
// cap of it.

export interface ScanOptions {
  markers: readonly string[];
  /** Lines longer than this many bytes are skipped. */
  maxLineBytes: number;
}

export interface ScanTotals {
  lines: number;
  skipped: number;
}

/** Called with each candidate line (without its line break) and its 1-based number. */
export type LineHandler = (text: string, line: number) => void;

const NL = 0x0a;
const NUL = [Buffer.from([0])];

export class LineScanner {
  private readonly markers: Buffer[];
  private readonly max: number;
  private lines = 0;
  private skipped = 0;
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Inside a line that already passed the cap: drop bytes up to its end. */
  private dropping = false;

  constructor(
    opts: ScanOptions,
    private readonly onLine: LineHandler,
  ) {
    this.markers = opts.markers.map((m) => Buffer.from(m, 'utf8'));
    this.max = opts.maxLineBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carryLen > 0 || this.dropping) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.hold(chunk);
        return;
      }
      this.finishCarried(chunk.subarray(0, nl + 1));
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) {
      this.region(chunk, start, last + 1);
      start = last + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** Ends the stream: a last line without a line break still counts. */
  end(): ScanTotals {
    if (this.carryLen > 0 || this.dropping) this.finishCarried(Buffer.from([NL]));
    return { lines: this.lines, skipped: this.skipped };
  }

  private hold(part: Buffer): void {
    if (this.dropping) return;
    if (this.carryLen + part.length > this.max + 1) {
      this.carry = [];
      this.carryLen = 0;
      this.dropping = true;
      return;
    }
    // A copy: a view would keep the whole chunk alive.
    this.carry.push(Buffer.from(part));
    this.carryLen += part.length;
  }

  private finishCarried(tail: Buffer): void {
    if (this.dropping || this.carryLen + tail.length - 1 > this.max) {
      this.lines++;
      this.skipped++;
    } else {
      const line = Buffer.concat([...this.carry, tail]);
      this.region(line, 0, line.length);
    }
    this.carry = [];
    this.carryLen = 0;
    this.dropping = false;
  }

  /** [s, e) holds whole lines, each ending with a line break. */
  private region(buf: Buffer, s: number, e: number): void {
    const hits = this.lineStartsOf(buf, s, e, this.markers);
    const nul = this.lineStartsOf(buf, s, e, NUL);
    const nulSet = nul.length ? new Set(nul) : undefined;
    if (nulSet) for (const h of nul) if (!hits.includes(h)) hits.push(h);
    if (hits.length > 1) hits.sort((a, b) => a - b);
    let cur = s;
    for (const h of hits) {
      cur = this.count(buf, cur, h);
      const nl = buf.indexOf(NL, h);
      const len = nl - h;
      this.lines++;
      if (len > this.max || nulSet?.has(h)) this.skipped++;
      else {
        const text = buf.toString('utf8', h, len > 0 && buf[nl - 1] === 0x0d ? nl - 1 : nl);
        if (text.includes('\uFFFD')) this.skipped++;
        else this.onLine(text, this.lines);
      }
      cur = nl + 1;
    }
    this.count(buf, cur, e);
  }

  /** Counts the lines in [from, to), which holds whole lines; returns `to`. */
  private count(buf: Buffer, from: number, to: number): number {
    let p = from;
    while (p < to) {
      const nl = buf.indexOf(NL, p);
      if (nl - p > this.max) this.skipped++;
      this.lines++;
      p = nl + 1;
    }
    return to;
  }

  /** Starts of the lines in [s, e) that contain one of the needles, each once. */
  private lineStartsOf(buf: Buffer, s: number, e: number, needles: readonly Buffer[]): number[] {
    const out: number[] = [];
    for (const needle of needles) {
      let p = buf.indexOf(needle, s);
      while (p !== -1 && p < e) {
        out.push(Math.max(s, buf.lastIndexOf(NL, p) + 1));
        const nl = buf.indexOf(NL, p);
        if (nl === -1 || nl + 1 >= e) break;
        p = buf.indexOf(needle, nl + 1);
      }
    }
    return needles.length > 1 && out.length > 1 ? [...new Set(out)] : out;
  }
}

export async function scanLines(input: AsyncIterable<Buffer>, opts: ScanOptions, onLine: LineHandler): Promise<ScanTotals> {
  const scanner = new LineScanner(opts, onLine);
  for await (const chunk of input) scanner.push(chunk);
  return scanner.end();
}
