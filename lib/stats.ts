// Percentiles and summaries, with one definition used everywhere: d3-array's
// quantileSorted, i.e. R-7 linear interpolation between closest ranks (the
// spreadsheet PERCENTILE.INC), never `arr[floor(n*p)]`.
import { quantileSorted } from 'd3-array';

export interface Summary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/**
 * The p-quantile (p a fraction in [0, 1], so 0.9 for Perc90) of values sorted
 * ascending; null when there are none. A p outside [0, 1] is a caller bug
 * (90 for 0.9), so it throws rather than answer something plausible.
 */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be a fraction in [0, 1], got ${p}`);
  if (sortedValues.length === 0) return null;
  return quantileSorted(sortedValues as number[], p) ?? null;
}

export function sortedAscending(values: Iterable<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

/** Count, extremes, mean and the percentiles the dashboards show. NaN values are ignored. */
export function summarize(values: Iterable<number>): Summary {
  const sorted = sortedAscending([...values].filter((v) => !Number.isNaN(v)));
  const n = sorted.length;
  if (n === 0) return { count: 0, min: null, max: null, mean: null, median: null, p50: null, p90: null, p99: null };
  let sum = 0;
  for (const v of sorted) sum += v;
  const p50 = percentile(sorted, 0.5);
  return {
    count: n,
    min: sorted[0],
    max: sorted[n - 1],
    mean: sum / n,
    median: p50,
    p50,
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
  };
}
