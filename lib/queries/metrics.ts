// One metric of one test on one node config across a job's builds: exactly
// the data a Builds page chart plots, and what `kpd metrics` prints.
import type { DB } from '../db/open';
import { METRIC_NAMES, metricTitle, statsToDraw, type MetricName, type MetricSeries, type MetricPoint, type NodeConfig, type BuildLinks } from '../model';
import type { BuildId } from '../build-id';
import { buildLinks } from '../links';
import { jobLinkTemplates } from './sync';
import { resolveWindow, type BuildRangeQuery, type BuildWindow, type ResolvedWindow } from './builds';
import { resolveSelection, type Selection } from './selection';

export interface MetricQuery extends Selection, BuildRangeQuery {
  metric: MetricName;
}

interface Row {
  build: BuildId;
  started_us: number | null;
  unit: string;
  stats: string;
}

export function metricSeries(db: DB, q: MetricQuery): MetricSeries {
  const sel = resolveSelection(db, q);
  const { where, args } = resolveWindow(db, sel, q);
  const rows = db
    .prepare<[string, number, ...string[]], Row>(
      `SELECT build, started_us, unit, stats FROM chart_points
       WHERE metric = ? AND series_id = ? AND ${where} ORDER BY build_key`,
    )
    .all(q.metric, sel.seriesId, ...args);
  const series: MetricPoint[] = rows.map((r) => ({
    build: r.build,
    started: r.started_us,
    stats: JSON.parse(r.stats) as Record<string, number>,
  }));
  return { unit: rows[0]?.unit ?? '', series };
}

/** A build as a chart across builds draws it: its point, and what its tooltip says of it. */
export interface ChartPoint extends MetricPoint {
  version: string | null;
  result: string | null;
  links: BuildLinks;
}

/** One chart of the Builds page: the stats it draws, per build of the window. */
export interface MetricChartData {
  metric: MetricName;
  title: string;
  unit: string;
  stats: string[];
  points: ChartPoint[];
  /** How many builds the window held when `points` is a downsample of them; null when every build is drawn. */
  downsampledFrom: number | null;
}

/** A chart draws at most this many builds; longer windows keep each stretch's extremes. */
export const MAX_CHART_POINTS = 600;

interface ChartRow {
  build: BuildId;
  started_us: number | null;
  name: MetricName;
  unit: string;
  stats: string;
  version: string | null;
  result: string | null;
  prow_url: string | null;
}

/**
 * The chart rows of a series over a window, in build order. Past `maxPoints`
 * builds the window is cut into maxPoints/2 stretches of consecutive builds
 * per metric and each keeps its builds with the lowest and the highest top
 * stat (see topStat), so spikes, dips and level shifts survive and every
 * point drawn is a real build; SQLite picks them, so only the kept rows reach
 * JavaScript.
 */
function chartRows(db: DB, seriesId: number, w: ResolvedWindow, maxPoints: number): ChartRow[] {
  const withBuild = (from: string) =>
    `SELECT p.build, p.started_us, p.name, p.unit, p.stats, b.version, b.result, b.prow_url
     FROM ${from} p JOIN runs r ON r.id = p.run_id JOIN builds b ON b.id = r.build_id`;
  if (w.window.builds <= maxPoints) {
    return db
      .prepare<[number, ...string[]], ChartRow>(
        `${withBuild(`(SELECT build, build_key, started_us, metric AS name, unit, stats, run_id FROM chart_points
                       WHERE series_id = ? AND ${w.where})`)}
         ORDER BY p.name, p.build_key`,
      )
      .all(seriesId, ...w.args);
  }
  // Per metric and stretch, one query keeps the build with the lowest top
  // stat and one the highest (SQLite takes a bare column from the row of a
  // lone min() or max()).
  const pick = (agg: 'min' | 'max') =>
    `SELECT build, build_key, started_us, name, unit, stats, run_id, ${agg}(top) FROM ranked GROUP BY name, stretch`;
  const stretches = Math.max(1, Math.floor(maxPoints / 2));
  return db
    .prepare<[number, number, ...string[]], ChartRow>(
      `WITH ranked AS (
         SELECT build, build_key, started_us, metric AS name, unit, stats, run_id, top,
                CAST((row_number() OVER (PARTITION BY metric ORDER BY build_key) - 1) * ? / count(*) OVER (PARTITION BY metric) AS INTEGER) AS stretch
         FROM chart_points WHERE series_id = ? AND ${w.where})
       ${withBuild(`(${pick('min')} UNION ${pick('max')})`)}
       ORDER BY p.name, p.build_key`,
    )
    .all(stretches, seriesId, ...w.args);
}

export interface MetricPanel {
  job: string;
  test: string;
  node: NodeConfig;
  /** The Ginkgo description of the newest run in the window, else the test's. */
  description: string | null;
  window: BuildWindow;
  charts: MetricChartData[];
}

/**
 * The six charts of the Builds page for one test on one node config over a
 * build window: only the builds of the window and only the stats drawn,
 * downsampled past `maxPoints` builds (default MAX_CHART_POINTS).
 */
export function metricPanel(db: DB, q: Selection & BuildRangeQuery & { maxPoints?: number }): MetricPanel {
  const sel = resolveSelection(db, q);
  const templates = jobLinkTemplates(db, q.job);
  const resolved = resolveWindow(db, sel, q);
  const { window } = resolved;
  const maxPoints = q.maxPoints ?? MAX_CHART_POINTS;
  const rows = chartRows(db, sel.seriesId, resolved, maxPoints);
  const byMetric = new Map<MetricName, { unit: string; points: ChartPoint[]; keys: Set<string> }>();
  for (const r of rows) {
    let m = byMetric.get(r.name);
    if (!m) byMetric.set(r.name, (m = { unit: r.unit, points: [], keys: new Set() }));
    const stats = JSON.parse(r.stats) as Record<string, number>;
    for (const k in stats) m.keys.add(k);
    m.points.push({
      build: r.build,
      started: r.started_us,
      version: r.version,
      result: r.result,
      links: buildLinks(q.job, { number: r.build, prowUrl: r.prow_url }, templates),
      stats,
    });
  }
  const downsampled = window.builds > maxPoints;
  const charts = METRIC_NAMES.map((metric): MetricChartData => {
    const m = byMetric.get(metric);
    const stats = statsToDraw(metric, [...(m?.keys ?? [])]);
    const points = (m?.points ?? []).map((p) => ({
      ...p,
      stats: Object.fromEntries(stats.filter((s) => s in p.stats).map((s) => [s, p.stats[s]])),
    }));
    const downsampledFrom = downsampled && points.length ? window.builds : null;
    return { metric, title: metricTitle(metric), unit: m?.unit ?? '', stats, points, downsampledFrom };
  });
  const description =
    db
      .prepare<[number, string], { description: string }>(
        `SELECT description FROM runs WHERE series_id = ? AND build_key <= ? AND description IS NOT NULL
         ORDER BY build_key DESC LIMIT 1`,
      )
      .get(sel.seriesId, resolved.args[1])?.description ??
    db.prepare<[number], { description: string | null }>('SELECT description FROM tests WHERE id = ?').get(sel.testId)
      ?.description ??
    null;
  return { job: q.job, test: sel.test, node: sel.node, description, window, charts };
}
