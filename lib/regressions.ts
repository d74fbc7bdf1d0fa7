// Change-point (regression) detection on one metric series in build order:
// E-divisive means (Matteson & James) as Apache Otava / MongoDB use it for
// performance CI, with Otava's Student's t-test instead of permutations so
// that results are deterministic and cheap. Candidates are searched in
// overlapping sliding windows (O(n·w²) for n points, window w), then pruned
// against their neighbours until every survivor is significant and large
// enough to matter. A Hampel filter first replaces lone outliers, which the
// t-test would otherwise read as a new level at the newest builds.

import type { MetricName } from './model';

export interface ChangePointOptions {
  /** Significance: a change point survives only when its t-test p-value is at most this. */
  pValue: number;
  /** Smallest relative change of level (|after-before|/|before|) reported. */
  minRelativeChange: number;
  /** Sliding window length in points; also caps how far each side reaches when levels are compared. */
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
  pValue: number;
}

export type RegressionDirection = 'up-is-worse' | 'down-is-worse';

/** Defaults chosen with bench/regressions.ts (see its report for the figures). */
export const DEFAULT_CHANGE_POINT_OPTIONS: Readonly<Required<ChangePointOptions>> = {
  pValue: 0.001,
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
  const clean = replaceOutliers(values);
  const sums = new PrefixSums(clean);
  const candidates = new Set<number>();
  for (const [start, end] of windows(n, o.window)) {
    splitWindow(clean, sums, start, end, o, candidates);
  }
  return prune(values, sums, [...candidates].sort((a, b) => a - b), o);
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

/** Half-width of the Hampel filter window. */
const OUTLIER_HALF_WIDTH = 3;
/** A point further than this many robust standard deviations from its local median is an outlier. */
const OUTLIER_SIGMAS = 5;
/** Robust scale floor, relative to the median: near-constant series would otherwise call any wiggle an outlier. */
const OUTLIER_MIN_SCALE = 0.01;

/**
 * Hampel filter: each point far from the median of its neighbourhood is
 * replaced by that median. The t-test is not robust and one spike at the
 * end of a short segment would pass for a new level; a real step survives
 * because the median of a window keeps edges. At the series ends the window
 * is one-sided, so a newest point is kept only once its level is confirmed.
 */
function replaceOutliers(x: number[]): number[] {
  const out = x.slice();
  for (let i = 0; i < x.length; i++) {
    const around = x.slice(Math.max(0, i - OUTLIER_HALF_WIDTH), i + OUTLIER_HALF_WIDTH + 1);
    const med = median(around);
    const mad = median(around.map((v) => Math.abs(v - med)));
    const scale = Math.max(1.4826 * mad, OUTLIER_MIN_SCALE * Math.abs(med));
    if (Math.abs(x[i] - med) > OUTLIER_SIGMAS * scale) out[i] = med;
  }
  return out;
}

/** Half-overlapping windows; the last one ends at the newest point so CI sees fresh changes. */
function windows(n: number, w: number): Array<[number, number]> {
  if (n <= w) return [[0, n]];
  const step = Math.max(1, Math.floor(w / 2));
  const out: Array<[number, number]> = [];
  for (let s = 0; s + w < n; s += step) out.push([s, s + w]);
  out.push([n - w, n]);
  return out;
}

/** Hierarchical E-divisive inside one window: split while the best split is significant. */
function splitWindow(
  x: number[],
  sums: PrefixSums,
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
    if (tTest(sums, a, tau, b).p > o.pValue) continue;
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

interface Scored {
  index: number;
  p: number;
  t: number;
  before: number;
  after: number;
  change: number;
  /** Another candidate sits within minSegment: only one of the two can stay. */
  crowded: boolean;
}

/**
 * Otava's merge step: score every candidate against its neighbours and drop
 * the weakest failing one until all pass. Candidates closer than minSegment
 * (the same step seen from two windows) are scored as if the other were
 * absent, so the better placed one survives.
 */
function prune(
  x: number[],
  sums: PrefixSums,
  candidates: number[],
  o: Required<ChangePointOptions>,
): ChangePoint[] {
  const cps = candidates.slice();
  const scored = cps.map((c, k) => score(x, sums, cps, k, o));
  for (;;) {
    let weakest = -1;
    for (let k = 0; k < scored.length; k++) {
      const s = scored[k];
      const fails = s.crowded || s.p > o.pValue || Math.abs(s.change) < o.minRelativeChange;
      if (fails && (weakest < 0 || weaker(s, scored[weakest]))) weakest = k;
    }
    if (weakest < 0) {
      return scored.map(({ index, before, after, change, p }) => ({ index, before, after, change, pValue: p }));
    }
    const removed = cps[weakest];
    cps.splice(weakest, 1);
    scored.splice(weakest, 1);
    // Segments reach at most `window` points, so farther scores cannot change.
    for (let k = 0; k < cps.length; k++) {
      if (Math.abs(cps[k] - removed) <= o.window) scored[k] = score(x, sums, cps, k, o);
    }
  }
}

function weaker(s: Scored, than: Scored): boolean {
  if (s.p !== than.p) return s.p > than.p;
  return Math.abs(s.t) < Math.abs(than.t);
}

function score(
  x: number[],
  sums: PrefixSums,
  cps: number[],
  k: number,
  o: Required<ChangePointOptions>,
): Scored {
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
  const before = median(x.slice(a, c));
  const after = median(x.slice(c, b));
  const tooShort = c - a < o.minSegment || b - c < o.minSegment;
  const { p, t } = tooShort ? { p: 1, t: 0 } : tTest(sums, a, c, b);
  return { index: c, p, t, before, after, change: relativeChange(before, after), crowded };
}

function relativeChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : Math.sign(after) * Infinity;
  return (after - before) / Math.abs(before);
}

function median(v: number[]): number {
  const s = v.slice().sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Prefix sums of values and squares, shifted by the first value so that variances of large, steady values keep their precision. */
class PrefixSums {
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly shift: number;

  constructor(x: number[]) {
    this.shift = x.length > 0 ? x[0] : 0;
    this.s1 = new Float64Array(x.length + 1);
    this.s2 = new Float64Array(x.length + 1);
    for (let i = 0; i < x.length; i++) {
      const v = x[i] - this.shift;
      this.s1[i + 1] = this.s1[i] + v;
      this.s2[i + 1] = this.s2[i] + v * v;
    }
  }

  /** Mean (shifted) and sum of squared deviations of [a, b). */
  stats(a: number, b: number): { mean: number; ss: number } {
    const n = b - a;
    const sum = this.s1[b] - this.s1[a];
    const mean = sum / n;
    return { mean, ss: Math.max(0, this.s2[b] - this.s2[a] - sum * mean) };
  }
}

/** Two-sided Student's t-test (pooled variance) of [a, c) against [c, b). */
function tTest(sums: PrefixSums, a: number, c: number, b: number): { p: number; t: number } {
  const m = c - a;
  const n = b - c;
  const l = sums.stats(a, c);
  const r = sums.stats(c, b);
  const diff = r.mean - l.mean;
  const df = m + n - 2;
  const scale = Math.max(Math.abs(l.mean), Math.abs(r.mean), 1);
  const pooled = (l.ss + r.ss) / df;
  // Variance at rounding-noise level means the samples are constant.
  if (pooled <= (scale * 1e-12) ** 2) {
    return Math.abs(diff) <= scale * 1e-12 ? { p: 1, t: 0 } : { p: 0, t: Math.sign(diff) * Infinity };
  }
  const t = diff / Math.sqrt(pooled * (1 / m + 1 / n));
  return { p: studentTwoSidedP(t, df), t };
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** I_x(a, b) by the continued fraction of Numerical Recipes (betacf), modified Lentz. */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
  return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0. */
function logGamma(x: number): number {
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = coef[0];
  for (let i = 1; i < g + 2; i++) s += coef[i] / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
