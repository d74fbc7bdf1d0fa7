// The Comparison page: several selections (test x node config), each
// aggregated over its build window (average, median or latest) with the
// spread (min-max) of the builds, for the six metrics side by side; and one
// stat of theirs as lines across builds on one chart (an overlay).
import { mean, median } from 'd3-array';
import type { DB } from '../db/open';
import type { BuildId } from '../build-id';
import type { Micros, MetricName, NodeConfig } from '../model';
import { METRIC_CATALOG, METRIC_NAMES, metricTitle } from '../model';
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

/** One build of an overlay: each selection's value of the stat there (null where it has none). */
export interface OverlayBuild {
  build: BuildId;
  started: Micros | null;
  version: string | null;
  result: string | null;
  values: (number | null)[];
}

/** One stat of one metric for several selections, as lines across the builds any of them ran in. */
export interface Overlay {
  metric: MetricName;
  stat: string;
  title: string;
  unit: string;
  /** The stats each metric has in these selections: what an overlay can draw. */
  choices: { metric: MetricName; stats: string[] }[];
  builds: OverlayBuild[];
}

/**
 * Lines across builds for the selections of a comparison: the builds of all
 * of them in build order (start time, then ID), one value per selection.
 * Without a metric, the first the selections have (latency), with its top stat.
 */
export function overlaySelections(
  db: DB,
  q: { job: string; selections: Omit<Selection, 'job'>[]; metric?: MetricName; stat?: string } & BuildRangeQuery,
): Overlay {
  const panels = q.selections.flatMap((s, i) => {
    try {
      return [{ i, panel: metricPanel(db, { ...s, job: q.job, from: q.from, to: q.to, last: q.last }) }];
    } catch (e) {
      if (e instanceof SelectionError) return [];
      throw e;
    }
  });
  const choices = METRIC_NAMES.map((metric) => ({
    metric,
    stats: [...new Set(panels.flatMap(({ panel }) => panel.charts.find((c) => c.metric === metric && c.points.length)?.stats ?? []))],
  })).filter((c) => c.stats.length);
  const metric = q.metric ?? choices[0]?.metric ?? 'latency';
  const stats = choices.find((c) => c.metric === metric)?.stats ?? [];
  const stat = q.stat ?? stats[stats.length - 1] ?? '';
  const byBuild = new Map<BuildId, OverlayBuild>();
  let unit = '';
  for (const { i, panel } of panels) {
    const chart = panel.charts.find((c) => c.metric === metric);
    if (!chart) continue;
    unit ||= chart.unit;
    for (const p of chart.points) {
      let b = byBuild.get(p.build);
      if (!b) byBuild.set(p.build, (b = { build: p.build, started: p.started, version: p.version, result: p.result, values: q.selections.map(() => null) }));
      b.values[i] = p.stats[stat] ?? null;
    }
  }
  const key = (b: OverlayBuild) => `${String(b.started ?? 0).padStart(20, '0')}${b.build.padStart(19, '0')}`;
  const builds = [...byBuild.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { metric, stat, title: metricTitle(metric), unit: unit || METRIC_CATALOG[metric].unit, choices, builds };
}
