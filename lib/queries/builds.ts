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
