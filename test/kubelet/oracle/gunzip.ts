// Transparent gunzip for kubelet logs: gzip is told by its magic bytes
// (1f 8b), not by the file name. A truncated or corrupt gzip ends the stream
// with a warning; what was decompressed before is kept.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

export interface Decompressed {
  chunks: AsyncIterable<Buffer>;
  /** Set once the stream ended, when the gzip was truncated or corrupt. */
  error(): string | undefined;
}

export function maybeGunzip(input: AsyncIterable<Buffer>): Decompressed {
  let failure: string | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    const it = input[Symbol.asyncIterator]();
    let first: Buffer | undefined;
    // Skip empty chunks so that the magic bytes are seen wherever the input splits.
    while (first === undefined || first.length < 2) {
      const r = await it.next();
      if (r.done) {
        if (first?.length) yield first;
        return;
      }
      first = first ? Buffer.concat([first, r.value]) : r.value;
    }
    if (first[0] !== 0x1f || first[1] !== 0x8b) {
      yield* prepend(first, it);
      return;
    }
    const source = Readable.from(prepend(first, it));
    const gunzip = createGunzip();
    source.on('error', (e: Error) => gunzip.destroy(e));
    source.pipe(gunzip);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (e) {
      failure = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'truncated gzip: kept what was read' : `corrupt gzip: ${(e as Error).message}`;
    } finally {
      source.destroy();
    }
  }
  return { chunks: chunks(), error: () => failure };
}
