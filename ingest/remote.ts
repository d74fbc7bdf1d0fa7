// Ingests builds straight from a bucket (gs://…, s3://…). Per build: list
// the objects the reader reads; when their names, versions and sizes are the
// ones the build was last read from, skip it without downloading; else
// download them (bounded parallel, retried, into the on-disk cache, a few
// builds ahead of the one being parsed), lay them out as a build folder and
// read it with the same readBuild as a local build, then write it and its
// object list in one IMMEDIATE transaction. A build whose download fails is
// not written and is read again on the next run, from the cache where it can.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import type { IngestWarning } from '../lib/model';
import { listBuilds } from '../lib/queries/builds';
import { refreshChangePoints } from '../lib/queries/regressions';
import { recordRemoteBuild, remoteBuildStates, storedBuild, type RemoteBuildState, type StoredObject } from '../lib/queries/sync';
import { formatRemoteUrl, parseRemoteUrl } from '../lib/remote-url';
import { readBuild } from './build';
import { ensureJob, writeBuild, type LoadOutcome } from './load';
import { ObjectCache, cacheOptionsFromEnv } from './sources/remote/cache';
import { Limiter } from './sources/remote/limit';
import { retryPolicyFromEnv, type RetryPolicy } from './sources/remote/retry';
import {
  buildObjects,
  discoverRemoteBuilds,
  fetchObject,
  openStore,
  signatureOf,
  type BuildObject,
  type RemoteBuild,
} from './sources/remote/source';
import { describeStatus, RemoteError, RemoteSettingsError, type ObjectStore } from './sources/remote/store';

/** `kept`: another source (an upload, a local folder) wrote this build with other content, and it was left alone. */
export type RemoteOutcome = LoadOutcome | 'kept' | 'failed';

export interface RemoteBuildResult {
  job: string;
  number: BuildId;
  outcome: RemoteOutcome;
  /** Nothing was downloaded or parsed: the objects are the ones the build was last read from. */
  skipped: boolean;
  runs: number;
  rows: number;
  warnings: number;
  /** Objects downloaded and objects taken from the cache, and the bytes downloaded. */
  downloaded: number;
  cached: number;
  bytes: number;
  /** Why the build was not written (outcome `failed`). */
  error?: string;
}

export interface RemoteSettings {
  cache: ObjectCache;
  /** Requests to the bucket at once. */
  parallel: number;
  retry: RetryPolicy;
  /** A transfer that receives nothing for this long is dropped and tried again. */
  idleMs: number;
}

export const DEFAULT_PARALLEL = 8;

/** The settings of the environment: KPD_CACHE_DIR, KPD_CACHE_MAX_BYTES, KPD_REMOTE_PARALLEL, KPD_REMOTE_RETRIES. */
export function remoteSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteSettings {
  const p = env.KPD_REMOTE_PARALLEL;
  if (p !== undefined && p !== '' && !/^[1-9]\d*$/.test(p)) throw new RemoteSettingsError(`KPD_REMOTE_PARALLEL must be a whole number ≥ 1, got "${p}"`);
  return {
    cache: new ObjectCache(cacheOptionsFromEnv(env)),
    parallel: p ? Number(p) : DEFAULT_PARALLEL,
    retry: retryPolicyFromEnv(env),
    idleMs: 60_000,
  };
}

export interface RemoteIngestOptions {
  job?: string;
  /** Only the newest N builds. */
  last?: number;
  /**
   * Replace a build that another source wrote when its content differs:
   * `kpd ingest` does (the user asked for this source), a sync does not (an
   * upload's build is never overwritten behind its back).
   */
  replaceOther: boolean;
  onStart?: (total: number) => void;
  onBytes?: (n: number) => void;
  onBuild?: (done: number, total: number, r: RemoteBuildResult) => void;
}

export interface RemoteIngestResult {
  job: string;
  source: string;
  builds: RemoteBuildResult[];
}

/** Listings run this many builds ahead of the one being written; downloads this many. */
const LIST_AHEAD = 32;
const FETCH_AHEAD = 3;

export async function ingestRemote(
  db: DB,
  source: string,
  settings: RemoteSettings,
  opts: RemoteIngestOptions,
): Promise<RemoteIngestResult> {
  const url = parseRemoteUrl(source);
  const store = openStore(url);
  const builds = await discoverRemoteBuilds(store, url, { job: opts.job, last: opts.last, retry: settings.retry });
  const job = builds[0].job;
  opts.onStart?.(builds.length);
  const limiter = new Limiter(settings.parallel);
  const known = remoteBuildStates(db, job);

  const listed = new Map<number, Promise<BuildObject[]>>();
  const fetched = new Map<number, Promise<Fetched>>();
  const list = (i: number): Promise<BuildObject[]> => {
    let p = listed.get(i);
    if (!p) {
      p = limiter.run(() => buildObjects(store, builds[i], settings.retry));
      // Handled where it is awaited; this only keeps a listing nobody reaches (an earlier build threw) from crashing the process.
      p.catch(() => undefined);
      listed.set(i, p);
    }
    return p;
  };
  const fetch = (i: number) => {
    if (fetched.has(i)) return;
    const failed = (what: string) => (e: unknown): Fetched => ({ kind: 'failed', error: `${what}: ${message(e)}`, downloaded: 0, cached: 0, bytes: 0 });
    fetched.set(
      i,
      list(i).then(
        (objects) =>
          unchanged(known.get(builds[i].id), objects, opts.replaceOther)
            ? { kind: 'skip' }
            : fetchBuild(store, settings, limiter, builds[i], objects, opts.onBytes).catch(failed('cannot download the build')),
        failed('cannot list the build'),
      ),
    );
  };

  const results: RemoteBuildResult[] = [];
  let stored: Map<string, { runs: number; warnings: number }> | undefined;
  for (let i = 0; i < builds.length; i++) {
    for (let k = i; k < Math.min(builds.length, i + LIST_AHEAD); k++) list(k);
    for (let k = i; k < Math.min(builds.length, i + FETCH_AHEAD); k++) fetch(k);
    const b = builds[i];
    const f = await fetched.get(i)!;
    let r: RemoteBuildResult;
    if (f.kind === 'skip') {
      stored ??= new Map(listBuilds(db, job).map((s) => [String(s.number), { runs: s.runs, warnings: s.warnings }]));
      const s = stored.get(b.id);
      r = { ...blank(b), outcome: 'unchanged', skipped: true, runs: s?.runs ?? 0, warnings: s?.warnings ?? 0 };
    } else if (f.kind === 'failed') {
      r = { ...blank(b), outcome: 'failed', downloaded: f.downloaded, cached: f.cached, bytes: f.bytes, error: f.error };
    } else {
      try {
        r = { ...(await writeFetched(db, b, f, { replaceOther: opts.replaceOther })), downloaded: f.downloaded, cached: f.cached, bytes: f.bytes };
      } finally {
        settings.cache.release(f.dir);
      }
    }
    settings.cache.evict();
    results.push(r);
    opts.onBuild?.(results.length, builds.length, r);
  }
  if (results.some((r) => r.outcome === 'inserted' || r.outcome === 'replaced')) refreshChangePoints(db, job);
  return { job, source: formatRemoteUrl(url), builds: results };
}

/**
 * Re-reads builds from the objects they were last read from (the cache
 * first, the bucket for what was evicted) and re-writes them even when
 * unchanged: `kpd reingest` after a parser fix.
 */
export async function reingestRemote(db: DB, states: RemoteBuildState[], job: string, settings: RemoteSettings): Promise<RemoteBuildResult[]> {
  const limiter = new Limiter(settings.parallel);
  const results: RemoteBuildResult[] = [];
  for (const state of states) {
    const url = parseRemoteUrl(state.url);
    const store = openStore(url);
    const b: RemoteBuild = { job, id: state.build, url: state.url, prefix: `${url.path}/` };
    const objects: BuildObject[] = state.objects.map((o) => ({ rel: o.rel, obj: { key: o.key, version: o.version, size: o.size } }));
    const f = await fetchBuild(store, settings, limiter, b, objects);
    if (f.kind !== 'ready') {
      results.push({ ...blank(b), error: f.kind === 'failed' ? f.error : undefined });
      continue;
    }
    try {
      const r = await writeFetched(db, b, f, { replaceOther: true, force: true });
      results.push({ ...r, downloaded: f.downloaded, cached: f.cached, bytes: f.bytes });
    } finally {
      settings.cache.release(f.dir);
    }
  }
  if (results.some((r) => r.outcome === 'inserted' || r.outcome === 'replaced')) refreshChangePoints(db, job);
  return results;
}

/**
 * Nothing to read: the same objects as last time, and the database holds
 * what was read from them, or (unless replacing other sources' builds) a
 * build another source wrote that was left alone last time.
 */
function unchanged(state: RemoteBuildState | undefined, objects: BuildObject[], replaceOther: boolean): boolean {
  if (!state?.stored || !objects.length || state.signature !== signatureOf(objects)) return false;
  if (state.stored.contentHash === state.contentHash) return true;
  return !replaceOther && state.stored.source !== state.url;
}

type Fetched =
  | { kind: 'skip' }
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
async function fetchBuild(
  store: ObjectStore,
  settings: RemoteSettings,
  limiter: Limiter,
  build: RemoteBuild,
  objects: BuildObject[],
  onBytes?: (n: number) => void,
): Promise<Fetched> {
  let downloaded = 0;
  let cached = 0;
  let bytes = 0;
  if (!objects.length) {
    return { kind: 'failed', error: 'no build files (build-log.txt, started.json, finished.json, artifacts/…)', downloaded, cached, bytes };
  }
  const dir = settings.cache.stage();
  const warnings: IngestWarning[] = [];
  const outcomes = await Promise.allSettled(
    objects.map((o) =>
      limiter.run(async () => {
        try {
          const got = await fetchObject(store, settings.cache, o.obj, {
            retry: settings.retry,
            idleMs: settings.idleMs,
            onBytes: (n) => {
              bytes += n;
              onBytes?.(n);
            },
          });
          if (got.downloaded) downloaded++;
          else cached++;
          settings.cache.link(got.file, dir, o.rel);
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
    settings.cache.release(dir);
    const rel = objects[outcomes.indexOf(failure)].rel;
    return { kind: 'failed', error: `${rel}: ${message(failure.reason)}`, downloaded, cached, bytes };
  }
  warnings.sort((a, b) => (a.file < b.file ? -1 : 1));
  return { kind: 'ready', dir, objects, warnings, downloaded, cached, bytes };
}

/**
 * Reads a fetched build and writes it with its object list in one IMMEDIATE
 * transaction: the check of what the database holds and the write see the
 * same state, whatever another process (the server taking an upload) does.
 */
async function writeFetched(
  db: DB,
  b: RemoteBuild,
  f: Extract<Fetched, { kind: 'ready' }>,
  opts: { replaceOther: boolean; force?: boolean },
): Promise<Omit<RemoteBuildResult, 'downloaded' | 'cached' | 'bytes'>> {
  const build = await readBuild(f.dir, { job: b.job, number: loaderNumber(b.id), source: b.url });
  build.report.warnings.unshift(...f.warnings);
  const objects: StoredObject[] = f.objects.map((o) => ({ rel: o.rel, key: o.obj.key, version: o.obj.version, size: o.obj.size }));
  const signature = signatureOf(f.objects);
  return db
    .transaction(() => {
      const jobId = ensureJob(db, b.job);
      const existing = storedBuild(db, jobId, b.id);
      let outcome: RemoteOutcome;
      let rows = 0;
      if (existing && existing.source !== b.url && existing.contentHash !== build.contentHash && !opts.replaceOther) {
        outcome = 'kept';
      } else {
        const res = writeBuild(db, build, { replace: true, force: opts.force });
        outcome = res.outcome;
        rows = res.rows;
      }
      recordRemoteBuild(db, { jobId, build: b.id, url: b.url, signature, objects, contentHash: build.contentHash });
      return {
        job: b.job,
        number: b.id,
        outcome,
        skipped: false,
        runs: outcome === 'kept' ? 0 : build.runs.length,
        rows,
        warnings: outcome === 'kept' ? 0 : build.report.warnings.length,
      };
    })
    .immediate();
}

/**
 * The loader keys builds by a JS number on this branch; with the build-ID
 * change (lib/build-id.ts) BuildRecord.number becomes the BuildId itself and
 * this conversion goes.
 */
function loaderNumber(id: BuildId): number {
  return Number(id);
}

function blank(b: RemoteBuild): RemoteBuildResult {
  return { job: b.job, number: b.id, outcome: 'failed', skipped: false, runs: 0, rows: 0, warnings: 0, downloaded: 0, cached: 0, bytes: 0 };
}

function message(e: unknown): string {
  if (e instanceof RemoteError) return e.status === undefined ? `${e.message} (after retries)` : `${describeStatus(e.status)}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
