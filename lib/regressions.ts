// Change-point (regression) detection on one metric series in build order.
//
// Candidates come from E-divisive means (Matteson & James; α = 1, distances
// |x - y|, no distribution assumed) run hierarchically in overlapping windows,
// as Apache Otava and MongoDB do for performance CI; each survivor is then
// placed by least squares on the points between its neighbours. A candidate
// must hold against its neighbours, every test on the raw values (nothing in
// the series is replaced: the Hampel filter this module used to run first
// invented constant runs wherever half a window tied, and raised false alarms
// on 25 % of quantised and 66 % of two-level flat series):
// - significance: the exact Wilcoxon-Mann-Whitney rank-sum test
//   (lib/rank-sum.ts), exact for ties and short runs, so one far outlier moves
//   it no more than a near one; once both runs have 10 builds, Student's t on
//   the values clipped to 4 robust standard deviations of their run (as
//   powerful as a t-test on Gaussian noise). The noise model is checked
//   against the data: when consecutive residuals share their sign more often
//   than independent builds would (a random walk, a season), the evidence is
//   discounted (z divided by up to √3);
// - size: the medians moved by at least minRelativeChange;
// - shape: a step, not a slope. Fitting level + slope + step, a significant
//   slope with an insignificant step, or a line that fits clearly better than
//   the two levels, vetoes it; two neighbouring steps the same way that one
//   line explains as well (BIC) are the treads of a staircase cut into a drift;
// - support: minSegment points on each side, and minSegment points at the new
//   level in a short run at either end, or the build before the culprit would
//   be blamed (such a change waits for more builds); a short run at either end
//   of the history pays for having been picked among the few it could be.
// Failing candidates are dropped weakest first and their neighbours re-scored
// (Otava's merge step) until every survivor passes.
//
// Measured with bench/regressions.ts at the defaults (docs/BENCHMARKS.md has
// the current table; before → now): false alarms on quantised / two-level flat
// series 25.3 % / 66.0 % → 0.3 % / 1.3 % of series; a +10 % step at CV 5 % (30
// builds each side) found exactly once within ±2 builds 86.5 % → 90.3 % (least
// squares alone places it within ±2 in about 92 %); a 20 % drift over 100
// builds cut into two or more steps 54-73 % → 2-3 %; a step followed by only 2
// builds blamed on the build before it 73.5 % → 0.8 %; CI runs alarming among
// their newest 10 builds of a flat series 0.7 % → 0.1 %. Small steps are
// reported later (±10 %: p50 6 builds instead of 4). On the 27 redistributable
// series of the Turing Change Point Dataset, F1 / cover 0.635 / 0.584 (below
// reporting nothing, 0.655 / 0.560) → 0.754 / 0.707, above TCPDBench's default
// binary segmentation (0.716 / 0.677).
// A penalised-cost segmentation (PELT or binary segmentation with a noise
// scale from first differences) was the alternative considered: its penalty
// hangs on one global noise scale, which ties, two-level noise and wandering
// series upset much as they upset the Hampel filter, while ranks need none;
// its least-squares placement is kept for the final position of each change.

import type { MetricName } from './model';
import { normalTwoSided, rankSumTest, type RankSumResult } from './rank-sum';
import { studentTwoSidedP } from './student-t';

export interface ChangePointOptions {
  /** Significance: a change point survives only when its rank-sum p-value is at most this. */
  pValue: number;
  /** Smallest relative change of level (|after-before|/|before|) reported. */
  minRelativeChange: number;
  /** Builds compared on each side of a change point; the shape test looks twice as far. */
  window: number;
  /** Fewest points on each side of a change point: a shorter run of odd values is an outlier, not a level. */
  minSegment?: number;
}

export interface ChangePoint {
  /** Index of the first point of the new level. */
  index: number;
  /** Median of the segment before (at most `window` points). */
  before: number;
  /** Median of the segment after (at most `window` points). */
  after: number;
  /** (after - before) / |before|; ±Infinity when before is 0 and after is not. */
  change: number;
  /** Two-sided rank-sum p-value of the segments before and after, discounted for serial correlation and short end runs. */
  pValue: number;
}

export type RegressionDirection = 'up-is-worse' | 'down-is-worse';

/** Defaults chosen with bench/regressions.ts (see its report for the figures). */
export const DEFAULT_CHANGE_POINT_OPTIONS: Readonly<Required<ChangePointOptions>> = {
  pValue: 0.0005,
  minRelativeChange: 0.05,
  window: 40,
  minSegment: 3,
};

/** Change points of `values` (finite numbers in build order), in index order. */
export function detectChangePoints(
  values: number[],
  opts: Partial<ChangePointOptions> = {},
): ChangePoint[] {
  const o = resolveOptions(opts);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`detectChangePoints: values[${i}] is not a finite number: ${v}`);
  });
  const n = values.length;
  if (n < 2 * o.minSegment) return [];
  rangeMedians.set(values, new Map());
  try {
    const candidates = new Set<number>();
    for (const [start, end] of windows(n, 2 * o.window)) splitWindow(values, start, end, o, candidates);
    let cps = [...candidates].sort((a, b) => a - b);
    // A window sees a step off-centre and E-divisive places it a build or two
    // off: each survivor is placed again between its neighbours, then re-checked.
    for (let round = 0; round < 3; round++) {
      const survivors = prune(values, cps.filter((c) => supportedAtEnds(values, c, o)), o).map((cp) => cp.index);
      const placed = relocate(values, survivors, o);
      if (placed.every((c, k) => c === survivors[k])) break;
      cps = [...new Set(placed)].sort((a, b) => a - b);
    }
    return prune(values, cps.filter((c) => supportedAtEnds(values, c, o)), o);
  } finally {
    rangeMedians.delete(values);
  }
}

/** Which way a metric gets worse. Every stat of a metric shares its direction. */
export function regressionDirection(metric: MetricName, stat: string): RegressionDirection {
  return metric === 'throughput' ? 'down-is-worse' : 'up-is-worse';
}

/** True when the change point moves the metric in its worse direction. */
export function isRegression(cp: ChangePoint, metric: MetricName, stat: string): boolean {
  return regressionDirection(metric, stat) === 'up-is-worse' ? cp.change > 0 : cp.change < 0;
}

function resolveOptions(opts: Partial<ChangePointOptions>): Required<ChangePointOptions> {
  const o = { ...DEFAULT_CHANGE_POINT_OPTIONS, ...stripUndefined(opts) };
  if (!(o.pValue > 0 && o.pValue <= 1)) throw new RangeError(`pValue must be in (0, 1]: ${o.pValue}`);
  if (!(o.minRelativeChange >= 0)) throw new RangeError(`minRelativeChange must be >= 0: ${o.minRelativeChange}`);
  if (!Number.isInteger(o.minSegment) || o.minSegment < 2) {
    throw new RangeError(`minSegment must be an integer >= 2: ${o.minSegment}`);
  }
  if (!Number.isInteger(o.window) || o.window < 2 * o.minSegment) {
    throw new RangeError(`window must be an integer >= 2 * minSegment: ${o.window}`);
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---- Candidates ----

/**
 * Windows of `w` points overlapping by three quarters, so that every step lies
 * near the middle of one (E-divisive misses or misplaces a step near a
 * window's edge); the last one ends at the newest point so CI sees fresh changes.
 */
function windows(n: number, w: number): Array<[number, number]> {
  if (n <= w) return [[0, n]];
  const step = Math.max(1, Math.floor(w / 4));
  const out: Array<[number, number]> = [];
  for (let s = 0; s + w < n; s += step) out.push([s, s + w]);
  out.push([n - w, n]);
  return out;
}

/** Hierarchical E-divisive inside one window: split while the best split is significant. */
function splitWindow(
  x: number[],
  start: number,
  end: number,
  o: Required<ChangePointOptions>,
  out: Set<number>,
): void {
  const stack: Array<[number, number]> = [[start, end]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    const tau = bestSplit(x, a, b, o.minSegment);
    if (tau < 0) continue;
    if (levelTest(x, a, tau, b).p > o.pValue) continue;
    out.add(tau);
    stack.push([a, tau], [tau, b]);
  }
}

/**
 * The split τ of [a, b) that maximises the E-divisive divergence Q̂ (α = 1)
 * between [a, τ) and [τ, b), or -1 when the segment is too short. Moving τ by
 * one moves one point from the right to the left sample, so the three pair
 * sums update in O(b - a) and the whole scan costs O((b - a)²).
 */
function bestSplit(x: number[], a: number, b: number, minSeg: number): number {
  if (b - a < 2 * minSeg) return -1;
  let tau = a + minSeg;
  let within = 0; // pairs inside [a, τ)
  let right = 0; // pairs inside [τ, b)
  let cross = 0; // pairs across
  for (let i = a; i < tau; i++) for (let j = i + 1; j < tau; j++) within += Math.abs(x[i] - x[j]);
  for (let i = tau; i < b; i++) for (let j = i + 1; j < b; j++) right += Math.abs(x[i] - x[j]);
  for (let i = a; i < tau; i++) for (let j = tau; j < b; j++) cross += Math.abs(x[i] - x[j]);
  let best = -1;
  let bestQ = -Infinity;
  for (;;) {
    const m = tau - a;
    const n = b - tau;
    const q =
      ((m * n) / (m + n)) *
      ((2 * cross) / (m * n) - (2 * within) / (m * (m - 1)) - (2 * right) / (n * (n - 1)));
    if (q > bestQ) {
      bestQ = q;
      best = tau;
    }
    if (tau + 1 > b - minSeg) break;
    const p = x[tau];
    let toLeft = 0;
    for (let i = a; i < tau; i++) toLeft += Math.abs(x[i] - p);
    let toRight = 0;
    for (let j = tau + 1; j < b; j++) toRight += Math.abs(x[j] - p);
    within += toLeft;
    right -= toRight;
    cross += toRight - toLeft;
    tau++;
  }
  return best;
}

// ---- Placement ----

/**
 * Each change point moved, within a quarter window, to the least-squares split
 * of the points between its neighbours (at most a window each side): the
 * maximum-likelihood place of a step in Gaussian noise. Outliers are first
 * pulled in (see clipped) so a slow image pull next to a step cannot drag it.
 */
function relocate(x: number[], cps: number[], o: Required<ChangePointOptions>): number[] {
  return cps.map((c, k) => {
    const a = Math.max(k > 0 ? cps[k - 1] : 0, c - o.window);
    const b = Math.min(k + 1 < cps.length ? cps[k + 1] : x.length, c + o.window);
    const reach = Math.floor(o.window / 4);
    const t = leastSquaresSplit(clipped(x, a, [c], b), a, b, o.minSegment, c - reach, c + reach);
    return t < 0 ? c : t;
  });
}

/**
 * x with the points of [a, b) pulled to within about 4 standard deviations of
 * the median of their run (runs split at `cuts`), so that a slow image pull
 * counts as a bad build, not as a new level or a slope. The scale is the root
 * mean square of the residuals less the largest tenth (which Gaussian noise
 * shrinks by 0.79): a median absolute deviation would be 0 or tiny on
 * quantised and two-level series and clip one of their levels away.
 */
function clipped(x: number[], a: number, cuts: number[], b: number): number[] {
  const bounds = [a, ...cuts, b];
  const level = new Float64Array(b - a);
  for (let k = 1; k < bounds.length; k++) {
    const m = rangeMedian(x, bounds[k - 1], bounds[k]);
    for (let i = bounds[k - 1]; i < bounds[k]; i++) level[i - a] = m;
  }
  const residuals = Float64Array.from({ length: b - a }, (_, k) => Math.abs(x[a + k] - level[k])).sort();
  const kept = residuals.subarray(0, residuals.length - Math.max(1, Math.ceil(residuals.length / 10)));
  const rms = Math.sqrt(kept.reduce((sum, r) => sum + r * r, 0) / Math.max(1, kept.length));
  if (!(rms > 0)) return x;
  const limit = (4 / 0.79) * rms;
  const y = x.slice();
  for (let i = a; i < b; i++) y[i] = level[i - a] + Math.max(-limit, Math.min(limit, x[i] - level[i - a]));
  return y;
}

/** The split t in [from, to] of x[a, b) maximising m·k/(m+k)·(mean difference)², the reduction in squared error. */
function leastSquaresSplit(x: number[], a: number, b: number, minSeg: number, from: number, to: number): number {
  const n = b - a;
  if (n < 2 * minSeg) return -1;
  const centre = mean(x, a, b);
  let total = 0;
  for (let i = a; i < b; i++) total += x[i] - centre;
  let left = 0;
  let best = -1;
  let bestGain = -Infinity;
  for (let t = a + 1; t < b; t++) {
    left += x[t - 1] - centre;
    if (t - a < minSeg || b - t < minSeg || t < from || t > to) continue;
    const m = t - a;
    const k = b - t;
    const d = (total - left) / k - left / m;
    const gain = ((m * k) / n) * d * d;
    if (gain > bestGain) {
      bestGain = gain;
      best = t;
    }
  }
  return best;
}

/**
 * A run at either end of the series shorter than 2 · minSegment must have
 * minSegment points at its own level (nearer its median than the other
 * side's). Otherwise the change is not supported yet: a step followed by two
 * builds would be placed one build early, blaming a good build and moving once
 * a third arrives; two slow builds and a normal one are not a level.
 */
function supportedAtEnds(x: number[], c: number, o: Required<ChangePointOptions>): boolean {
  const n = x.length;
  const before = rangeMedian(x, Math.max(0, c - o.window), c);
  const after = rangeMedian(x, c, Math.min(n, c + o.window));
  const atLevel = (from: number, to: number, own: number, other: number) => {
    let count = 0;
    for (let i = from; i < to; i++) if (Math.abs(x[i] - own) < Math.abs(x[i] - other)) count++;
    return count >= o.minSegment;
  };
  if (n - c < 2 * o.minSegment && !atLevel(c, n, after, before)) return false;
  if (c < 2 * o.minSegment && !atLevel(0, c, before, after)) return false;
  return true;
}

// ---- Pruning ----

interface Scored {
  index: number;
  p: number;
  z: number;
  before: number;
  after: number;
  change: number;
  /** The span around it is a slope rather than a step (see slopeNotStep). */
  slope: boolean;
  /** Another candidate sits within minSegment: only one of the two can stay. */
  crowded: boolean;
}

/**
 * Otava's merge step: score every candidate against its neighbours and drop
 * the weakest failing one until all pass. Candidates closer than minSegment
 * (the same step seen from two windows) are scored as if the other were
 * absent, so the better placed one survives.
 */
function prune(x: number[], candidates: number[], o: Required<ChangePointOptions>): ChangePoint[] {
  const cps = candidates.slice();
  const scored = cps.map((c, k) => score(x, cps, k, o));
  for (;;) {
    let weakest = -1;
    for (let k = 0; k < scored.length; k++) {
      const s = scored[k];
      const fails = s.crowded || s.slope || s.p > o.pValue || Math.abs(s.change) < o.minRelativeChange;
      if (fails && (weakest < 0 || weaker(s, scored[weakest]))) weakest = k;
    }
    // Staircases are judged among change points that hold on their own, not among the raw candidates.
    if (weakest < 0) {
      const stair = staircases(x, cps, scored, o);
      for (let k = 0; k < scored.length; k++) if (stair[k] && (weakest < 0 || weaker(scored[k], scored[weakest]))) weakest = k;
    }
    if (weakest < 0) {
      return scored.map(({ index, before, after, change, p }) => ({ index, before, after, change, pValue: p }));
    }
    const removed = cps[weakest];
    cps.splice(weakest, 1);
    scored.splice(weakest, 1);
    // The shape test reaches 2 · window points, so farther scores cannot change.
    for (let k = 0; k < cps.length; k++) {
      if (Math.abs(cps[k] - removed) <= 2 * o.window) scored[k] = score(x, cps, k, o);
    }
  }
}

/**
 * Two neighbouring steps the same way, where one straight line explains the
 * three levels as well by the Bayesian information criterion (the line has 2
 * parameters, the staircase 5: three levels and two places): the treads of a
 * staircase cut into a drift. Each step alone looks like a step, bounded by
 * the other; only the pair shows the slope. Both are marked; the weaker goes
 * first and the other is re-checked on the longer span.
 */
function staircases(x: number[], cps: number[], scored: Scored[], o: Required<ChangePointOptions>): boolean[] {
  const marked = cps.map(() => false);
  for (let k = 0; k + 1 < cps.length; k++) {
    const [c1, c2] = [cps[k], cps[k + 1]];
    if (Math.sign(scored[k].change) !== Math.sign(scored[k + 1].change) || c2 - c1 < o.minSegment) continue;
    const lo = Math.max(k > 0 ? cps[k - 1] : 0, c1 - 2 * o.window);
    const hi = Math.min(k + 2 < cps.length ? cps[k + 2] : x.length, c2 + 2 * o.window);
    const n = hi - lo;
    const y = clipped(x, lo, [c1, c2], hi);
    const stairs = sse(y, lo, c1) + sse(y, c1, c2) + sse(y, c2, hi);
    // n·log(SSE) + parameters·log(n): the line wins when its SSE is within a factor n^(3/n).
    if (lineSse(y, lo, hi) <= stairs * Math.pow(n, 3 / n)) marked[k] = marked[k + 1] = true;
  }
  return marked;
}

function weaker(s: Scored, than: Scored): boolean {
  if (s.p !== than.p) return s.p > than.p;
  return Math.abs(s.z) < Math.abs(than.z);
}

function score(x: number[], cps: number[], k: number, o: Required<ChangePointOptions>): Scored {
  const c = cps[k];
  let lo = 0;
  for (let j = k - 1; j >= 0; j--) {
    if (c - cps[j] >= o.minSegment) {
      lo = cps[j];
      break;
    }
  }
  let hi = x.length;
  for (let j = k + 1; j < cps.length; j++) {
    if (cps[j] - c >= o.minSegment) {
      hi = cps[j];
      break;
    }
  }
  const crowded =
    (k > 0 && c - cps[k - 1] < o.minSegment) || (k + 1 < cps.length && cps[k + 1] - c < o.minSegment);
  const a = Math.max(lo, c - o.window);
  const b = Math.min(hi, c + o.window);
  const before = rangeMedian(x, a, c);
  const after = rangeMedian(x, c, b);
  let p = 1;
  let z = 0;
  if (c - a >= o.minSegment && b - c >= o.minSegment) {
    const ranks = rankSumTest(x, a, c, b);
    const test = levelTest(x, a, c, b, ranks);
    z = ranks.z;
    p = Math.min(1, test.p * endRuns(c - a, a === 0, o) * endRuns(b - c, b === x.length, o));
    // Serial correlation can only weaken the evidence: weigh it only where it could matter.
    if (p <= o.pValue) {
      const inflation = serialInflation(x, a, c, b);
      if (inflation > 1) p = Math.min(1, Math.max(p, normalTwoSided(z / Math.sqrt(inflation)) * endRuns(c - a, a === 0, o) * endRuns(b - c, b === x.length, o)));
    }
  }
  // The longer the span, the better a line tells itself from a step: the shape test reaches twice as far.
  const [sa, sb] = [Math.max(lo, c - 2 * o.window), Math.min(hi, c + 2 * o.window)];
  const slope = slopeNotStep(clipped(x, sa, [c], sb), sa, c, sb);
  return { index: c, p, z, before, after, change: relativeChange(before, after), slope, crowded };
}

/**
 * A short run at either end of the history (the first builds, or the newest)
 * was picked as the most extreme of the few short runs that end could form:
 * minSegment, minSegment + 1, … points long. Its p-value is multiplied by that
 * count (Bonferroni); runs of minSegment points, the newest change's first
 * chance to be reported, keep theirs. Longer runs are left alone: a step seen
 * by many builds has a p-value far below the threshold anyway.
 */
function endRuns(length: number, atEnd: boolean, o: Required<ChangePointOptions>): number {
  if (!atEnd || length >= o.window / 4) return 1;
  return Math.max(1, length - o.minSegment + 1);
}

// ---- Evidence checks ----

/**
 * Serial correlation divides a z by at most √3 (ρ = 0.5): a rank statistic
 * saturates once the runs separate, and a clean jump in a wandering series
 * must stay visible.
 */
const MAX_SERIAL_CORRELATION = 0.5;

/**
 * How much serial correlation inflates the variance of the mean of each run:
 * (1 + ρ) / (1 - ρ) for the lag-1 autocorrelation ρ of the residuals about
 * each run's Theil-Sen line, when consecutive residuals share their sign
 * clearly more often than independent builds would (z > 3); else 1. ρ comes
 * from that share (P = 1/2 + asin(ρ)/π for a Gaussian AR(1)), which outliers
 * and ties cannot sway.
 */
function serialInflation(x: number[], a: number, c: number, b: number): number {
  let same = 0;
  let pairs = 0;
  for (const [from, to] of [
    [a, c],
    [c, b],
  ]) {
    const fit = theilSen(x, from, to);
    for (let i = from + 1; i < to; i++) {
      const s = Math.sign(x[i] - fit(i)) * Math.sign(x[i - 1] - fit(i - 1));
      if (s === 0) continue;
      pairs++;
      if (s > 0) same++;
    }
  }
  // Under independence `same` is Binomial(pairs, 1/2), standard deviation √pairs / 2.
  if (pairs < 8 || same - pairs / 2 <= 1.5 * Math.sqrt(pairs)) return 1;
  const rho = Math.min(MAX_SERIAL_CORRELATION, Math.sin(Math.PI * (same / pairs - 0.5)));
  return (1 + rho) / (1 - rho);
}

/** Theil-Sen line through x[a, b): the median of pairwise slopes, through the median point; outliers cannot tilt it. */
function theilSen(x: number[], a: number, b: number): (i: number) => number {
  const slopes = new Float64Array(((b - a) * (b - a - 1)) / 2);
  let k = 0;
  for (let i = a; i < b; i++) for (let j = i + 1; j < b; j++) slopes[k++] = (x[j] - x[i]) / (j - i);
  const slope = slopes.length ? medianSorted(slopes.sort()) : 0;
  const intercept = median(Array.from({ length: b - a }, (_, q) => x[a + q] - slope * (a + q)));
  return (i) => intercept + slope * i;
}

/** |t| from which a slope or a step counts as real in the shape test (two-sided p about 0.003). */
const SIGNIFICANT_T = 3;
/** How much better, in units of the residual variance, a line must fit than the two levels to veto them. */
const LINE_MARGIN = 4;

/**
 * Whether x[a, b) is a drift or the flank of a season rather than a step at c.
 * Fits y = α + β·t + δ·[t ≥ c] by least squares: a significant slope while the
 * step, given the slope, is not significant means the two levels are two ends
 * of a trend. A line alone that fits clearly better than the two levels (by
 * LINE_MARGIN residual variances) vetoes too. A step is what we look for, so
 * both tests leave ties to the step.
 */
function slopeNotStep(x: number[], a: number, c: number, b: number): boolean {
  const n = b - a;
  if (n < 4) return false;
  const my = mean(x, a, b);
  const mt = (a + b - 1) / 2;
  const mu = (b - c) / n;
  let stt = 0;
  let stu = 0;
  let suu = 0;
  let sty = 0;
  let suy = 0;
  let syy = 0;
  for (let i = a; i < b; i++) {
    const t = i - mt;
    const u = (i >= c ? 1 : 0) - mu;
    const y = x[i] - my;
    stt += t * t;
    stu += t * u;
    suu += u * u;
    sty += t * y;
    suy += u * y;
    syy += y * y;
  }
  const line = syy - (sty * sty) / stt;
  const step = syy - (suy * suy) / suu;
  const det = stt * suu - stu * stu;
  const slope = (suu * sty - stu * suy) / det;
  const shift = (stt * suy - stu * sty) / det;
  const both = syy - slope * sty - shift * suy;
  if (!(both > 0)) return false;
  const noise = both / (n - 3);
  const tSlope = slope / Math.sqrt((noise * suu) / det);
  const tShift = shift / Math.sqrt((noise * stt) / det);
  if (Math.abs(tSlope) >= SIGNIFICANT_T && Math.abs(tShift) < SIGNIFICANT_T) return true;
  return step - line > LINE_MARGIN * (Math.min(line, step) / (n - 2));
}

// ---- Level tests ----

/** Both runs at least this long: enough builds that a t-test on clipped values is robust and more powerful than ranks. */
const LONG_RUN = 10;

/**
 * Whether x[a, c) and x[c, b) sit at different levels. Short runs get the
 * exact rank-sum test; when both runs are long, Student's t-test on the values
 * pulled to within 4 robust standard deviations of their run's median (see
 * clipped): as powerful as a t-test on Gaussian noise, and an outlier counts
 * as at most 4 standard deviations.
 */
function levelTest(x: number[], a: number, c: number, b: number, ranks?: RankSumResult): RankSumResult {
  if (c - a < LONG_RUN || b - c < LONG_RUN) return ranks ?? rankSumTest(x, a, c, b);
  const y = clipped(x, a, [c], b);
  const m = c - a;
  const k = b - c;
  const left = mean(y, a, c);
  const right = mean(y, c, b);
  const pooled = (sse(y, a, c) + sse(y, c, b)) / (m + k - 2);
  const scale = Math.max(Math.abs(left), Math.abs(right), 1) * 1e-12;
  if (!(pooled > scale * scale)) return Math.abs(right - left) <= scale ? { p: 1, z: 0 } : { p: 0, z: Math.sign(right - left) * Infinity };
  const t = (right - left) / Math.sqrt(pooled * (1 / m + 1 / k));
  return { p: studentTwoSidedP(t, m + k - 2), z: t };
}

// ---- Arithmetic ----

/** Sum of squared deviations of x[a, b) from its mean. */
function sse(x: number[], a: number, b: number): number {
  const m = mean(x, a, b);
  let s = 0;
  for (let i = a; i < b; i++) s += (x[i] - m) ** 2;
  return s;
}

/** Sum of squared residuals of x[a, b) about its least-squares line. */
function lineSse(x: number[], a: number, b: number): number {
  const my = mean(x, a, b);
  const mt = (a + b - 1) / 2;
  let stt = 0;
  let sty = 0;
  let syy = 0;
  for (let i = a; i < b; i++) {
    stt += (i - mt) ** 2;
    sty += (i - mt) * (x[i] - my);
    syy += (x[i] - my) ** 2;
  }
  return stt > 0 ? syy - (sty * sty) / stt : syy;
}

function mean(x: number[], a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i];
  return s / (b - a);
}

function relativeChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : Math.sign(after) * Infinity;
  return (after - before) / Math.abs(before);
}

/** Medians of runs of the series being analysed, remembered for one call: pruning asks for the same runs again and again. */
const rangeMedians = new WeakMap<number[], Map<number, number>>();

function rangeMedian(x: number[], a: number, b: number): number {
  const memo = rangeMedians.get(x);
  if (!memo) return median(x.slice(a, b));
  const key = a * (x.length + 1) + b;
  let m = memo.get(key);
  if (m === undefined) memo.set(key, (m = median(x.slice(a, b))));
  return m;
}

function median(v: number[]): number {
  // Typed arrays sort numerically without a comparator, several times faster.
  return medianSorted(Float64Array.from(v).sort());
}

function medianSorted(s: Float64Array): number {
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
