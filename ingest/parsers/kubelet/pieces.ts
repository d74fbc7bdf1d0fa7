// A kubelet log into facts: a stream of chunks, or one piece of a plain file.
// A piece holds the lines that start in its byte range (the last one may end
// past it), so pieces read by different threads add up to the file, each line
// read once; the file is read with readSync into one reused buffer.
import fs from 'node:fs';
import { FactLog, type FactsData } from './facts';
import { byteFilter } from './filter';
import { matchLine } from './match';
import { PROBE_RULES } from './probes';
import { LineScanner } from './scanner';

const FILTER = byteFilter(PROBE_RULES);
const NL = 0x0a;
/** This thread's buffers for pieces, read one at a time (fresh pages cost more than the reading). */
let block: Buffer | undefined;
const probe = Buffer.allocUnsafe(64 * 1024);

function scannerInto(facts: FactLog, maxLineBytes: number, extra: { offset?: number; limit?: number; buffer?: Buffer } = {}): LineScanner {
  return new LineScanner({ filter: FILTER, maxLineBytes, ...extra }, (text, line, at, rows) => matchLine(text, line, at, rows, facts));
}

/** Reads chunks into facts; a failing stream ends the read with `onError`, keeping what was read. */
export async function streamFacts(chunks: AsyncIterable<Buffer>, maxLineBytes: number, onError: (message: string) => void): Promise<FactsData> {
  const facts = new FactLog();
  const scanner = scannerInto(facts, maxLineBytes);
  try {
    for await (const chunk of chunks) scanner.push(chunk);
  } catch (e) {
    onError(`read error, kept what was read: ${(e as Error).message}`);
  }
  const totals = scanner.end();
  facts.lines += totals.lines;
  facts.skipped += totals.skipped;
  return facts.data();
}

/** Where the first line starting at or after `from` starts; `size` when none does. */
function lineStartFrom(fd: number, from: number, size: number): number {
  if (from === 0) return 0;
  for (let pos = from - 1; pos < size; ) {
    const n = fs.readSync(fd, probe, 0, probe.length, pos);
    if (n === 0) break;
    const nl = probe.subarray(0, n).indexOf(NL);
    if (nl !== -1) return pos + nl + 1;
    pos += n;
  }
  return size;
}

/** Piece `index` (of `pieceBytes` each) of a plain file of `size` bytes, into facts. */
export function readPiece(fd: number, size: number, index: number, pieceBytes: number, maxLineBytes: number): FactsData {
  const facts = new FactLog();
  const limit = Math.min(size, (index + 1) * pieceBytes);
  const start = lineStartFrom(fd, index * pieceBytes, size);
  if (start < limit) {
    const scanner = scannerInto(facts, maxLineBytes, { offset: start, limit, ...(block ? { buffer: block } : {}) });
    block = scanner.buffer;
    for (let pos = start; scanner.wants; ) {
      const n = scanner.fill((buf, at, length) => fs.readSync(fd, buf, at, length, pos));
      if (n === 0) break;
      pos += n;
    }
    const totals = scanner.end();
    facts.lines += totals.lines;
    facts.skipped += totals.skipped;
  }
  return facts.data();
}
