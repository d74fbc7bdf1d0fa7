// Unpacks a build .tar.gz into a directory, safely: entries outside the
// build directory (`../`, absolute paths), links and devices are refused, the
// unpacked size and the number of entries are capped (a gzip bomb is refused),
// and only the file kinds a build holds are written.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform, Writable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { kindOf } from '../build';

export class ArchiveError extends Error {}

export interface ArchiveLimits {
  /** Bytes after gunzip, all entries together. */
  maxUnpackedBytes: number;
  maxEntries: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxUnpackedBytes: 4 * 1024 ** 3,
  maxEntries: 20_000,
};

/** Splits off a leading directory shared by a build archive (`1234/build-log.txt`). */
export function relativeName(name: string): { rel: string; top?: string } | undefined {
  const clean = name.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!clean || clean === '.') return undefined;
  if (clean.startsWith('/') || /^[A-Za-z]:/.test(clean)) throw new ArchiveError(`entry "${name}" has an absolute path`);
  const parts = clean.split('/');
  if (parts.some((p) => p === '..')) throw new ArchiveError(`entry "${name}" points outside the build directory`);
  if (kindOf(clean)) return { rel: clean };
  if (parts.length > 1 && kindOf(parts.slice(1).join('/'))) return { rel: parts.slice(1).join('/'), top: parts[0] };
  return { rel: clean };
}

/** Unpacks `input` (gzip-compressed tar) into `dest`; returns the files written. */
export async function extractBuildArchive(
  input: Readable,
  dest: string,
  limits: ArchiveLimits = DEFAULT_LIMITS,
): Promise<string[]> {
  fs.mkdirSync(dest, { recursive: true });
  const written: string[] = [];
  let unpacked = 0;
  let entries = 0;
  const extract = tar.extract();

  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      unpacked += chunk.length;
      if (unpacked > limits.maxUnpackedBytes) {
        cb(new ArchiveError(`archive unpacks to more than ${limits.maxUnpackedBytes} bytes; refused`));
      } else cb(null, chunk);
    },
  });

  const consume = (async () => {
    for await (const entry of extract) {
      entries++;
      if (entries > limits.maxEntries) throw new ArchiveError(`archive has more than ${limits.maxEntries} entries; refused`);
      const h = entry.header;
      const name = relativeName(h.name);
      if (h.type === 'directory' || !name) {
        entry.resume();
        continue;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        throw new ArchiveError(`entry "${h.name}" is a ${h.type}; only regular files are accepted`);
      }
      if (!kindOf(name.rel)) {
        entry.resume();
        continue;
      }
      const target = path.join(dest, name.rel);
      if (!target.startsWith(path.resolve(dest) + path.sep)) {
        throw new ArchiveError(`entry "${h.name}" points outside the build directory`);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      await pipeline(entry, fs.createWriteStream(target));
      written.push(name.rel);
    }
  })();

  const unpack = pipeline(input, zlib.createGunzip(), counter, extract as unknown as Writable);
  const [u, c] = await Promise.allSettled([unpack, consume.catch((e: unknown) => {
    extract.destroy(e as Error);
    throw e;
  })]);
  const failure = [c, u].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    const e = failure.reason as Error;
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`not a readable .tar.gz: ${e.message}`);
  }
  return written;
}
