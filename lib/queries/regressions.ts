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
  stat: string;
  number: number;
  value: number;
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

/** What the stored change points were computed from: the job's builds and the detector's settings. */
function signature(db: DB, job: number): string {
  const b = db
    .prepare<[number], { n: number; ingested: number | null; ids: number }>(
      'SELECT count(*) AS n, max(ingested_us) AS ingested, total(id) AS ids FROM builds WHERE job_id = ?',
    )
    .get(job)!;
  return `${b.n}:${b.ingested ?? 0}:${b.ids}:${JSON.stringify(DEFAULT_CHANGE_POINT_OPTIONS)}`;
}

/** Runs the detector on every series of a job, in build order. */
function findChangePoints(db: DB, job: number, opts: Partial<ChangePointOptions>): Found[] {
  const rows = db
    .prepare<[number], ValueRow>(
      `SELECT r.test_id, r.node_config_id, m.name AS metric, s.stat, b.number, s.value
       FROM builds b
       JOIN runs r ON r.build_id = b.id
       JOIN metrics m ON m.run_id = r.id AND m.name IS NOT NULL
       JOIN metric_stats s ON s.metric_id = m.id
       WHERE b.job_id = ?
       ORDER BY r.test_id, r.node_config_id, m.name, s.stat, b.number`,
    )
    .all(job);
  const found: Found[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const a = rows[start];
    const b = rows[i];
    if (b && b.test_id === a.test_id && b.node_config_id === a.node_config_id && b.metric === a.metric && b.stat === a.stat) {
      continue;
    }
    const series = rows.slice(start, i).filter((r) => Number.isFinite(r.value));
    start = i;
    for (const cp of detectChangePoints(series.map((r) => r.value), opts)) {
      found.push({
        testId: a.test_id,
        nodeConfigId: a.node_config_id,
        metric: a.metric,
        stat: a.stat,
        build: series[cp.index].number,
        before: cp.before,
        after: cp.after,
        change: Number.isFinite(cp.change) ? cp.change : null,
        pValue: cp.pValue,
        regression: isRegression(cp, a.metric, a.stat),
      });
    }
  }
  return found;
}

/** Recomputes and stores the change points of every series of `job`, in one transaction; returns how many were found. */
export function refreshChangePoints(db: DB, job: string): number {
  const id = jobId(db, job);
  const insert = db.prepare(
    `INSERT INTO change_points (job_id, test_id, node_config_id, metric, stat, build, before, after, change, p_value, regression)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db
    .transaction(() => {
      const found = findChangePoints(db, id, {});
      db.prepare('DELETE FROM change_points WHERE job_id = ?').run(id);
      for (const f of found) {
        insert.run(id, f.testId, f.nodeConfigId, f.metric, f.stat, f.build, f.before, f.after, f.change, f.pValue, f.regression ? 1 : 0);
      }
      db.prepare(
        `INSERT INTO change_point_state (job_id, builds_signature, computed_us) VALUES (?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET builds_signature = excluded.builds_signature, computed_us = excluded.computed_us`,
      ).run(id, signature(db, id), Date.now() * 1000);
      return found.length;
    })
    .immediate();
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
