// Receives a request body into a file (an upload) or into memory (a trace
// export) while counting its bytes: a declared Content-Length past the limit
// is refused before reading, and a body that grows past it (chunked, or lying
// about its length) is cut off there. A failed write (a full disk) ends the
// receive with that error; the partial file is removed either way.
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export class UploadTooLargeError extends Error {}

export async function receiveBody(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  file: string,
  maxBytes: number,
): Promise<number> {
  if (declaredLength !== null && /^\d+$/.test(declaredLength) && Number(declaredLength) > maxBytes) {
    throw new UploadTooLargeError(`upload of ${declaredLength} bytes is over the limit of ${maxBytes} bytes`);
  }
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      if (received > maxBytes) cb(new UploadTooLargeError(`upload is over the limit of ${maxBytes} bytes`));
      else cb(null, chunk);
    },
  });
  const source = body ? Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
  try {
    await pipeline(source, counter, fs.createWriteStream(file, { flags: 'wx' }));
    return received;
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw e;
  }
}

/** The body in memory, for requests small enough to decode whole (OTLP exports). */
export async function receiveBuffer(body: ReadableStream<Uint8Array> | null, declaredLength: string | null, maxBytes: number): Promise<Buffer> {
  if (declaredLength !== null && /^\d+$/.test(declaredLength) && Number(declaredLength) > maxBytes) {
    throw new UploadTooLargeError(`request of ${declaredLength} bytes is over the limit of ${maxBytes} bytes`);
  }
  const parts: Buffer[] = [];
  let received = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel();
        throw new UploadTooLargeError(`request is over the limit of ${maxBytes} bytes`);
      }
      parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  }
  return Buffer.concat(parts, received);
}
