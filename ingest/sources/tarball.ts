// Unpacks a build .tar.gz into a directory, safely: entries outside the
// build directory (`../`, absolute paths), links and devices are refused, the
// unpacked size and the number of entries are capped, and only the file kinds
// a build holds are written. A gzip bomb is stopped early, while streaming:
// past a first stretch, unpacking more than MAX_RATIO times what was read is
// refused long before the size cap (real build files compress 5 to 50 times).
import { UserError } from '../../lib/errors';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform, Writable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { kindOf } from '../build';
import { environmentProblem } from '../../lib/db/problems';

export class ArchiveError extends UserError {}

export interface ArchiveLimits {
  /** Bytes after gunzip, all entries together. */
  maxUnpackedBytes: number;
  maxEntries: number;
}

/** A real node e2e build (a few hosts' verbose kubelet logs, perf data, build log) unpacks to well under 2 GiB. */
export const DEFAULT_LIMITS: ArchiveLimits = {
  maxUnpackedBytes: 2 * 1024 ** 3,
  maxEntries: 20_000,
};

/** Most unpacked bytes per compressed byte read: a kubelet log compresses about 15 times, zeros over 1000. */
export const MAX_RATIO = 200;
/** The ratio is judged only past this many unpacked bytes, so a small, very regular file is never refused for it. */
const RATIO_FLOOR = 16 * 1024 ** 2;

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
  let packed = 0;
  let unpacked = 0;
  let entries = 0;
  const extract = tar.extract();

  const packedCounter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      packed += chunk.length;
      cb(null, chunk);
    },
  });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      unpacked += chunk.length;
      if (unpacked > limits.maxUnpackedBytes) {
        cb(new ArchiveError(`archive unpacks to more than ${limits.maxUnpackedBytes} bytes; refused`));
      } else if (unpacked > RATIO_FLOOR && unpacked > MAX_RATIO * packed) {
        cb(new ArchiveError(`archive unpacks to more than ${MAX_RATIO} times its size (a gzip bomb?); refused`));
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

  const unpack = pipeline(input, packedCounter, zlib.createGunzip(), counter, extract as unknown as Writable);
  const [u, c] = await Promise.allSettled([unpack, consume.catch((e: unknown) => {
    extract.destroy(e as Error);
    throw e;
  })]);
  const failure = [c, u].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    const e = failure.reason as Error;
    if (e instanceof ArchiveError || environmentProblem(e, dest)) throw e;
    throw new ArchiveError(`not a readable .tar.gz: ${e.message}`);
  }
  return written;
}
