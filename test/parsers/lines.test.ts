import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksBinary, readLines, type NumberedLine } from '../../ingest/parsers/lines';

async function* chunks<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect(items: (Buffer | string)[]): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const l of readLines(chunks(items))) out.push(l);
  return out;
}

/** Splits `buf` at the given offsets (sorted, deduplicated, in range). */
function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    parts.push(buf.subarray(prev, p));
    prev = p;
  }
  return parts;
}

describe('readLines', () => {
  it('numbers lines from 1, drops \\n and \\r\\n, and keeps a last line without newline', async () => {
    const lines = await collect([Buffer.from('I1117 10:40:01.512] [Result:Performance] {\r\n  "version": "v1",\n}')]);
    expect(lines).toEqual([
      { line: 'I1117 10:40:01.512] [Result:Performance] {', no: 1 },
      { line: '  "version": "v1",', no: 2 },
      { line: '}', no: 3 },
    ]);
  });

  it('joins a line split across chunks, including a \\r\\n and a UTF-8 character cut in half', async () => {
    const text = Buffer.from('STEP: créer\r\nNov 17 10:40:01.512: INFO: ok\n');
    const cut = text.indexOf(0xa9); // second byte of é
    const cr = text.indexOf(0x0d);
    const lines = await collect([text.subarray(0, cut), text.subarray(cut, cr + 1), text.subarray(cr + 1)]);
    expect(lines.map((l) => l.line)).toEqual(['STEP: créer', 'Nov 17 10:40:01.512: INFO: ok']);
  });

  it('keeps empty lines, but yields nothing after a final newline', async () => {
    expect((await collect(['a\n\n', '\nb\n'])).map((l) => l.line)).toEqual(['a', '', '', 'b']);
    expect(await collect([''])).toEqual([]);
  });

  it('drops a byte order mark at the start of the first line only', async () => {
    const lines = await collect([Buffer.from('\ufeffRunning Suite\n\ufeffx\n')]);
    expect(lines.map((l) => l.line)).toEqual(['Running Suite', '\ufeffx']);
  });

  it('reads string chunks the same as buffers', async () => {
    expect(await collect(['Ran 12 of 300 ', 'Specs\r', '\nSUCCESS!'])).toEqual([
      { line: 'Ran 12 of 300 Specs', no: 1 },
      { line: 'SUCCESS!', no: 2 },
    ]);
  });

  it('gives the same lines however the bytes are chunked (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
        const buf = Buffer.from(bytes);
        const whole = await collect([buf]);
        const split = await collect(splitAt(buf, cuts));
        expect(split).toEqual(whole);
      }),
    );
  });

  it('gives the same lines however a text is chunked, and they are the text split at newlines (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'é', '\n', '\r', '\r\n', ' ', '{', '}', '€', '😀'), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (pieces, cuts) => {
          const text = pieces.join('');
          const whole = await collect([text]);
          const split = await collect(splitAt(Buffer.from(text), cuts));
          expect(split).toEqual(whole);
          const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
          if (text === '' || text.endsWith('\n')) expected.pop();
          expect(whole.map((l) => l.line)).toEqual(expected);
        },
      ),
    );
  });
});

describe('looksBinary', () => {
  it('says a build log is text, including UTF-8, tabs and colour codes', () => {
    const log = Buffer.from('I1117 10:40:01.512] \x1b[1mSTEP:\x1b[0m créer 105 pods\t✓\r\n'.repeat(50));
    expect(looksBinary(log)).toBe(false);
  });

  it('says a gzip file is binary (NUL bytes)', () => {
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x4c]);
    expect(looksBinary(gzip)).toBe(true);
  });

  it('says mostly broken UTF-8 or control bytes is binary, without NULs', () => {
    expect(looksBinary(Buffer.from([0xff, 0xfe, 0x41, 0x80, 0x81, 0x02, 0x03, 0x41]))).toBe(true);
  });

  it('says an empty file is not binary, and a sequence cut off at the end of the sample is text', () => {
    expect(looksBinary(Buffer.alloc(0))).toBe(false);
    const text = Buffer.from('a'.repeat(8191) + 'é');
    expect(looksBinary(text)).toBe(false);
  });
});
