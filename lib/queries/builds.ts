// The builds of a job and the jobs of the database: what `kpd builds`, the
// overview and /api/v1/jobs/[job]/builds show.
import type { DB } from '../db/open';
import type { BuildSummary, JobSummary, IngestReport } from '../model';
import { jobId } from './selection';

interface BuildRow {
  number: number;
  started_us: number | null;
  result: string | null;
  runs: number;
  warnings: number;
}

const toSummary = (r: BuildRow): BuildSummary => ({
  number: r.number,
  started: r.started_us,
  result: r.result,
  runs: r.runs,
  warnings: r.warnings,
});

export function listBuilds(db: DB, job: string): BuildSummary[] {
  const id = jobId(db, job);
  return db
    .prepare<[number], BuildRow>(
      `SELECT b.number, b.started_us, b.result, b.warnings,
              (SELECT count(*) FROM runs r WHERE r.build_id = b.id) AS runs
       FROM builds b WHERE b.job_id = ? ORDER BY b.number`,
    )
    .all(id)
    .map(toSummary);
}

export function listJobs(db: DB): JobSummary[] {
  const jobs = db
    .prepare<[], { id: number; name: string; builds: number }>(
      `SELECT j.id, j.name, (SELECT count(*) FROM builds b WHERE b.job_id = j.id) AS builds
       FROM jobs j ORDER BY j.name`,
    )
    .all();
  const latest = db.prepare<[number], BuildRow>(
    `SELECT b.number, b.started_us, b.result, b.warnings,
            (SELECT count(*) FROM runs r WHERE r.build_id = b.id) AS runs
     FROM builds b WHERE b.job_id = ? ORDER BY b.number DESC LIMIT 1`,
  );
  return jobs.map((j) => {
    const row = latest.get(j.id);
    return { job: j.name, builds: j.builds, latest: row ? toSummary(row) : null };
  });
}

/** The ingest report of one build, or undefined when the build is not there. */
export function buildReport(db: DB, job: string, number: number): IngestReport | undefined {
  const row = db
    .prepare<[number, number], { report: string }>('SELECT report FROM builds WHERE job_id = ? AND number = ?')
    .get(jobId(db, job), number);
  return row ? (JSON.parse(row.report) as IngestReport) : undefined;
}

/** A build range as the pages and the API take it: explicit bounds, and/or the last N builds within them. */
export interface BuildRangeQuery {
  from?: number;
  to?: number;
  /** The last N builds of the range that have a run of the series; absent for all. */
  last?: number;
}

/** The build numbers one series (test x node config of a job) has runs in, restricted to a range. */
export interface BuildWindow {
  /** Inclusive bounds of the builds selected; null when the range holds none. */
  from: number | null;
  to: number | null;
  /** Builds of the series inside the window. */
  builds: number;
  /** All builds of the series, whatever the range: what "all history" would show. */
  first: number | null;
  last: number | null;
  total: number;
}

/**
 * Resolves a range to the window of build numbers it selects for one series,
 * so the queries that follow read only those builds (the last 50 of 5,000
 * rather than all of them): two walks of the (series_id, build_number) index.
 */
export function buildWindow(db: DB, series: { seriesId: number }, range: BuildRangeQuery): BuildWindow {
  const extent = db
    .prepare<[number], { first: number | null; last: number | null; total: number }>(
      `SELECT min(build_number) AS first, max(build_number) AS last, count(*) AS total FROM runs WHERE series_id = ?`,
    )
    .get(series.seriesId)!;
  const numbers = db
    .prepare<[number, number, number, number], { n: number }>(
      `SELECT build_number AS n FROM runs WHERE series_id = ? AND build_number BETWEEN ? AND ?
       ORDER BY build_number DESC LIMIT ?`,
    )
    .all(series.seriesId, range.from ?? 0, range.to ?? Number.MAX_SAFE_INTEGER, range.last && range.last > 0 ? range.last : -1)
    .map((r) => r.n);
  return {
    from: numbers.length ? numbers[numbers.length - 1] : null,
    to: numbers.length ? numbers[0] : null,
    builds: numbers.length,
    first: extent.first,
    last: extent.last,
    total: extent.total,
  };
}
