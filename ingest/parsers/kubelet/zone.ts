// The zone of a kubelet's klog headers, from a line that prints a dated time
// with its zone the way Go's time.String() does (an Event's
// `FirstTimestamp:2026-09-15 15:59:53.790094099 +0200 CEST`): the kubelet
// prints its own times in its local zone, the zone its klog headers are in.
// Only offsets other than +0000 decide: a `+0000 UTC` time may be an API
// object's, printed in UTC whatever the node's zone.
//
// The search is for logs whose lines never pair a header with a UTC time
// (no "Observed pod startup duration", Kubernetes before 1.26). It reads raw
// bytes: a native substring search for the offset's start (` +0`, ` -1`…),
// then a look at a few dozen bytes around each hit, so no line is decoded
// but the candidates, and it stops at the first deciding line, after
// MAX_CANDIDATES looks or after the first MAX_SEARCH_BYTES of the log.
import type { Micros } from '../../../lib/model';
import { parseGoTime } from './time';

export interface ZoneLine {
  /** 1-based line number of the deciding line. */
  line: number;
  /** Header clock minus UTC: the offset the line printed. */
  offsetUs: number;
  /** The printed time, UTC. */
  at: Micros;
  /** The time as printed, e.g. `2026-09-15 15:59:53.790094099 +0200 CEST`. */
  text: string;
}

/** Hits looked at before giving up: plenty for the first Event of a log, little for a log full of `+0000 UTC`. */
export const MAX_CANDIDATES = 4096;
/**
 * Bytes searched before giving up: a kubelet that prints zoned times prints
 * them from its first pods on (Events), and a log that has none would cost a
 * whole second reading (a 1 GiB log read 2 to 4 times slower than without).
 */
export const MAX_SEARCH_BYTES = 64 * 1024 * 1024;

/**
 * An offset starts ` +0`, ` +1`, ` -0` or ` -1`; searched from its sign, as a
 * space before it is checked in place: Buffer.indexOf runs memchr on a
 * needle's first byte, and a space is every few bytes of a log (a log with no
 * zoned time was read several times slower than by its reader).
 */
const SIGNS = ['+0', '+1', '-0', '-1'].map((s) => Buffer.from(s, 'latin1'));
const SPACE = 0x20;
/** Bytes before the needle a Go time can take: `2006-01-02 15:04:05.999999999`. */
const BEFORE = 30;
/** Bytes from the needle on: ` -0700 ABBRV` and a byte past it. */
const AFTER = 13;
/** Bytes from the needle on that must be there to read the offset: ` -0700 A`. */
const OFFSET_BYTES = 8;
const NL = 0x0a;
const GO_ZONED = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})?) ([+-])(\d\d)(\d\d) ([A-Z][A-Z0-9]{1,5}|[+-]\d{2,4})(?![A-Za-z0-9])/;

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(NL, from); i !== -1 && i < to; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

/** The Go time with a non-zero zone offset whose offset starts at `at` in `buf`, if there is one. */
function zonedAt(buf: Buffer, at: number): Omit<ZoneLine, 'line'> | undefined {
  const start = Math.max(0, at - BEFORE);
  const window = buf.toString('latin1', start, Math.min(buf.length, at + AFTER));
  const m = GO_ZONED.exec(window);
  if (!m || start + m.index + m[1].length !== at) return undefined;
  const offsetMin = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  if (offsetMin === 0 || Number(m[4]) >= 60) return undefined;
  const utc = parseGoTime(`${m[1]} ${m[2]}${m[3]}${m[4]}`);
  return utc === undefined ? undefined : { offsetUs: offsetMin * 60_000_000, at: utc, text: m[0] };
}

/**
 * Fed a log's bytes in order; `found` is the first line that decides the
 * zone, `foundAt` the byte its offset starts at. Counting lines as the bytes
 * pass costs a call per line: a search that can read the log again leaves
 * it (`countLines` false, `found.line` 0) until a line is found.
 */
export class ZoneSearch {
  found: ZoneLine | undefined;
  foundAt = -1;
  private looked = 0;
  /** Lines before the start of `tail`, when counted. */
  private lines = 0;
  /** Bytes before the start of `tail`. */
  private bytes = 0;
  /** The end of the previous chunk: a time may straddle two chunks. */
  private tail = Buffer.alloc(0);
  /** No more chunks: a time at the very end is whole. */
  private ended = false;

  constructor(private readonly countLines = true) {}

  get done(): boolean {
    return this.found !== undefined || this.looked >= MAX_CANDIDATES || this.bytes >= MAX_SEARCH_BYTES;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    // Hits whose window fit in the previous chunk were looked at then.
    const from = Math.max(0, this.tail.length - AFTER);
    let best = -1;
    let hit: Omit<ZoneLine, 'line'> | undefined;
    for (const sign of SIGNS) {
      for (let j = buf.indexOf(sign, from + 1); j !== -1; j = buf.indexOf(sign, j + 1)) {
        // The offset's space, where the time's hit starts.
        const i = j - 1;
        if (best !== -1 && i >= best) break;
        if (buf[i] !== SPACE) continue;
        // Cut short by the chunk's end: looked at again with the next one.
        if (i + AFTER > buf.length && !this.ended) break;
        if (i + OFFSET_BYTES > buf.length) break;
        if (++this.looked > MAX_CANDIDATES) break;
        const z = zonedAt(buf, i);
        if (z) {
          best = i;
          hit = z;
          break;
        }
      }
    }
    if (hit) {
      this.found = { line: this.countLines ? this.lines + countNewlines(buf, 0, best) + 1 : 0, ...hit };
      this.foundAt = this.bytes + best;
      return;
    }
    const keep = Math.min(buf.length, BEFORE + AFTER);
    if (this.countLines) this.lines += countNewlines(buf, 0, buf.length - keep);
    this.bytes += buf.length - keep;
    this.tail = Buffer.from(buf.subarray(buf.length - keep));
  }

  /** The log ended: what was kept back for the next chunk is looked at as it is. */
  end(): ZoneLine | undefined {
    this.ended = true;
    this.push(Buffer.alloc(0));
    return this.found;
  }
}

/** The 1-based line of byte `at` of a log. */
async function lineAt(chunks: AsyncIterable<Buffer>, at: number): Promise<number> {
  let line = 1;
  let bytes = 0;
  for await (const chunk of chunks) {
    const upto = Math.min(chunk.length, at - bytes);
    line += countNewlines(chunk, 0, upto);
    bytes += chunk.length;
    if (bytes >= at) break;
  }
  return line;
}

/**
 * The first line of a log that decides its zone: a pass over its bytes
 * (`read()`) without counting lines, and once a line is found a second pass
 * that counts them up to it.
 */
export async function findZoneLine(read: () => AsyncIterable<Buffer>): Promise<ZoneLine | undefined> {
  const search = new ZoneSearch(false);
  for await (const chunk of read()) {
    search.push(chunk);
    if (search.done) break;
  }
  const found = search.done ? search.found : search.end();
  return found && { ...found, line: await lineAt(read(), search.foundAt) };
}
