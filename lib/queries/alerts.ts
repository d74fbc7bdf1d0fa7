// Alerts: what people triage. The change points found at one build of one run
// (test x node config) of a job are one alert, listing every metric and stat
// that moved there, the largest change of a charted stat first, blamed on the
// builds between which it happened. Alerts are derived from the stored change
// points (lib/queries/regressions.ts); the alerts table keeps only their
// identity and triage state, keyed by job, test, node config and build, so a
// state survives every recomputation that finds the change at the same build.
// When a recomputation moves a change by up to MOVE_BUILDS builds of its run
// (a replaced build, more builds after a short run), its alert moves with it,
// keeping its ID and state; an alert whose change points vanish is kept out of
// sight, and its state is back should they return at that build.
import { compareBuildIds, type BuildId } from '../build-id';
import type { DB } from '../db/open';
import { isChartedStat, type AlertState, type MetricName, type Micros } from '../model';
import { toIsoOrNull } from '../time';
import { metricPanel, type MetricChartData } from './metrics';
import { listRegressions, refreshChangePoints, type ChangeRecord } from './regressions';
import { jobId } from './selection';

/** How far (in builds of its run) a recomputed change may have moved and still be the same alert. */
export const MOVE_BUILDS = 2;
/** The longest note kept with a state. */
export const NOTE_MAX = 2000;

export interface AlertChange {
  metric: MetricName;
  stat: string;
  /** Median levels before and after the change. */
  before: number;
  after: number;
  /** (after - before) / |before|; null when before is 0. */
  change: number | null;
  pValue: number;
  /** True when it moved the way that is worse for this metric. */
  regression: boolean;
}

export interface Alert {
  /** Stable across recomputations; null only while a database's change points wait to be recomputed by a writer. */
  id: number | null;
  state: AlertState;
  note: string | null;
  /** Who set the state: the upload token's name ("token" when unnamed), or the local user for `kpd alerts set`. */
  setBy: string | null;
  /** When the state was set, ISO-8601 UTC. */
  setAt: string | null;
  test: string;
  image: string;
  machine: string;
  /** The first build at the new level. */
  build: BuildId;
  /** The last build at the old level, its version and the new one's, and the GitHub comparison of their commits. */
  previousBuild: BuildId | null;
  previousVersion: string | null;
  version: string | null;
  compareUrl: string | null;
  /** True when any of its changes moved the way that is worse for its metric. */
  regression: boolean;
  /** Every metric and stat that moved, the largest change of a charted stat first. */
  changes: AlertChange[];
}

export interface AlertFilter {
  state?: AlertState;
  test?: string;
  image?: string;
  machine?: string;
}

/** Changes of the stats the charts draw first, then the largest moves (one from 0 counts as infinite). */
export function byImportance(
  a: { metric: MetricName; stat: string; change: number | null },
  b: { metric: MetricName; stat: string; change: number | null },
): number {
  const drawn = (c: typeof a) => (isChartedStat(c.metric, c.stat) ? 0 : 1);
  const size = (c: typeof a) => Math.abs(c.change ?? Infinity);
  return drawn(a) - drawn(b) || size(b) - size(a) || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) || (a.stat < b.stat ? -1 : a.stat > b.stat ? 1 : 0);
}

interface AlertRow {
  id: number;
  test: string;
  image: string;
  machine: string;
  build: BuildId;
  state: AlertState;
  note: string | null;
  set_by: string | null;
  set_us: Micros | null;
}

const runKey = (test: string, image: string, machine: string, build: string) => JSON.stringify([test, image, machine, build]);

/** A job's alerts, newest build first (then test, image, machine), those matching `filter`. */
export function listAlerts(db: DB, job: string, filter: AlertFilter = {}): Alert[] {
  const id = jobId(db, job);
  const rows = new Map(
    db
      .prepare<[number], AlertRow>(
        `SELECT a.id, t.name AS test, n.image, n.machine, a.build, a.state, a.note, a.set_by, a.set_us
         FROM alerts a JOIN tests t ON t.id = a.test_id JOIN node_configs n ON n.id = a.node_config_id
         WHERE a.job_id = ?`,
      )
      .all(id)
      .map((r) => [runKey(r.test, r.image, r.machine, r.build), r]),
  );
  // listRegressions orders by build (newest first), test, image, machine: the groups keep that order.
  const groups = new Map<string, ChangeRecord[]>();
  for (const c of listRegressions(db, job)) {
    const key = runKey(c.test, c.image, c.machine, c.build);
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  const out: Alert[] = [];
  for (const [key, changes] of groups) {
    const row = rows.get(key);
    const a = toAlert(row, changes.sort(byImportance));
    if (filter.state && a.state !== filter.state) continue;
    if (filter.test && a.test !== filter.test) continue;
    if (filter.image && a.image !== filter.image) continue;
    if (filter.machine && a.machine !== filter.machine) continue;
    out.push(a);
  }
  return out;
}

function toAlert(row: AlertRow | undefined, changes: ChangeRecord[]): Alert {
  const top = changes[0];
  return {
    id: row?.id ?? null,
    state: row?.state ?? 'new',
    note: row?.note ?? null,
    setBy: row?.set_by ?? null,
    setAt: toIsoOrNull(row?.set_us),
    test: top.test,
    image: top.image,
    machine: top.machine,
    build: top.build,
    previousBuild: top.previousBuild,
    previousVersion: top.previousVersion,
    version: top.version,
    compareUrl: top.compareUrl,
    regression: changes.some((c) => c.regression),
    changes: changes.map((c) => ({
      metric: c.metric,
      stat: c.stat,
      before: c.before,
      after: c.after,
      change: c.change,
      pValue: c.pValue,
      regression: c.regression,
    })),
  };
}

/** The `kpd alerts --json` and GET /api/v1/jobs/[job]/alerts document. */
export function alertsDocument(db: DB, job: string, filter: AlertFilter = {}): { job: string; alerts: Alert[] } {
  return { job, alerts: listAlerts(db, job, filter) };
}

/** A new state for an alert: `note` undefined keeps the note it has, null or '' clears it. */
export interface AlertUpdate {
  state: AlertState;
  note?: string | null;
  /** Who sets it: a token's name, or the local user. */
  by: string;
  at: Micros;
}

/** Sets the state of alert `id` of `job`; undefined when the job has no such alert. */
export function setAlertState(db: DB, job: string, id: number, u: AlertUpdate): Alert | undefined {
  return db
    .transaction(() => {
      if (!listAlerts(db, job).some((a) => a.id === id)) return undefined;
      const keepNote = u.note === undefined ? 1 : 0;
      db.prepare(
        `UPDATE alerts SET state = ?, note = CASE WHEN ? THEN note ELSE ? END, set_by = ?, set_us = ?
         WHERE id = ? AND job_id = ?`,
      ).run(u.state, keepNote, u.note ? u.note : null, u.by, u.at, id, jobId(db, job));
      return listAlerts(db, job).find((a) => a.id === id);
    })
    .immediate();
}

/** The job alert `id` belongs to; undefined when there is no such alert. */
export function alertJob(db: DB, id: number): string | undefined {
  return db
    .prepare<[number], { job: string }>('SELECT j.name AS job FROM alerts a JOIN jobs j ON j.id = a.job_id WHERE a.id = ?')
    .get(id)?.job;
}

interface Key {
  test_id: number;
  node_config_id: number;
  build: BuildId;
}

/**
 * Gives every group of stored change points of `job` its alert row: an alert
 * that lost its change points within MOVE_BUILDS builds of its run is moved
 * to the new place (nearest first), the others are created as new. Runs in
 * the caller's transaction, right after refreshChangePoints; returns the
 * alerts created (not those moved).
 */
export function syncAlerts(db: DB, job: string, now: Micros = Date.now() * 1000): Alert[] {
  const id = jobId(db, job);
  const groups = db
    .prepare<[number], Key>('SELECT DISTINCT test_id, node_config_id, build FROM change_points WHERE job_id = ?')
    .all(id);
  const rows = db
    .prepare<[number], Key & { id: number }>('SELECT id, test_id, node_config_id, build FROM alerts WHERE job_id = ?')
    .all(id);
  const key = (k: Key) => `${k.test_id}:${k.node_config_id}:${k.build}`;
  const backed = new Set(groups.map(key));
  const stored = new Set(rows.map(key));
  const unrecorded = groups.filter((g) => !stored.has(key(g)));
  if (!unrecorded.length) return [];
  const orphans = rows.filter((r) => !backed.has(key(r)));

  const position = db.prepare<[number, number, number], { build: BuildId }>(
    `SELECT r.build FROM runs r JOIN series s ON s.id = r.series_id
     WHERE s.job_id = ? AND s.test_id = ? AND s.node_config_id = ? ORDER BY r.build_key`,
  );
  const positions = new Map<string, Map<BuildId, number>>();
  const at = (k: Key): number | undefined => {
    const run = `${k.test_id}:${k.node_config_id}`;
    let p = positions.get(run);
    if (!p) positions.set(run, (p = new Map(position.all(id, k.test_id, k.node_config_id).map((r, i) => [r.build, i]))));
    return p.get(k.build);
  };
  const pairs: { group: Key; orphan: Key & { id: number }; distance: number }[] = [];
  for (const group of unrecorded) {
    for (const orphan of orphans) {
      if (orphan.test_id !== group.test_id || orphan.node_config_id !== group.node_config_id) continue;
      const [a, b] = [at(group), at(orphan)];
      if (a === undefined || b === undefined || Math.abs(a - b) > MOVE_BUILDS) continue;
      pairs.push({ group, orphan, distance: Math.abs(a - b) });
    }
  }
  pairs.sort((x, y) => x.distance - y.distance || compareBuildIds(x.group.build, y.group.build));
  const moved = new Set<string>();
  const taken = new Set<number>();
  const move = db.prepare('UPDATE alerts SET build = ? WHERE id = ?');
  for (const p of pairs) {
    if (moved.has(key(p.group)) || taken.has(p.orphan.id)) continue;
    move.run(p.group.build, p.orphan.id);
    moved.add(key(p.group));
    taken.add(p.orphan.id);
  }
  const insert = db.prepare(
    'INSERT INTO alerts (job_id, test_id, node_config_id, build, found_us) VALUES (?, ?, ?, ?, ?) RETURNING id',
  );
  const created = new Set<number>();
  for (const g of unrecorded) {
    if (moved.has(key(g))) continue;
    created.add((insert.get(id, g.test_id, g.node_config_id, g.build, now) as { id: number }).id);
  }
  return created.size ? listAlerts(db, job).filter((a) => a.id !== null && created.has(a.id)) : [];
}

/**
 * What a writer runs after changing a job's builds: recomputes its change
 * points and gives them their alerts, in one transaction; returns the alerts
 * that appeared.
 */
export function refreshAlerts(db: DB, job: string): Alert[] {
  return db
    .transaction(() => {
      refreshChangePoints(db, job);
      return syncAlerts(db, job);
    })
    .immediate();
}

/** The builds of an alert's run from `around` builds before its build to `around` after, as an ID range. */
export function alertWindow(db: DB, job: string, a: Pick<Alert, 'test' | 'image' | 'machine' | 'build'>, around: number): { from: BuildId; to: BuildId } {
  const builds = db
    .prepare<[number, string, string, string], { build: BuildId }>(
      `SELECT r.build FROM runs r JOIN series s ON s.id = r.series_id JOIN tests t ON t.id = s.test_id
       JOIN node_configs n ON n.id = s.node_config_id
       WHERE s.job_id = ? AND t.name = ? AND n.image = ? AND n.machine = ? ORDER BY r.build_key`,
    )
    .all(jobId(db, job), a.test, a.image, a.machine)
    .map((r) => r.build);
  const i = builds.indexOf(a.build);
  if (i === -1) return { from: a.build, to: a.build };
  // IDs bound the Builds view's range; start order and ID order agree for Prow and Jenkins IDs, and either way both ends are in.
  const near = builds.slice(Math.max(0, i - around), i + around + 1).sort(compareBuildIds);
  return { from: near[0], to: near[near.length - 1] };
}

/** The charts of the metrics an alert moved, over `around` builds each side of it, in the order of its changes. */
export function alertCharts(db: DB, job: string, a: Alert, around = 5): MetricChartData[] {
  const w = alertWindow(db, job, a, around);
  const panel = metricPanel(db, { job, test: a.test, image: a.image, machine: a.machine, ...w });
  const moved = [...new Set(a.changes.map((c) => c.metric))];
  return moved.flatMap((m) => panel.charts.filter((c) => c.metric === m));
}
