// Ingests builds found by a source: unpacks archives, reads each build with
// the parsers (with the spans the traces receiver kept for it) and writes it
// with the loader. Shared by `kpd ingest`, `kpd demo`, `kpd reingest`, the
// upload route and the traces receiver. The change points and alerts of the
// jobs a call touched are recomputed at its end (and new regression alerts
// announced to the webhook).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { environmentProblem } from '../lib/db/problems';
import { refreshAndAnnounce } from './alert-webhook';
import { readBuild } from './build';
import { writeBuild, type LoadOutcome } from './load';
import type { BuildLocation } from './sources/local';
import { extractBuildArchive, type ArchiveLimits } from './sources/tarball';
import { TEMP_PREFIX } from './temp';
import { keptTraceFiles, uploadsDir } from './upload/store';

export interface IngestedBuild {
  job: string;
  number: BuildId;
  /** `failed`: the build could not be read or written (`error` says why); nothing of it was written. */
  outcome: LoadOutcome | 'failed';
  error?: string;
  runs: number;
  rows: number;
  warnings: number;
}

export interface IngestOptions {
  replace?: boolean;
  /** Re-write a build even when its content is unchanged: a reingest after a parser fix parses the same bytes differently. */
  force?: boolean;
  /** Recorded as the build's source instead of the location's path (an upload's kept archive). */
  source?: string;
  limits?: ArchiveLimits;
  /** Where received trace files are kept (default: the uploads folder of `db`). */
  uploadsDir?: string;
  onBuild?: (done: number, total: number, build: IngestedBuild) => void;
}

/** Runs `fn` on the build directory of `loc`, unpacking an archive into a temporary directory first. */
export async function withBuildDir<T>(
  loc: Pick<BuildLocation, 'path' | 'archive'>,
  fn: (dir: string) => Promise<T>,
  limits?: ArchiveLimits,
): Promise<T> {
  if (!loc.archive) return fn(loc.path);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  try {
    await extractBuildArchive(fs.createReadStream(loc.path), tmp, limits);
    return await fn(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function ingestBuild(db: DB, loc: BuildLocation, opts: IngestOptions = {}): Promise<IngestedBuild> {
  return withBuildDir(
    loc,
    async (dir) => {
      const traces = keptTraceFiles(opts.uploadsDir ?? uploadsDir(process.env, db.name), loc.job, loc.number);
      const build = await readBuild(dir, { job: loc.job, number: loc.number, source: opts.source ?? loc.path, traces });
      const res = writeBuild(db, build, { replace: opts.force || opts.replace, force: opts.force });
      return {
        job: loc.job,
        number: loc.number,
        outcome: res.outcome,
        runs: build.runs.length,
        rows: res.rows,
        warnings: build.report.warnings.length,
      };
    },
    opts.limits,
  );
}

/**
 * Ingests builds one after another. A build that cannot be read or written
 * (a refused archive, a conflict, any failure of its own) is reported as
 * `failed` and the next one still loads; a problem of the machine (a locked
 * database, a full disk, a read-only file) stops the run, since every build
 * after it would fail the same way.
 */
export async function ingestBuilds(db: DB, locs: BuildLocation[], opts: IngestOptions = {}): Promise<IngestedBuild[]> {
  const out: IngestedBuild[] = [];
  for (const loc of locs) {
    let r: IngestedBuild;
    try {
      r = await ingestBuild(db, loc, opts);
    } catch (e) {
      const problem = environmentProblem(e, db.name);
      if (problem) throw problem;
      const why = e instanceof Error ? e.message : String(e);
      r = { job: loc.job, number: loc.number, outcome: 'failed', error: why.slice(0, 500), runs: 0, rows: 0, warnings: 0 };
    }
    out.push(r);
    opts.onBuild?.(out.length, locs.length, r);
  }
  const touched = new Set(out.filter((r) => r.outcome !== 'unchanged' && r.outcome !== 'failed').map((r) => r.job));
  for (const job of touched) await refreshAndAnnounce(db, job);
  return out;
}
