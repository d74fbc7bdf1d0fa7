// The Comparison page: several selections (test x node config), each
// aggregated over its build window (average, median or latest) with the
// spread (min-max) of the builds, for the six metrics side by side.
import { mean, median } from 'd3-array';
import type { DB } from '../db/open';
import type { MetricName, NodeConfig } from '../model';
import { METRIC_NAMES, metricTitle } from '../model';
import { SelectionError } from './errors';
import type { BuildRangeQuery, BuildWindow } from './builds';
import { metricPanel } from './metrics';
import type { Selection } from './selection';

export const AGGREGATES = ['avg', 'median', 'latest'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export function isAggregate(s: string): s is Aggregate {
  return (AGGREGATES as readonly string[]).includes(s);
}

export interface Aggregated {
  value: number;
  min: number;
  max: number;
  /** Builds that had this stat. */
  n: number;
}

export interface ComparedSelection {
  test: string;
  image?: string;
  machine?: string;
  /** Resolved node config; absent when the selection is wrong (see error). */
  node?: NodeConfig;
  window?: BuildWindow;
  error?: string;
}

export interface ComparisonChart {
  metric: MetricName;
  title: string;
  unit: string;
  stats: string[];
  /** One entry per selection, in selection order; null where it has no data. */
  values: (Record<string, Aggregated> | null)[];
}

export interface Comparison {
  job: string;
  aggregate: Aggregate;
  selections: ComparedSelection[];
  charts: ComparisonChart[];
}

export function aggregate(values: readonly number[], how: Aggregate): Aggregated | null {
  if (!values.length) return null;
  const value = how === 'latest' ? values[values.length - 1] : how === 'median' ? median(values)! : mean(values)!;
  return { value, min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** A selection that does not resolve is reported in its slot; the others are still compared. */
export function compareSelections(
  db: DB,
  q: { job: string; selections: Omit<Selection, 'job'>[]; aggregate: Aggregate } & BuildRangeQuery,
): Comparison {
  const panels = q.selections.map((s) => {
    try {
      // Aggregates are over every build of the range, never a downsample.
      return metricPanel(db, { ...s, job: q.job, from: q.from, to: q.to, last: q.last, maxPoints: Infinity });
    } catch (e) {
      if (e instanceof SelectionError) return e;
      throw e;
    }
  });
  const selections: ComparedSelection[] = q.selections.map((s, i) => {
    const p = panels[i];
    return p instanceof SelectionError ? { ...s, error: p.message } : { ...s, node: p.node, window: p.window };
  });
  const charts = METRIC_NAMES.map((metric): ComparisonChart => {
    const found = panels.flatMap((p) => (p instanceof SelectionError ? [] : [p.charts.find((c) => c.metric === metric)!]));
    const stats = found.find((c) => c.points.length)?.stats ?? found[0]?.stats ?? [];
    const values = panels.map((p) => {
      if (p instanceof SelectionError) return null;
      const chart = p.charts.find((c) => c.metric === metric)!;
      const out: Record<string, Aggregated> = {};
      for (const stat of stats) {
        const a = aggregate(chart.points.flatMap((pt) => (stat in pt.stats ? [pt.stats[stat]] : [])), q.aggregate);
        if (a) out[stat] = a;
      }
      return Object.keys(out).length ? out : null;
    });
    const first = found.find((c) => c.unit);
    return { metric, title: metricTitle(metric), unit: first?.unit ?? '', stats, values };
  });
  return { job: q.job, aggregate: q.aggregate, selections, charts };
}
