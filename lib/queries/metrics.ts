// One metric of one test on one node config across a job's builds: exactly
// the data a Builds page chart plots, and what `kpd metrics` prints.
import type { DB } from '../db/open';
import { METRIC_NAMES, type MetricName, type MetricSeries, type MetricPoint, type NodeConfig } from '../model';
import { METRIC_TITLES, statsToDraw } from '../../ingest/parsers/metrics';
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

/** A chart draws at most this many builds; longer windows keep each bucket's extremes. */
export const MAX_CHART_POINTS = 600;

/**
 * Keeps at most `max` real builds of a long series: the series is cut into
 * max/2 buckets and each keeps its builds with the lowest and the highest
 * value of the chart's top stat, so spikes, dips and level shifts survive
 * and every point shown is a build's true value.
 */
export function downsample(points: MetricPoint[], stat: string, max = MAX_CHART_POINTS): MetricPoint[] {
  if (points.length <= max) return points;
  const buckets = Math.floor(max / 2);
  const kept: MetricPoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * points.length) / buckets);
    const hi = Math.floor(((b + 1) * points.length) / buckets);
    let min = lo;
    let maxAt = lo;
    for (let i = lo; i < hi; i++) {
      const v = points[i].stats[stat] ?? NaN;
      if (v < (points[min].stats[stat] ?? Infinity)) min = i;
      if (v > (points[maxAt].stats[stat] ?? -Infinity)) maxAt = i;
    }
    for (const i of min === maxAt ? [min] : [Math.min(min, maxAt), Math.max(min, maxAt)]) kept.push(points[i]);
  }
  return kept;
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
  const rows = db
    .prepare<[number, number, number], { build_number: number; started_us: number | null; name: MetricName; unit: string; stats: string }>(
      `SELECT build_number, started_us, metric AS name, unit, stats FROM chart_points
       WHERE series_id = ? AND build_number BETWEEN ? AND ?
       ORDER BY metric, build_number`,
    )
    .all(sel.seriesId, window.from ?? 1, window.to ?? 0);
  const byMetric = new Map<MetricName, { unit: string; points: MetricPoint[] }>();
  for (const r of rows) {
    let m = byMetric.get(r.name);
    if (!m) byMetric.set(r.name, (m = { unit: r.unit, points: [] }));
    m.points.push({ build: r.build_number, started: r.started_us, stats: JSON.parse(r.stats) as Record<string, number> });
  }
  const charts = METRIC_NAMES.map((metric): MetricChartData => {
    const m = byMetric.get(metric);
    const stats = statsToDraw(metric, [...new Set(m?.points.flatMap((p) => Object.keys(p.stats)) ?? [])]);
    const all = (m?.points ?? []).map((p) => ({
      ...p,
      stats: Object.fromEntries(stats.filter((s) => s in p.stats).map((s) => [s, p.stats[s]])),
    }));
    const points = downsample(all, stats[stats.length - 1] ?? '', q.maxPoints);
    const downsampledFrom = points.length < all.length ? all.length : null;
    return { metric, title: METRIC_TITLES[metric], unit: m?.unit ?? '', stats, points, downsampledFrom };
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
