// Ingests builds straight from a bucket (gs://…, s3://…). Per build: list
// the objects the reader reads; when their names, versions and sizes are the
// ones the build was last read from, skip it without downloading; else
// download them (in the download worker: bounded parallel, retried, into the
// on-disk cache, a few builds ahead of the one being parsed), lay them out
// as a build folder and read it with the same readBuild as a local build,
// then write it and its object list in one IMMEDIATE transaction. A build
// whose download fails is not written and is read again on the next run,
// from the cache where it can.
import fs from 'node:fs';
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { listBuilds } from '../lib/queries/builds';
import { refreshChangePoints } from '../lib/queries/regressions';
import { recordRemoteBuild, remoteBuildStates, storedBuild, type RemoteBuildState, type StoredObject } from '../lib/queries/sync';
import { formatRemoteUrl, parseRemoteUrl, type RemoteUrl } from '../lib/remote-url';
import { readBuild } from './build';
import { ensureJob, writeBuild, type LoadOutcome } from './load';
import { cacheOptionsFromEnv } from './sources/remote/cache';
import { Downloader } from './sources/remote/downloader';
import { explain, type Fetched, type FetchSettings } from './sources/remote/fetch';
import { Limiter } from './sources/remote/limit';
import { retryPolicyFromEnv } from './sources/remote/retry';
import {
  buildObjects,
  discoverRemoteBuilds,
  openStore,
  signatureOf,
  topObjects,
  type BuildObject,
  type RemoteBuild,
} from './sources/remote/source';
import { RemoteSettingsError, type ObjectStore } from './sources/remote/store';

/**
 * `kept`: another source (an upload, a local folder) wrote this build with
 * other content, and it was left alone. `running`: the newest build has no
 * finished.json yet; a sync reads it once it has.
 */
export type RemoteOutcome = LoadOutcome | 'kept' | 'running' | 'failed';

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

/** Where objects are cached, requests at once (downloads; listings have a bound of their own), retries. */
export type RemoteSettings = FetchSettings;

export const DEFAULT_PARALLEL = 8;

/** The settings of the environment: KPD_CACHE_DIR, KPD_CACHE_MAX_BYTES, KPD_REMOTE_PARALLEL, KPD_REMOTE_RETRIES. */
export function remoteSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteSettings {
  const p = env.KPD_REMOTE_PARALLEL;
  if (p !== undefined && p !== '' && !/^[1-9]\d*$/.test(p)) throw new RemoteSettingsError(`KPD_REMOTE_PARALLEL must be a whole number ≥ 1, got "${p}"`);
  const cache = cacheOptionsFromEnv(env);
  return {
    cacheDir: cache.dir,
    cacheMaxBytes: cache.maxBytes,
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
  /**
   * Leave the newest build for later while it has no finished.json: Prow
   * uploads a build's logs and artifacts when it ends, so a sync would
   * otherwise write a half-run build and rewrite it on the next pass.
   */
  waitForFinished?: boolean;
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
  const store = await openStore(url);
  const builds = await discoverRemoteBuilds(store, url, { job: opts.job, last: opts.last, retry: settings.retry });
  opts.onStart?.(builds.length);
  const downloader = new Downloader(settings);
  try {
    return await ingestFrom(db, { url, store, builds, downloader, settings }, opts);
  } finally {
    await downloader.close();
  }
}

/** A listed build: downloaded and laid out (or failed), unchanged, or still running. */
type Prepared = Fetched | { kind: 'skip' } | { kind: 'running' };

interface Run {
  url: RemoteUrl;
  store: ObjectStore;
  builds: RemoteBuild[];
  downloader: Downloader;
  settings: RemoteSettings;
}

async function ingestFrom(db: DB, { url, store, builds, downloader, settings }: Run, opts: RemoteIngestOptions): Promise<RemoteIngestResult> {
  const job = builds[0].job;
  const limiter = new Limiter(settings.parallel);
  const known = remoteBuildStates(db, job);
  const listed = new Map<number, Promise<BuildObject[] | 'finished and unchanged'>>();
  const fetched = new Map<number, Promise<Prepared>>();
  const list = (i: number): Promise<BuildObject[] | 'finished and unchanged'> => {
    let p = listed.get(i);
    if (!p) {
      p = limiter.run(async () => {
        const state = known.get(builds[i].id);
        if (finishedInSync(state, opts.replaceOther) && sameFiles(state!, await topObjects(store, builds[i], settings.retry))) {
          return 'finished and unchanged';
        }
        return buildObjects(store, builds[i], settings.retry);
      });
      // Handled where it is awaited; this only keeps a listing nobody reaches (an earlier build threw) from crashing the process.
      p.catch(() => undefined);
      listed.set(i, p);
    }
    return p;
  };
  const prepare = (i: number, objects: BuildObject[] | 'finished and unchanged'): Prepared | Promise<Prepared> => {
    if (objects === 'finished and unchanged') return { kind: 'skip' };
    if (opts.waitForFinished && i === builds.length - 1 && !objects.some((o) => o.rel === 'finished.json')) return { kind: 'running' };
    if (unchanged(known.get(builds[i].id), objects, opts.replaceOther)) return { kind: 'skip' };
    return downloader.fetch(url, objects, opts.onBytes);
  };
  const fetch = (i: number) => {
    if (fetched.has(i)) return;
    const unlisted = (e: unknown): Prepared => ({ kind: 'failed', error: `cannot list the build: ${explain(e)}`, downloaded: 0, cached: 0, bytes: 0 });
    fetched.set(i, list(i).then((objects) => prepare(i, objects), unlisted));
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
    } else if (f.kind === 'running') {
      r = { ...blank(b), outcome: 'running' };
    } else if (f.kind === 'failed') {
      r = { ...blank(b), outcome: 'failed', downloaded: f.downloaded, cached: f.cached, bytes: f.bytes, error: f.error };
    } else {
      try {
        r = { ...(await writeFetched(db, b, f, { replaceOther: opts.replaceOther })), downloaded: f.downloaded, cached: f.cached, bytes: f.bytes };
      } finally {
        fs.rmSync(f.dir, { recursive: true, force: true });
      }
    }
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
  const downloader = new Downloader(settings);
  const results: RemoteBuildResult[] = [];
  try {
    for (const state of states) {
      const url = parseRemoteUrl(state.url);
      const b: RemoteBuild = { job, id: state.build, url: state.url, prefix: `${url.path}/` };
      const objects: BuildObject[] = state.objects.map((o) => ({ rel: o.rel, obj: { key: o.key, version: o.version, size: o.size } }));
      const f = await downloader.fetch(url, objects);
      if (f.kind === 'failed') {
        results.push({ ...blank(b), error: f.error });
        continue;
      }
      try {
        const r = await writeFetched(db, b, f, { replaceOther: true, force: true });
        results.push({ ...r, downloaded: f.downloaded, cached: f.cached, bytes: f.bytes });
      } finally {
        fs.rmSync(f.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await downloader.close();
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
  return inSync(state, replaceOther) && objects.length > 0 && state!.signature === signatureOf(objects);
}

function inSync(state: RemoteBuildState | undefined, replaceOther: boolean): boolean {
  if (!state?.stored) return false;
  if (state.stored.contentHash === state.contentHash) return true;
  return !replaceOther && state.stored.source !== state.url;
}

/**
 * A build that was read finished, and is in step with the database: its
 * top-level files alone (one short listing, not every artifact) tell whether
 * it changed, since Prow uploads finished.json after everything else and a
 * re-upload writes it anew.
 */
function finishedInSync(state: RemoteBuildState | undefined, replaceOther: boolean): boolean {
  return inSync(state, replaceOther) && state!.objects.some((o) => o.rel === 'finished.json');
}

/** The same top-level files (names, versions, sizes) as when the build was read. */
function sameFiles(state: RemoteBuildState, top: BuildObject[]): boolean {
  const key = (rel: string, version: string, size: number) => `${rel}\0${version}\0${size}`;
  const before = state.objects.filter((o) => !o.rel.includes('/')).map((o) => key(o.rel, o.version, o.size)).sort();
  const now = top.map((o) => key(o.rel, o.obj.version, o.obj.size)).sort();
  return before.length === now.length && before.every((k, i) => k === now[i]);
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
  const build = await readBuild(f.dir, { job: b.job, number: b.id, source: b.url });
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

function blank(b: RemoteBuild): RemoteBuildResult {
  return { job: b.job, number: b.id, outcome: 'failed', skipped: false, runs: 0, rows: 0, warnings: 0, downloaded: 0, cached: 0, bytes: 0 };
}
