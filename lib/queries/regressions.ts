// Change points of a job's series (test x node config x metric x stat), found
// by lib/regressions.ts and stored in change_points, so that `kpd
// regressions`, the API, the overview and the Builds charts read them instead
// of recomputing. They are recomputed for one job when its builds change
// (ingest and uploads call refreshChangePoints; readers check the job's build
// signature, so a database written by any other path is never stale).
import type { DB } from '../db/open';
import type { MetricName, NodeConfig } from '../model';
import {
  DEFAULT_CHANGE_POINT_OPTIONS,
  detectChangePoints,
  isRegression,
  type ChangePointOptions,
} from '../regressions';
import { jobId } from './selection';

export interface ChangeRecord {
  test: string;
  image: string;
  machine: string;
  metric: MetricName;
  stat: string;
  /** The first build of the new level. */
  build: number;
  /** Median levels before and after the change. */
  before: number;
  after: number;
  /** (after - before) / |before|; null when before is 0 (an infinite change). */
  change: number | null;
  /** Which way the level moved. */
  direction: 'up' | 'down';
  /** True when it moved the way that is worse for this metric. */
  regression: boolean;
  pValue: number;
}

interface ValueRow {
  test_id: number;
  node_config_id: number;
  metric: MetricName;
  number: number;
  stats: string;
}

interface StoredRow {
  test: string;
  image: string;
  machine: string;
  metric: MetricName;
  stat: string;
  build: number;
  before: number;
  after: number;
  change: number | null;
  p_value: number;
  regression: number;
}

interface Found {
  testId: number;
  nodeConfigId: number;
  metric: MetricName;
  stat: string;
  build: number;
  before: number;
  after: number;
  change: number | null;
  pValue: number;
  regression: boolean;
}

/**
 * What the stored change points were computed from: the detector's settings
 * and, for the job's builds up to `upTo` (all of them by default), their
 * count, newest ingest and ids. Equal signatures up to the last analysed build
 * mean builds were only appended since.
 */
function signature(db: DB, job: number, upTo = Number.MAX_SAFE_INTEGER): string {
  const b = db
    .prepare<[number, number], { n: number; ingested: number | null; ids: number; last: number | null }>(
      `SELECT count(*) AS n, max(ingested_us) AS ingested, total(id) AS ids, max(number) AS last
       FROM builds WHERE job_id = ? AND number <= ?`,
    )
    .get(job, upTo)!;
  return JSON.stringify({ n: b.n, ingested: b.ingested ?? 0, ids: b.ids, last: b.last ?? 0, opts: DEFAULT_CHANGE_POINT_OPTIONS });
}

/**
 * Runs the detector on every series of a job (test x node config x metric x
 * stat) over its builds from `fromBuild` on, in build order; returns the
 * change points at `keepFrom` or later.
 */
function findChangePoints(db: DB, job: number, opts: Partial<ChangePointOptions>, fromBuild = 0, keepFrom = 0): Found[] {
  const rows = db
    .prepare<[number, number], ValueRow>(
      `SELECT s.test_id, s.node_config_id, c.metric, c.build_number AS number, c.stats
       FROM series s JOIN chart_points c ON c.series_id = s.id
       WHERE s.job_id = ? AND c.build_number >= ?
       ORDER BY s.id, c.metric, c.build_number`,
    )
    .all(job, fromBuild);
  const found: Found[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const a = rows[start];
    const b = rows[i];
    if (b && b.test_id === a.test_id && b.node_config_id === a.node_config_id && b.metric === a.metric) continue;
    const byStat = new Map<string, { numbers: number[]; values: number[] }>();
    for (const r of rows.slice(start, i)) {
      for (const [stat, value] of Object.entries(JSON.parse(r.stats) as Record<string, number>)) {
        if (!Number.isFinite(value)) continue;
        let series = byStat.get(stat);
        if (!series) byStat.set(stat, (series = { numbers: [], values: [] }));
        series.numbers.push(r.number);
        series.values.push(value);
      }
    }
    start = i;
    for (const [stat, series] of byStat) {
      for (const cp of detectChangePoints(series.values, opts)) {
        const build = series.numbers[cp.index];
        if (build < keepFrom) continue;
        found.push({
          testId: a.test_id,
          nodeConfigId: a.node_config_id,
          metric: a.metric,
          stat,
          build,
          before: cp.before,
          after: cp.after,
          change: Number.isFinite(cp.change) ? cp.change : null,
          pValue: cp.pValue,
          regression: isRegression(cp, a.metric, stat),
        });
      }
    }
  }
  return found;
}

/**
 * Where an append-only refresh starts reading (`from`) and from which build
 * on it replaces stored change points (`keep`): the last TAIL_WINDOWS windows
 * of builds are re-analysed, and the first window of them only gives the
 * detector its left context, so the seam sees the same evidence a full run
 * would. Undefined when the history is too short to gain anything.
 */
const TAIL_WINDOWS = 4;

function tail(db: DB, job: number): { from: number; keep: number } | undefined {
  const window = DEFAULT_CHANGE_POINT_OPTIONS.window;
  const numbers = db
    .prepare<[number, number], { number: number }>('SELECT number FROM builds WHERE job_id = ? ORDER BY number DESC LIMIT ?')
    .all(job, TAIL_WINDOWS * window)
    .map((r) => r.number);
  if (numbers.length < TAIL_WINDOWS * window) return undefined;
  return { from: numbers[numbers.length - 1], keep: numbers[numbers.length - 1 - window] };
}

/**
 * Recomputes and stores the change points of `job`, in one transaction;
 * returns how many it holds. When builds were only appended since the last
 * run, only the newest builds are re-analysed (see tail), which keeps an
 * upload to a 5,000-build job fast; otherwise the whole history is.
 */
export function refreshChangePoints(db: DB, job: string): number {
  const id = jobId(db, job);
  const insert = db.prepare(
    `INSERT INTO change_points (job_id, test_id, node_config_id, metric, stat, build, before, after, change, p_value, regression)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db
    .transaction(() => {
      const state = db
        .prepare<[number], { builds_signature: string }>('SELECT builds_signature FROM change_point_state WHERE job_id = ?')
        .get(id);
      const last = state ? lastAnalysed(state.builds_signature) : undefined;
      const appended = last !== undefined && state!.builds_signature === signature(db, id, last);
      const t = appended ? tail(db, id) : undefined;
      const keep = t && last !== undefined && t.keep <= last ? t.keep : 0;
      const found = findChangePoints(db, id, {}, keep ? t!.from : 0, keep);
      db.prepare('DELETE FROM change_points WHERE job_id = ? AND build >= ?').run(id, keep);
      for (const f of found) {
        insert.run(id, f.testId, f.nodeConfigId, f.metric, f.stat, f.build, f.before, f.after, f.change, f.pValue, f.regression ? 1 : 0);
      }
      db.prepare(
        `INSERT INTO change_point_state (job_id, builds_signature, computed_us) VALUES (?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET builds_signature = excluded.builds_signature, computed_us = excluded.computed_us`,
      ).run(id, signature(db, id), Date.now() * 1000);
      return (db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM change_points WHERE job_id = ?').get(id))!.n;
    })
    .immediate();
}

/** The newest build a stored signature covers; undefined for a signature this version did not write. */
function lastAnalysed(sig: string): number | undefined {
  try {
    const last = (JSON.parse(sig) as { last?: unknown }).last;
    return typeof last === 'number' ? last : undefined;
  } catch {
    return undefined;
  }
}

/** Refreshes the job's change points when its builds changed since they were computed. */
function ensureFresh(db: DB, job: string): number {
  const id = jobId(db, job);
  const state = db
    .prepare<[number], { builds_signature: string }>('SELECT builds_signature FROM change_point_state WHERE job_id = ?')
    .get(id);
  if (state?.builds_signature !== signature(db, id)) refreshChangePoints(db, job);
  return id;
}

const STORED = `SELECT t.name AS test, n.image, n.machine, c.metric, c.stat, c.build, c.before, c.after, c.change,
                       c.p_value, c.regression
                FROM change_points c JOIN tests t ON t.id = c.test_id JOIN node_configs n ON n.id = c.node_config_id`;

function toRecord(r: StoredRow): ChangeRecord {
  return {
    test: r.test,
    image: r.image,
    machine: r.machine,
    metric: r.metric,
    stat: r.stat,
    build: r.build,
    before: r.before,
    after: r.after,
    change: r.change,
    direction: r.after >= r.before ? 'up' : 'down',
    regression: r.regression === 1,
    pValue: r.p_value,
  };
}

function isDefault(opts: Partial<ChangePointOptions>): boolean {
  return (Object.keys(opts) as (keyof ChangePointOptions)[]).every(
    (k) => opts[k] === undefined || opts[k] === DEFAULT_CHANGE_POINT_OPTIONS[k],
  );
}

/**
 * Every change point of a job (regressions and improvements), newest build
 * first. With non-default detector settings the job is analysed afresh and
 * nothing is stored.
 */
export function listRegressions(db: DB, job: string, opts: Partial<ChangePointOptions> = {}): ChangeRecord[] {
  if (!isDefault(opts)) return computeAdHoc(db, job, opts);
  const id = ensureFresh(db, job);
  return db
    .prepare<[number], StoredRow>(
      `${STORED} WHERE c.job_id = ? ORDER BY c.build DESC, t.name, n.image, n.machine, c.metric, c.stat`,
    )
    .all(id)
    .map(toRecord);
}

function computeAdHoc(db: DB, job: string, opts: Partial<ChangePointOptions>): ChangeRecord[] {
  const id = jobId(db, job);
  const tests = new Map(
    db.prepare<[], { id: number; name: string }>('SELECT id, name FROM tests').all().map((t) => [t.id, t.name]),
  );
  const nodes = new Map(
    db
      .prepare<[], { id: number; image: string; machine: string }>('SELECT id, image, machine FROM node_configs')
      .all()
      .map((n) => [n.id, n]),
  );
  return findChangePoints(db, id, opts)
    .map((f) =>
      toRecord({
        test: tests.get(f.testId)!,
        image: nodes.get(f.nodeConfigId)!.image,
        machine: nodes.get(f.nodeConfigId)!.machine,
        metric: f.metric,
        stat: f.stat,
        build: f.build,
        before: f.before,
        after: f.after,
        change: f.change,
        p_value: f.pValue,
        regression: f.regression ? 1 : 0,
      }),
    )
    .sort(
      (a, b) =>
        b.build - a.build ||
        cmp(a.test, b.test) ||
        cmp(a.image, b.image) ||
        cmp(a.machine, b.machine) ||
        cmp(a.metric, b.metric) ||
        cmp(a.stat, b.stat),
    );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The change points of one chart (all its stats) of the Builds page, in build order. */
export function changePointsFor(
  db: DB,
  job: string,
  test: string,
  node: NodeConfig,
  metric: MetricName,
): ChangeRecord[] {
  const id = ensureFresh(db, job);
  return db
    .prepare<[number, string, string, string, string], StoredRow>(
      `${STORED} WHERE c.job_id = ? AND t.name = ? AND n.image = ? AND n.machine = ? AND c.metric = ?
       ORDER BY c.build, c.stat`,
    )
    .all(id, test, node.image, node.machine, metric)
    .map(toRecord);
}

/** Regressions of every job whose first bad build is `sinceBuilds` builds old or newer, for the overview. */
export function recentRegressions(db: DB, sinceBuilds = 10): Array<ChangeRecord & { job: string }> {
  const jobs = db.prepare<[], { name: string }>('SELECT name FROM jobs ORDER BY name').all();
  return jobs.flatMap(({ name }) => {
    const numbers = db
      .prepare<[string, number], { number: number }>(
        `SELECT b.number FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = ? ORDER BY b.number DESC LIMIT ?`,
      )
      .all(name, sinceBuilds)
      .map((r) => r.number);
    const oldest = numbers.length ? numbers[numbers.length - 1] : Infinity;
    return listRegressions(db, name)
      .filter((c) => c.regression && c.build >= oldest)
      .map((c) => ({ job: name, ...c }));
  });
}

/** The `kpd regressions --json` and GET /api/v1/jobs/[job]/regressions document. */
export function regressionsDocument(db: DB, job: string, opts: Partial<ChangePointOptions> = {}) {
  return { job, regressions: listRegressions(db, job, opts) };
}
