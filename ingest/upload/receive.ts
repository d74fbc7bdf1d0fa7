// Receives a request body into a file while counting its bytes: a declared
// Content-Length past the limit is refused before reading, and a body that
// grows past it (chunked, or lying about its length) is cut off there.
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
