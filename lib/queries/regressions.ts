// Change points of a job's series (test x node config x metric x stat), found
// by lib/regressions.ts and stored in change_points, so that `kpd
// regressions`, the API, the overview and the Builds charts read them instead
// of recomputing. Writers recompute them for one job when its builds change
// (ingest and uploads call refreshChangePoints). Readers never write: they
// check the job's build signature and, should a database have been written by
// a path that did not refresh, analyse afresh in memory rather than show
// stale results.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import { compareUrl } from '../links';
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
  build: BuildId;
  /** The last build at the old level: the change happened between it and `build`. */
  previousBuild: BuildId | null;
  /** The Kubernetes versions the two builds tested, when known. */
  previousVersion: string | null;
  version: string | null;
  /** The commits between the two builds on GitHub, when both commits are known. */
  compareUrl: string | null;
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
  number: BuildId;
  key: string;
  stats: string;
}

interface StoredRow {
  test: string;
  image: string;
  machine: string;
  metric: MetricName;
  stat: string;
  build: BuildId;
  previous_build: BuildId | null;
  version: string | null;
  previous_version: string | null;
  commit_sha: string | null;
  previous_commit: string | null;
  repo: string | null;
  previous_repo: string | null;
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
  build: BuildId;
  /** The build's order key. */
  key: string;
  previousBuild: BuildId | null;
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
function signature(db: DB, job: number, upTo = '~'): string {
  const b = db
    .prepare<[number, string], { n: number; ingested: number | null; ids: number; last: string | null }>(
      `SELECT count(*) AS n, max(ingested_us) AS ingested, total(id) AS ids, max(sort_key) AS last
       FROM builds WHERE job_id = ? AND sort_key <= ?`,
    )
    .get(job, upTo)!;
  return JSON.stringify({ n: b.n, ingested: b.ingested ?? 0, ids: b.ids, last: b.last ?? '', opts: DEFAULT_CHANGE_POINT_OPTIONS });
}

/**
 * Runs the detector on every series of a job (test x node config x metric x
 * stat) over its builds from order key `fromKey` on, in build order; returns
 * the change points at `keepFrom` (an order key) or later.
 */
function findChangePoints(db: DB, job: number, opts: Partial<ChangePointOptions>, fromKey = '', keepFrom = ''): Found[] {
  const rows = db
    .prepare<[number, string], ValueRow>(
      `SELECT s.test_id, s.node_config_id, c.metric, c.build AS number, c.build_key AS key, c.stats
       FROM series s JOIN chart_points c ON c.series_id = s.id
       WHERE s.job_id = ? AND c.build_key >= ?
       ORDER BY s.id, c.metric, c.build_key`,
    )
    .all(job, fromKey);
  const found: Found[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const a = rows[start];
    const b = rows[i];
    if (b && b.test_id === a.test_id && b.node_config_id === a.node_config_id && b.metric === a.metric) continue;
    const byStat = new Map<string, { builds: ValueRow[]; values: number[] }>();
    for (const r of rows.slice(start, i)) {
      for (const [stat, value] of Object.entries(JSON.parse(r.stats) as Record<string, number>)) {
        if (!Number.isFinite(value)) continue;
        let series = byStat.get(stat);
        if (!series) byStat.set(stat, (series = { builds: [], values: [] }));
        series.builds.push(r);
        series.values.push(value);
      }
    }
    start = i;
    for (const [stat, series] of byStat) {
      for (const cp of detectChangePoints(series.values, opts)) {
        const build = series.builds[cp.index];
        if (build.key < keepFrom) continue;
        found.push({
          testId: a.test_id,
          nodeConfigId: a.node_config_id,
          metric: a.metric,
          stat,
          build: build.number,
          key: build.key,
          previousBuild: cp.index > 0 ? series.builds[cp.index - 1].number : null,
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
 * of builds are re-analysed, and the first two windows of them only give the
 * detector its left context (it looks up to two windows to each side of a
 * candidate), so the seam sees the same evidence a full run would. Undefined
 * when the history is too short to gain anything.
 */
const TAIL_WINDOWS = 6;
const CONTEXT_WINDOWS = 2;

function tail(db: DB, job: number): { from: string; keep: string } | undefined {
  const window = DEFAULT_CHANGE_POINT_OPTIONS.window;
  const keys = db
    .prepare<[number, number], { key: string }>('SELECT sort_key AS key FROM builds WHERE job_id = ? ORDER BY sort_key DESC LIMIT ?')
    .all(job, TAIL_WINDOWS * window)
    .map((r) => r.key);
  if (keys.length < TAIL_WINDOWS * window) return undefined;
  return { from: keys[keys.length - 1], keep: keys[keys.length - 1 - CONTEXT_WINDOWS * window] };
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
    `INSERT INTO change_points (job_id, test_id, node_config_id, metric, stat, build, previous_build, before, after, change,
                                p_value, regression)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db
    .transaction(() => {
      const state = db
        .prepare<[number], { builds_signature: string }>('SELECT builds_signature FROM change_point_state WHERE job_id = ?')
        .get(id);
      const last = state ? lastAnalysed(state.builds_signature) : undefined;
      const appended = last !== undefined && state!.builds_signature === signature(db, id, last);
      const t = appended ? tail(db, id) : undefined;
      const keep = t && last !== undefined && t.keep <= last ? t.keep : '';
      const found = findChangePoints(db, id, {}, keep ? t!.from : '', keep);
      if (keep) {
        db.prepare(
          `DELETE FROM change_points WHERE job_id = ?
             AND build IN (SELECT number FROM builds WHERE job_id = change_points.job_id AND sort_key >= ?)`,
        ).run(id, keep);
      } else {
        db.prepare('DELETE FROM change_points WHERE job_id = ?').run(id);
      }
      for (const f of found) {
        insert.run(
          id, f.testId, f.nodeConfigId, f.metric, f.stat, f.build, f.previousBuild,
          f.before, f.after, f.change, f.pValue, f.regression ? 1 : 0,
        );
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
function lastAnalysed(sig: string): string | undefined {
  try {
    const last = (JSON.parse(sig) as { last?: unknown }).last;
    return typeof last === 'string' ? last : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers of isFresh per connection, valid while the database is as it was:
 * a page asks once per chart, and the signature reads every build of the job.
 * data_version moves with other connections' commits, total_changes() with
 * this one's.
 */
const freshness = new WeakMap<DB, { at: string; jobs: Map<number, boolean> }>();

/** Whether the stored change points of a job were computed from its builds as they are now. */
function isFresh(db: DB, id: number): boolean {
  const { version, changes } = db
    .prepare<[], { version: number; changes: number }>('SELECT (SELECT data_version FROM pragma_data_version) AS version, total_changes() AS changes')
    .get()!;
  const at = `${version}:${changes}`;
  let memo = freshness.get(db);
  if (memo?.at !== at) freshness.set(db, (memo = { at, jobs: new Map() }));
  let fresh = memo.jobs.get(id);
  if (fresh === undefined) {
    const state = db
      .prepare<[number], { builds_signature: string }>('SELECT builds_signature FROM change_point_state WHERE job_id = ?')
      .get(id);
    fresh = state?.builds_signature === signature(db, id);
    memo.jobs.set(id, fresh);
  }
  return fresh;
}

/** Jobs whose stored change points were not computed from their builds as they are now (written by a path that did not refresh them). */
export function staleChangePointJobs(db: DB): string[] {
  return db
    .prepare<[], { id: number; name: string }>('SELECT id, name FROM jobs ORDER BY name')
    .all()
    .filter((j) => !isFresh(db, j.id))
    .map((j) => j.name);
}

const STORED = `SELECT t.name AS test, n.image, n.machine, c.metric, c.stat, c.build, c.previous_build,
                       b.version, pb.version AS previous_version, b.commit_sha, pb.commit_sha AS previous_commit,
                       b.repo, pb.repo AS previous_repo, c.before, c.after, c.change, c.p_value, c.regression
                FROM change_points c JOIN tests t ON t.id = c.test_id JOIN node_configs n ON n.id = c.node_config_id
                LEFT JOIN builds b ON b.job_id = c.job_id AND b.number = c.build
                LEFT JOIN builds pb ON pb.job_id = c.job_id AND pb.number = c.previous_build`;

/** The GitHub comparison between the last build at the old level and the first at the new one. */
function blameUrl(r: StoredRow): string | null {
  if (!r.commit_sha || !r.previous_commit || r.commit_sha === r.previous_commit) return null;
  const repo = r.repo ?? r.previous_repo;
  if (!repo || (r.previous_repo && r.repo && r.previous_repo !== r.repo)) return null;
  return compareUrl(repo, r.previous_commit, r.commit_sha);
}

function toRecord(r: StoredRow): ChangeRecord {
  return {
    test: r.test,
    image: r.image,
    machine: r.machine,
    metric: r.metric,
    stat: r.stat,
    build: r.build,
    previousBuild: r.previous_build,
    previousVersion: r.previous_version,
    version: r.version,
    compareUrl: blameUrl(r),
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
  const id = jobId(db, job);
  if (!isDefault(opts) || !isFresh(db, id)) return computeAdHoc(db, job, opts);
  return db
    .prepare<[number], StoredRow>(
      `${STORED} WHERE c.job_id = ? ORDER BY b.sort_key DESC, t.name, n.image, n.machine, c.metric, c.stat`,
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
  const builds = new Map(
    db
      .prepare<[number], { number: BuildId; version: string | null; commit_sha: string | null; repo: string | null }>(
        'SELECT number, version, commit_sha, repo FROM builds WHERE job_id = ?',
      )
      .all(id)
      .map((b) => [b.number, b]),
  );
  return findChangePoints(db, id, opts)
    .sort(
      (a, b) =>
        cmp(b.key, a.key) ||
        cmp(tests.get(a.testId)!, tests.get(b.testId)!) ||
        cmp(nodes.get(a.nodeConfigId)!.image, nodes.get(b.nodeConfigId)!.image) ||
        cmp(nodes.get(a.nodeConfigId)!.machine, nodes.get(b.nodeConfigId)!.machine) ||
        cmp(a.metric, b.metric) ||
        cmp(a.stat, b.stat),
    )
    .map((f) => {
      const b = builds.get(f.build);
      const pb = f.previousBuild === null ? undefined : builds.get(f.previousBuild);
      return toRecord({
        test: tests.get(f.testId)!,
        image: nodes.get(f.nodeConfigId)!.image,
        machine: nodes.get(f.nodeConfigId)!.machine,
        metric: f.metric,
        stat: f.stat,
        build: f.build,
        previous_build: f.previousBuild,
        version: b?.version ?? null,
        previous_version: pb?.version ?? null,
        commit_sha: b?.commit_sha ?? null,
        previous_commit: pb?.commit_sha ?? null,
        repo: b?.repo ?? null,
        previous_repo: pb?.repo ?? null,
        before: f.before,
        after: f.after,
        change: f.change,
        p_value: f.pValue,
        regression: f.regression ? 1 : 0,
      });
    });
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
  const id = jobId(db, job);
  if (!isFresh(db, id)) {
    const found = computeAdHoc(db, job, {}).filter(
      (c) => c.test === test && c.image === node.image && c.machine === node.machine && c.metric === metric,
    );
    // computeAdHoc lists the newest build first: turn it into build order, stats in order within a build.
    const builds = [...new Set(found.map((c) => c.build))].reverse();
    return found.sort((x, y) => builds.indexOf(x.build) - builds.indexOf(y.build) || cmp(x.stat, y.stat));
  }
  return db
    .prepare<[number, string, string, string, string], StoredRow>(
      `${STORED} WHERE c.job_id = ? AND t.name = ? AND n.image = ? AND n.machine = ? AND c.metric = ?
       ORDER BY b.sort_key, c.stat`,
    )
    .all(id, test, node.image, node.machine, metric)
    .map(toRecord);
}

/** Regressions of every job whose first bad build is `sinceBuilds` builds old or newer, for the overview. */
export function recentRegressions(db: DB, sinceBuilds = 10): Array<ChangeRecord & { job: string }> {
  const jobs = db.prepare<[], { name: string }>('SELECT name FROM jobs ORDER BY name').all();
  const recent = db.prepare<[string, number], { number: BuildId }>(
    `SELECT b.number FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = ? ORDER BY b.sort_key DESC LIMIT ?`,
  );
  return jobs.flatMap(({ name }) => {
    const builds = new Set(recent.all(name, sinceBuilds).map((r) => r.number));
    return listRegressions(db, name)
      .filter((c) => c.regression && builds.has(c.build))
      .map((c) => ({ job: name, ...c }));
  });
}

/** The `kpd regressions --json` and GET /api/v1/jobs/[job]/regressions document. */
export function regressionsDocument(db: DB, job: string, opts: Partial<ChangePointOptions> = {}) {
  return { job, regressions: listRegressions(db, job, opts) };
}
