// The builds of a job and the jobs of the database: what `kpd builds`, the
// overview and /api/v1/jobs/[job]/builds show; and build windows, the range
// of builds a view covers. Builds are in the order of lib/build-id.ts: start
// time, then ID.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import { buildLinks, type LinkTemplates } from '../links';
import { jobLinkTemplates } from './sync';
import type { BuildSummary, JobSummary, IngestReport } from '../model';
import { jobId } from './selection';

interface BuildRow {
  number: BuildId;
  started_us: number | null;
  result: string | null;
  version: string | null;
  commit_sha: string | null;
  prow_url: string | null;
  runs: number;
  warnings: number;
}

const BUILD_COLUMNS = `b.number, b.started_us, b.result, b.version, b.commit_sha, b.prow_url, b.warnings,
  (SELECT count(*) FROM runs r WHERE r.build_id = b.id) AS runs`;

const toSummary = (job: string, r: BuildRow, templates?: LinkTemplates): BuildSummary => ({
  number: r.number,
  started: r.started_us,
  result: r.result,
  version: r.version,
  commit: r.commit_sha,
  runs: r.runs,
  warnings: r.warnings,
  links: buildLinks(job, { number: r.number, prowUrl: r.prow_url }, templates),
});

export function listBuilds(db: DB, job: string): BuildSummary[] {
  const id = jobId(db, job);
  const templates = jobLinkTemplates(db, job);
  return db
    .prepare<[number], BuildRow>(`SELECT ${BUILD_COLUMNS} FROM builds b WHERE b.job_id = ? ORDER BY b.sort_key`)
    .all(id)
    .map((r) => toSummary(job, r, templates));
}

export function listJobs(db: DB): JobSummary[] {
  const jobs = db
    .prepare<[], { id: number; name: string; builds: number }>(
      `SELECT j.id, j.name, (SELECT count(*) FROM builds b WHERE b.job_id = j.id) AS builds
       FROM jobs j ORDER BY j.name`,
    )
    .all();
  const latest = db.prepare<[number], BuildRow>(
    `SELECT ${BUILD_COLUMNS} FROM builds b WHERE b.job_id = ? ORDER BY b.sort_key DESC LIMIT 1`,
  );
  return jobs.map((j) => {
    const row = latest.get(j.id);
    return { job: j.name, builds: j.builds, latest: row ? toSummary(j.name, row, jobLinkTemplates(db, j.name)) : null };
  });
}

/** The ingest report of one build, or undefined when the build is not there. */
export function buildReport(db: DB, job: string, number: BuildId): IngestReport | undefined {
  const row = db
    .prepare<[number, BuildId], { report: string }>('SELECT report FROM builds WHERE job_id = ? AND number = ?')
    .get(jobId(db, job), number);
  return row ? (JSON.parse(row.report) as IngestReport) : undefined;
}

/** A build range as the pages and the API take it: explicit bounds, and/or the last N builds within them. */
export interface BuildRangeQuery {
  /** Inclusive bounds on build IDs, compared as numbers. */
  from?: BuildId;
  to?: BuildId;
  /** The last N builds of the range that have a run of the series; absent for all. */
  last?: number;
}

/** The builds one series (test x node config of a job) has runs in, restricted to a range. */
export interface BuildWindow {
  /** The first and last builds selected, in build order; null when the range holds none. */
  from: BuildId | null;
  to: BuildId | null;
  /** Builds of the series inside the window. */
  builds: number;
  /** All builds of the series, whatever the range: what "all history" would show. */
  first: BuildId | null;
  last: BuildId | null;
  total: number;
}

/** A window and how the queries that follow it select its rows. */
export interface ResolvedWindow {
  window: BuildWindow;
  /**
   * SQL on a table with `build_key`: the window's order-key bounds (an index
   * range) and the ID range (a build dated inside the bounds may have an ID
   * outside them); `args` bind it. Selects nothing when the window is empty.
   */
  where: string;
  args: [string, string, string, string];
}

/** The 19-digit form of an ID, as it stands in an order key (`substr(key, 19)`). */
const padded = (id: BuildId) => id.padStart(19, '0');

/** SQL: a row's build ID (from its order key) within [?, ?], compared numerically. */
export const ID_IN_RANGE = 'substr(build_key, 19) BETWEEN ? AND ?';

/** Bind values for ID_IN_RANGE. */
export function idRange(range: { from?: BuildId; to?: BuildId }): [string, string] {
  return [padded(range.from ?? '0'), padded(range.to ?? '9999999999999999999')];
}

/**
 * Resolves a range to the builds it selects for one series, so the queries
 * that follow read only those (the last 50 of 5,000 rather than all of
 * them): walks of the (series_id, build_key) index.
 */
export function resolveWindow(db: DB, series: { seriesId: number }, range: BuildRangeQuery): ResolvedWindow {
  const end = (dir: 'ASC' | 'DESC') =>
    db
      .prepare<[number], { build: BuildId }>(`SELECT build FROM runs WHERE series_id = ? ORDER BY build_key ${dir} LIMIT 1`)
      .get(series.seriesId)?.build ?? null;
  const total = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM runs WHERE series_id = ?').get(series.seriesId)!.n;
  const rows = db
    .prepare<[number, string, string, number], { build: BuildId; build_key: string }>(
      `SELECT build, build_key FROM runs WHERE series_id = ? AND ${ID_IN_RANGE}
       ORDER BY build_key DESC LIMIT ?`,
    )
    .all(series.seriesId, ...idRange(range), range.last && range.last > 0 ? range.last : -1);
  const oldest = rows[rows.length - 1];
  const newest = rows[0];
  return {
    window: {
      from: oldest?.build ?? null,
      to: newest?.build ?? null,
      builds: rows.length,
      first: end('ASC'),
      last: end('DESC'),
      total,
    },
    where: `build_key BETWEEN ? AND ? AND ${ID_IN_RANGE}`,
    args: rows.length ? [oldest.build_key, newest.build_key, ...idRange(range)] : ['1', '0', '1', '0'],
  };
}

export function buildWindow(db: DB, series: { seriesId: number }, range: BuildRangeQuery): BuildWindow {
  return resolveWindow(db, series, range).window;
}
