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
  build_started_us: number | null;
  unit: string;
  stats: string;
}

export function metricSeries(db: DB, q: MetricQuery): MetricSeries {
  const sel = resolveSelection(db, q);
  const rows = db
    .prepare<[string, number, number, number], Row>(
      `SELECT r.build_number, r.build_started_us, m.unit, m.stats
       FROM runs r JOIN metrics m ON m.run_id = r.id AND m.name = ?
       WHERE r.series_id = ? AND r.build_number BETWEEN ? AND ?
       ORDER BY r.build_number`,
    )
    .all(q.metric, sel.seriesId, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER);
  const picked = q.last ? rows.slice(-q.last) : rows;
  const series: MetricPoint[] = picked.map((r) => ({
    build: r.build_number,
    started: r.build_started_us,
    stats: JSON.parse(r.stats) as Record<string, number>,
  }));
  return { unit: picked[0]?.unit ?? '', series };
}
