// Streaming line reader for the text parsers: turns a byte or string stream
// into numbered lines without holding more than one line plus one chunk, and
// a sniff test that tells a caller it was handed a binary file.

export interface NumberedLine {
  line: string;
  /** 1-based. */
  no: number;
}

const LF = 0x0a;

/**
 * A copy of `s` that does not share storage with the string it was sliced
 * from: V8 keeps a whole chunk alive for as long as any slice of it lives.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * Yields the lines of a stream, with `\n` or `\r\n` endings removed, a final
 * line without newline included, and a UTF-8 byte order mark dropped. Buffer
 * chunks are split on bytes (LF never occurs inside a UTF-8 sequence) and
 * each line decoded on its own, so no yielded string refers to a chunk.
 */
export async function* readLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<NumberedLine> {
  let no = 0;
  // The unfinished last line: decoded text first, then raw bytes. Kept as parts so a very long line is joined once.
  let pendingText: string[] = [];
  let pendingBytes: Buffer[] = [];
  const takePending = (): string => {
    if (pendingBytes.length) pendingText.push(Buffer.concat(pendingBytes).toString('utf8'));
    const text = pendingText.join('');
    pendingText = [];
    pendingBytes = [];
    return text;
  };
  const emit = (raw: string): NumberedLine => {
    no += 1;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (no === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    return { line, no };
  };

  for await (const chunk of stream) {
    if (typeof chunk === 'string') {
      if (pendingBytes.length) pendingText = [takePending()];
      let start = 0;
      for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', start)) {
        const piece = chunk.slice(start, i);
        yield emit(detach(pendingText.length ? takePending() + piece : piece));
        start = i + 1;
      }
      if (start < chunk.length) pendingText.push(detach(chunk.slice(start)));
    } else {
      let start = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, start)) {
        if (pendingBytes.length || pendingText.length) {
          pendingBytes.push(chunk.subarray(start, i));
          yield emit(takePending());
        } else yield emit(chunk.toString('utf8', start, i));
        start = i + 1;
      }
      // A copy, so the carried tail does not pin the whole chunk.
      if (start < chunk.length) pendingBytes.push(Buffer.from(chunk.subarray(start)));
    }
  }
  if (pendingText.length || pendingBytes.length) {
    const last = takePending();
    if (last) yield emit(last);
  }
}

/** How much of a file `looksBinary` looks at. */
export const SNIFF_BYTES = 8192;

/**
 * True when the first bytes of a file are not text: a NUL byte, or more than
 * one in ten bytes being control characters or broken UTF-8. A UTF-8
 * sequence cut off by the end of the sample counts as text.
 */
export function looksBinary(firstBytes: Buffer): boolean {
  const n = Math.min(firstBytes.length, SNIFF_BYTES);
  if (n === 0) return false;
  let bad = 0;
  let i = 0;
  while (i < n) {
    const b = firstBytes[i];
    if (b === 0) return true;
    if (b < 0x80) {
      // Tab, LF, VT, FF, CR and ESC (colour codes in CI logs) are text.
      if ((b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b) || b === 0x7f) bad += 1;
      i += 1;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) {
      bad += 1;
      i += 1;
      continue;
    }
    let ok = true;
    for (let k = 1; k < len && i + k < n; k++) {
      if ((firstBytes[i + k] & 0xc0) !== 0x80) ok = false;
    }
    if (ok) i += len;
    else {
      bad += 1;
      i += 1;
    }
  }
  return bad * 10 > n;
}
