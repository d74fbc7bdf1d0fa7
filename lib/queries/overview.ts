// The Overview page: every job with its latest build, its recent results,
// and whether it has gone stale (no build for much longer than it usually
// takes between builds).
import type { DB } from '../db/open';
import type { JobSummary, Micros } from '../model';
import { listJobs } from './builds';

/** A job is stale when its last build is older than this many typical gaps between its builds... */
export const STALE_GAPS = 3;
/** ...and at least this old, so a job that builds hourly is not flagged after a quiet afternoon. */
export const STALE_MIN_US: Micros = 24 * 3600 * 1_000_000;

export interface JobOverview extends JobSummary {
  /** Time since the latest build started; null when it has no start time. */
  ageUs: Micros | null;
  /** Median gap between its last builds; null with fewer than two dated builds. */
  typicalGapUs: Micros | null;
  stale: boolean;
  /** The last builds, oldest first, for a strip of results. */
  recent: { number: number; result: string | null }[];
}

export function jobsOverview(db: DB, now: Micros, recentCount = 12): JobOverview[] {
  const recent = db.prepare<[string, number], { number: number; started_us: number | null; result: string | null }>(
    `SELECT b.number, b.started_us, b.result FROM builds b JOIN jobs j ON j.id = b.job_id
     WHERE j.name = ? ORDER BY b.number DESC LIMIT ?`,
  );
  return listJobs(db).map((j) => {
    const rows = recent.all(j.job, Math.max(recentCount, 21)).reverse();
    const starts = rows.flatMap((r) => (r.started_us === null ? [] : [r.started_us]));
    const gaps = starts.slice(1).map((s, i) => s - starts[i]).filter((g) => g > 0).sort((a, b) => a - b);
    const typicalGapUs = gaps.length ? gaps[Math.floor((gaps.length - 1) / 2)] : null;
    const ageUs = j.latest?.started != null ? now - j.latest.started : null;
    const stale = ageUs !== null && ageUs > Math.max(STALE_MIN_US, STALE_GAPS * (typicalGapUs ?? 0));
    return {
      ...j,
      ageUs,
      typicalGapUs,
      stale,
      recent: rows.slice(-recentCount).map((r) => ({ number: r.number, result: r.result })),
    };
  });
}
