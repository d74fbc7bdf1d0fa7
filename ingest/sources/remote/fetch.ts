// Downloads a build: its objects fetched into the on-disk cache (bounded
// parallel, retried) and laid out as a build folder of hard links in the
// cache's staging area, for readBuild. Runs in the download worker
// (fetch-worker.ts), so the store clients' work never holds up the thread
// that parses builds.
import fs from 'node:fs';
import type { IngestWarning } from '../../../lib/model';
import type { ObjectCache } from './cache';
import type { Limiter } from './limit';
import { withRetry, type RetryPolicy } from './retry';
import type { BuildObject } from './source';
import { describeStatus, RemoteError, type ObjectStore, type RemoteObject } from './store';

/** What the downloads need to know; plain data, so it crosses to the worker. */
export interface FetchSettings {
  cacheDir: string;
  cacheMaxBytes: number;
  /** Requests to the bucket at once. */
  parallel: number;
  retry: RetryPolicy;
  /** A transfer that receives nothing for this long is dropped and tried again. */
  idleMs: number;
}

export type Fetched =
  | { kind: 'failed'; error: string; downloaded: number; cached: number; bytes: number }
  | {
      kind: 'ready';
      dir: string;
      objects: BuildObject[];
      /** Objects listed but not readable (missing, forbidden): warnings in the build's report. */
      warnings: IngestWarning[];
      downloaded: number;
      cached: number;
      bytes: number;
    };

/** Downloads a build's objects (or finds them in the cache) and lays them out as a build folder in the cache's staging area. */
export async function fetchBuild(
  store: ObjectStore,
  cache: ObjectCache,
  limiter: Limiter,
  settings: Pick<FetchSettings, 'retry' | 'idleMs'>,
  objects: BuildObject[],
  onBytes?: (n: number) => void,
): Promise<Fetched> {
  let downloaded = 0;
  let cached = 0;
  let bytes = 0;
  if (!objects.length) {
    return { kind: 'failed', error: 'no build files (build-log.txt, started.json, finished.json, artifacts/…)', downloaded, cached, bytes };
  }
  const dir = cache.stage();
  const warnings: IngestWarning[] = [];
  const outcomes = await Promise.allSettled(
    objects.map((o) =>
      limiter.run(async () => {
        try {
          const got = await fetchObject(store, cache, o.obj, {
            retry: settings.retry,
            idleMs: settings.idleMs,
            onBytes: (n) => {
              bytes += n;
              onBytes?.(n);
            },
          });
          if (got.downloaded) downloaded++;
          else cached++;
          cache.link(got.file, dir, o.rel);
        } catch (e) {
          if (e instanceof RemoteError && e.unavailable) {
            warnings.push({ file: o.rel, message: `not read: the bucket answered ${describeStatus(e.status)}; the rest of the build is kept` });
          } else throw e;
        }
      }),
    ),
  );
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    cache.release(dir);
    const rel = objects[outcomes.indexOf(failure)].rel;
    return { kind: 'failed', error: `${rel}: ${explain(failure.reason)}`, downloaded, cached, bytes };
  }
  warnings.sort((a, b) => (a.file < b.file ? -1 : 1));
  return { kind: 'ready', dir, objects, warnings, downloaded, cached, bytes };
}

/** A failure as a user reads it: the HTTP status, or a lost connection after the retries. */
export function explain(e: unknown): string {
  if (e instanceof RemoteError) return e.status === undefined ? `${e.message} (after retries)` : `${describeStatus(e.status)}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

interface FetchOptions {
  retry: RetryPolicy;
  /** A transfer that receives nothing for this long is dropped and tried again. */
  idleMs: number;
  onBytes?: (n: number) => void;
}

/** Objects up to this size are received in memory and written in one go: most of a build is small JSON files. */
const IN_MEMORY = 8 << 20;

/** The cached file of an object, downloading it first unless the cache holds it; true in `downloaded` when it did. */
async function fetchObject(
  store: ObjectStore,
  cache: ObjectCache,
  obj: RemoteObject,
  opts: FetchOptions,
): Promise<{ file: string; downloaded: boolean }> {
  const file = cache.pathOf(store.url.scheme, store.url.bucket, obj);
  if (cache.has(file, obj.size)) return { file, downloaded: false };
  await withRetry(opts.retry, async () => {
    const part = cache.partFor(file);
    try {
      await receive(store, obj, part, opts);
      await cache.commit(part, file, obj.size);
    } catch (e) {
      await fs.promises.rm(part, { force: true });
      throw e;
    }
  });
  return { file, downloaded: true };
}

/** Receives one object into `part`: whole and of the listed size, or a RemoteError (a stall counts as a lost connection). */
async function receive(store: ObjectStore, obj: RemoteObject, part: string, opts: FetchOptions): Promise<void> {
  const stalled = () => new RemoteError(`no data for ${Math.round(opts.idleMs / 1000)} s`, undefined, 'ETIMEDOUT');
  let timer: NodeJS.Timeout | undefined;
  const body = await Promise.race([
    store.read(obj),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(stalled()), opts.idleMs))),
  ]).finally(() => clearTimeout(timer));
  let timedOut = false;
  timer = setTimeout(() => {
    timedOut = true;
    body.abort();
  }, opts.idleMs);
  const small = obj.size <= IN_MEMORY;
  const chunks: Buffer[] = [];
  const out = small ? undefined : fs.createWriteStream(part);
  let n = 0;
  try {
    for await (const chunk of body.chunks) {
      timer.refresh();
      n += chunk.length;
      opts.onBytes?.(chunk.length);
      if (out) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      } else chunks.push(chunk);
    }
  } catch (e) {
    throw timedOut ? stalled() : e;
  } finally {
    clearTimeout(timer);
    if (out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  if (timedOut) throw stalled();
  // A connection closed early without an error still leaves a short body: not the object.
  if (n !== obj.size) throw new RemoteError(`received ${n} of ${obj.size} bytes`, undefined, 'ESHORT');
  if (!out) await fs.promises.writeFile(part, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, n));
}
