// One metric of one test on one node config across a job's builds: exactly
// the data a Builds page chart plots, and what `kpd metrics` prints.
import type { DB } from '../db/open';
import { METRIC_NAMES, metricTitle, statsToDraw, type MetricName, type MetricSeries, type MetricPoint, type NodeConfig } from '../model';
import { buildWindow, type BuildRangeQuery, type BuildWindow } from './builds';
import { resolveSelection, type Selection } from './selection';

export interface MetricQuery extends Selection {
  metric: MetricName;
  /** Build range, inclusive. */
  from?: number;
  to?: number;
  /** The last N builds of the range. */
  last?: number;
}

interface Row {
  build_number: number;
  started_us: number | null;
  unit: string;
  stats: string;
}

export function metricSeries(db: DB, q: MetricQuery): MetricSeries {
  const sel = resolveSelection(db, q);
  const rows = db
    .prepare<[string, number, number, number], Row>(
      `SELECT build_number, started_us, unit, stats FROM chart_points
       WHERE metric = ? AND series_id = ? AND build_number BETWEEN ? AND ?
       ORDER BY build_number`,
    )
    .all(q.metric, sel.seriesId, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER);
  const picked = q.last ? rows.slice(-q.last) : rows;
  const series: MetricPoint[] = picked.map((r) => ({
    build: r.build_number,
    started: r.started_us,
    stats: JSON.parse(r.stats) as Record<string, number>,
  }));
  return { unit: picked[0]?.unit ?? '', series };
}

/** One chart of the Builds page: the stats it draws, per build of the window. */
export interface MetricChartData {
  metric: MetricName;
  title: string;
  unit: string;
  stats: string[];
  points: MetricPoint[];
  /** How many builds the window held when `points` is a downsample of them; null when every build is drawn. */
  downsampledFrom: number | null;
}

/** A chart draws at most this many builds; longer windows keep each stretch's extremes. */
export const MAX_CHART_POINTS = 600;

/**
 * The chart rows of a series over a window. Past `maxPoints` builds the
 * window is cut into maxPoints/2 stretches per metric and each keeps its
 * builds with the lowest and the highest top stat (see topStat), so spikes,
 * dips and level shifts survive and every point drawn is a real build;
 * SQLite picks them, so only the kept rows reach JavaScript.
 */
function chartRows(db: DB, seriesId: number, from: number, to: number, builds: number, maxPoints: number): ChartRow[] {
  const where = 'series_id = ? AND build_number BETWEEN ? AND ?';
  if (builds <= maxPoints) {
    return db
      .prepare<[number, number, number], ChartRow>(
        `SELECT build_number, started_us, metric AS name, unit, stats FROM chart_points WHERE ${where} ORDER BY metric, build_number`,
      )
      .all(seriesId, from, to);
  }
  // Stretches by build number; per metric and stretch, one query keeps the
  // build with the lowest top stat and one the highest (SQLite takes a bare
  // column from the row of a lone min() or max()).
  const stretch = `CAST((build_number - ?) * ? / (? - ? + 1) AS INTEGER)`;
  const pick = (agg: 'min' | 'max') =>
    `SELECT build_number, started_us, metric AS name, unit, stats, ${agg}(top) FROM chart_points
     WHERE ${where} GROUP BY metric, ${stretch}`;
  const stretches = Math.max(1, Math.floor(maxPoints / 2));
  const args = [seriesId, from, to, from, stretches, to, from] as const;
  return db
    .prepare<(number)[], ChartRow>(
      `SELECT build_number, started_us, name, unit, stats FROM (${pick('min')} UNION ${pick('max')})
       ORDER BY name, build_number`,
    )
    .all(...args, ...args);
}

interface ChartRow {
  build_number: number;
  started_us: number | null;
  name: MetricName;
  unit: string;
  stats: string;
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
  const window = buildWindow(db, sel, q);
  const maxPoints = q.maxPoints ?? MAX_CHART_POINTS;
  const rows = chartRows(db, sel.seriesId, window.from ?? 1, window.to ?? 0, window.builds, maxPoints);
  const byMetric = new Map<MetricName, { unit: string; points: MetricPoint[]; keys: Set<string> }>();
  for (const r of rows) {
    let m = byMetric.get(r.name);
    if (!m) byMetric.set(r.name, (m = { unit: r.unit, points: [], keys: new Set() }));
    const stats = JSON.parse(r.stats) as Record<string, number>;
    for (const k in stats) m.keys.add(k);
    m.points.push({ build: r.build_number, started: r.started_us, stats });
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
      .prepare<[number, number], { description: string }>(
        `SELECT description FROM runs WHERE series_id = ? AND build_number <= ? AND description IS NOT NULL
         ORDER BY build_number DESC LIMIT 1`,
      )
      .get(sel.seriesId, window.to ?? Number.MAX_SAFE_INTEGER)?.description ??
    db.prepare<[number], { description: string | null }>('SELECT description FROM tests WHERE id = ?').get(sel.testId)
      ?.description ??
    null;
  return { job: q.job, test: sel.test, node: sel.node, description, window, charts };
}
