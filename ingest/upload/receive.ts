// Receives a request body into a file (an upload) or into memory (a trace
// export) while counting its bytes: a declared Content-Length past the limit
// is refused before reading, and a body that grows past it (chunked, or lying
// about its length) is cut off there.
import fs from 'node:fs';

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
  const out = fs.createWriteStream(file, { flags: 'wx' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let received = 0;
  try {
    if (body) {
      const reader = body.getReader();
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        received += value.byteLength;
        if (received > maxBytes) {
          await reader.cancel();
          throw new UploadTooLargeError(`upload is over the limit of ${maxBytes} bytes`);
        }
        if (!out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    }
    out.end();
    await done;
    return received;
  } catch (e) {
    out.destroy();
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
