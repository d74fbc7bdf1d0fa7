// Transparent gunzip for kubelet logs: gzip is told by its magic bytes
// (1f 8b), not by the file name. A truncated or corrupt gzip ends the stream
// with a warning; what was decompressed before is kept. Inflated chunks are
// large (1 MiB): fewer, bigger copies into the scanner's buffer.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const CHUNK_BYTES = 1024 * 1024;

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

/** Inflates a gzip stream (one member or several). */
export function gunzip(input: AsyncIterable<Buffer>): Decompressed {
  let failure: string | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    const source = input instanceof Readable ? input : Readable.from(input);
    const inflate = createGunzip({ chunkSize: CHUNK_BYTES });
    source.on('error', (e: Error) => inflate.destroy(e));
    source.pipe(inflate);
    try {
      for await (const chunk of inflate) yield chunk as Buffer;
    } catch (e) {
      failure = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'truncated gzip: kept what was read' : `corrupt gzip: ${(e as Error).message}`;
    } finally {
      source.destroy();
    }
  }
  return { chunks: chunks(), error: () => failure };
}

export function maybeGunzip(input: AsyncIterable<Buffer>): Decompressed {
  let inner: Decompressed | undefined;
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
    inner = gunzip(prepend(first, it));
    yield* inner.chunks;
  }
  return { chunks: chunks(), error: () => inner?.error() };
}
