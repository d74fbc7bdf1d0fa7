// One metric of one test on one node config across a job's builds: exactly
// the data a Builds page chart plots, and what `kpd metrics` prints.
import type { DB } from '../db/open';
import type { MetricName, MetricSeries, MetricPoint } from '../model';
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
  number: number;
  started_us: number | null;
  unit: string;
  stat: string;
  value: number;
}

export function metricSeries(db: DB, q: MetricQuery): MetricSeries {
  const sel = resolveSelection(db, q);
  const rows = db
    .prepare<[string, number, number, number, number, number], Row>(
      `SELECT b.number, b.started_us, m.unit, s.stat, s.value
       FROM runs r
       JOIN builds b ON b.id = r.build_id
       JOIN metrics m ON m.run_id = r.id AND m.name = ?
       JOIN metric_stats s ON s.metric_id = m.id
       WHERE r.test_id = ? AND r.node_config_id = ? AND b.job_id = ? AND b.number BETWEEN ? AND ?
       ORDER BY b.number`,
    )
    .all(q.metric, sel.testId, sel.nodeConfigId, sel.jobId, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER);
  const series: MetricPoint[] = [];
  let unit = '';
  for (const r of rows) {
    let point = series[series.length - 1];
    if (!point || point.build !== r.number) {
      point = { build: r.number, started: r.started_us, stats: {} };
      series.push(point);
    }
    point.stats[r.stat] = r.value;
    unit = r.unit;
  }
  return { unit, series: q.last ? series.slice(-q.last) : series };
}
