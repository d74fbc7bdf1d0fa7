// The builds of a job and the jobs of the database: what `kpd builds`, the
// overview and /api/v1/jobs/[job]/builds show; and build windows, the range
// of builds a view covers. Builds are in the order of lib/build-id.ts: start
// time, then ID.
import { compareBuildIds, type BuildId } from '../build-id';
import type { DB } from '../db/open';
import { buildLinks, type LinkTemplates } from '../links';
import { jobLinkTemplates } from './sync';
import type { BuildSummary, JobSummary, IngestReport, IngestWarning, Micros, NodeConfig, TestStatus } from '../model';
import { SelectionError } from './errors';
import { jobId } from './selection';
import { toIsoOrNull } from '../time';

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

/** A build as the build list shows it: the summary, when it ended, and its warnings' text when it has any. */
export interface BuildEntry extends BuildSummary {
  finished: Micros | null;
  /** Seconds from start to finish; null when either is unknown. */
  durationS: number | null;
  warningList: IngestWarning[];
}

/** One run of a build: a test on a node config. */
export interface BuildRun extends NodeConfig {
  test: string;
  host: string | null;
  status: TestStatus | null;
  start: Micros | null;
  end: Micros | null;
  probeEvents: number;
}

/** `kpd builds --build N` and GET /api/v1/jobs/[job]/builds/[build]: a build, its runs and its ingest report. */
export interface BuildDetail {
  job: string;
  build: BuildEntry;
  runs: BuildRun[];
  report: IngestReport;
}

const durationS = (started: Micros | null, finished: Micros | null) =>
  started !== null && finished !== null && finished >= started ? (finished - started) / 1e6 : null;

/** Every build of a job, newest first, with the text of its warnings (read only for builds that have some). */
export function buildEntries(db: DB, job: string): BuildEntry[] {
  const id = jobId(db, job);
  const templates = jobLinkTemplates(db, job);
  return db
    .prepare<[number], BuildRow & { finished_us: number | null; warning_list: string | null }>(
      `SELECT ${BUILD_COLUMNS}, b.finished_us,
              CASE WHEN b.warnings > 0 THEN json_extract(b.report, '$.warnings') END AS warning_list
       FROM builds b WHERE b.job_id = ? ORDER BY b.sort_key DESC`,
    )
    .all(id)
    .map((r) => ({
      ...toSummary(job, r, templates),
      finished: r.finished_us,
      durationS: durationS(r.started_us, r.finished_us),
      warningList: r.warning_list ? (JSON.parse(r.warning_list) as IngestWarning[]) : [],
    }));
}

export function buildDetail(db: DB, job: string, number: BuildId): BuildDetail {
  const id = jobId(db, job);
  const row = db
    .prepare<[number, BuildId], BuildRow & { id: number; finished_us: number | null; report: string }>(
      `SELECT ${BUILD_COLUMNS}, b.id, b.finished_us, b.report FROM builds b WHERE b.job_id = ? AND b.number = ?`,
    )
    .get(id, number);
  if (!row) {
    const newest = db
      .prepare<[number], { number: BuildId }>('SELECT number FROM builds WHERE job_id = ? ORDER BY sort_key DESC LIMIT 5')
      .all(id)
      .map((r) => r.number);
    throw new SelectionError(`no build ${number} in job ${job}`, newest.length ? [`the newest: ${newest.join(', ')}`] : []);
  }
  const report = JSON.parse(row.report) as IngestReport;
  const runs = db
    .prepare<[number], { test: string; image: string; machine: string; host: string | null; status: TestStatus | null; start_us: number | null; end_us: number | null; probes: number }>(
      `SELECT t.name AS test, n.image, n.machine, r.host, r.status, r.start_us, r.end_us,
              (SELECT count(*) FROM probe_events p WHERE p.run_id = r.id) AS probes
       FROM runs r JOIN tests t ON t.id = r.test_id JOIN node_configs n ON n.id = r.node_config_id
       WHERE r.build_id = ? ORDER BY t.name, n.image, n.machine`,
    )
    .all(row.id)
    .map((r) => ({ test: r.test, image: r.image, machine: r.machine, host: r.host, status: r.status, start: r.start_us, end: r.end_us, probeEvents: r.probes }));
  return {
    job,
    build: {
      ...toSummary(job, row, jobLinkTemplates(db, job)),
      finished: row.finished_us,
      durationS: durationS(row.started_us, row.finished_us),
      warningList: report.warnings,
    },
    runs,
    report,
  };
}

/** One build as `kpd builds --build N --json` and the API answer it: times as ISO strings. */
export function buildDetailJson(d: BuildDetail) {
  return {
    job: d.job,
    build: { ...d.build, started: toIsoOrNull(d.build.started), finished: toIsoOrNull(d.build.finished) },
    runs: d.runs.map((r) => ({ ...r, start: toIsoOrNull(r.start), end: toIsoOrNull(r.end) })),
    report: d.report,
  };
}

/** A range whose first build comes after its last selects nothing: an error that says so rather than an empty answer. */
export class ReversedRangeError extends SelectionError {
  /** The CLI's status for a wrong argument. */
  readonly exitCode = 2;
}

export function checkRange(range: { from?: BuildId; to?: BuildId }): void {
  if (range.from !== undefined && range.to !== undefined && compareBuildIds(range.from, range.to) > 0) {
    throw new ReversedRangeError(`the build range is reversed: from ${range.from} comes after to ${range.to} (swap them: from ${range.to} to ${range.from})`);
  }
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
