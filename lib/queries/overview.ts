// The Overview page: every job with its latest build, its recent results,
// whether it has gone stale (no build for much longer than it usually takes
// between builds), its SLO verdict, the regression alerts still to triage and
// the change points of its recent builds.
import { compareBuildIds, type BuildId } from '../build-id';
import type { DB } from '../db/open';
import { isChartedStat, type JobSummary, type Micros } from '../model';
import type { SloRule } from '../slo';
import { byImportance as changeFirst, listAlerts, type Alert } from './alerts';
import { listJobs } from './builds';
import { recentRegressions, type ChangeRecord } from './regressions';
import { sloOverview, type JobSloSummary } from './slo';

/** Regressions whose first bad build is among this many newest builds count as recent. */
export const RECENT_BUILDS = 10;

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
  recent: { number: BuildId; result: string | null; version: string | null }[];
  /** The SLO verdict of the newest build; null when no rules were given. */
  slo: JobSloSummary | null;
  /** Regressions first seen in the newest RECENT_BUILDS builds, those of charted stats and the largest first. */
  regressions: ChangeRecord[];
  /** Regression alerts nobody has triaged yet (state new), whatever their age, the largest charted change first. */
  alerts: Alert[];
}

/** The change an alert is shown by: its largest one that is a regression. */
export function worstChange(a: Alert): Alert['changes'][number] {
  return a.changes.find((c) => c.regression) ?? a.changes[0];
}

/** Regressions of the stats the charts draw first, then the largest moves. */
function byImportance(a: ChangeRecord, b: ChangeRecord): number {
  const drawn = (c: ChangeRecord) => (isChartedStat(c.metric, c.stat) ? 0 : 1);
  return drawn(a) - drawn(b) || Math.abs(b.change ?? Infinity) - Math.abs(a.change ?? Infinity) || compareBuildIds(b.build, a.build);
}

export function jobsOverview(db: DB, now: Micros, rules?: readonly SloRule[], recentCount = 12): JobOverview[] {
  const slo = new Map((rules ? sloOverview(db, rules) : []).map((s) => [s.job, s]));
  const regressions = recentRegressions(db, RECENT_BUILDS);
  const recent = db.prepare<
    [string, number],
    { number: BuildId; started_us: number | null; result: string | null; version: string | null }
  >(
    `SELECT b.number, b.started_us, b.result, b.version FROM builds b JOIN jobs j ON j.id = b.job_id
     WHERE j.name = ? ORDER BY b.sort_key DESC LIMIT ?`,
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
      recent: rows.slice(-recentCount).map((r) => ({ number: r.number, result: r.result, version: r.version })),
      slo: slo.get(j.job) ?? null,
      regressions: regressions
        .filter((r) => r.job === j.job)
        .map(({ job: _, ...r }) => r)
        .sort(byImportance),
      alerts: listAlerts(db, j.job, { state: 'new' })
        .filter((a) => a.regression)
        .sort((x, y) => changeFirst(worstChange(x), worstChange(y)) || compareBuildIds(y.build, x.build)),
    };
  });
}
