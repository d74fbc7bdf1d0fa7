// The Turing Change Point Dataset (van den Burg & Williams 2020) as a yardstick
// for change-point detectors: its series and human annotations, the paper's
// F1 (margin 5) and segmentation cover, each averaged over the annotators as
// TCPDBench's metrics.py does, and two baselines of its "default" experiment:
// "zero" (no change points) and binary segmentation as TCPDBench runs R's
// changepoint package (cpt.mean, Normal, MBIC, BinSeg, Q = 5, on z-scored data).
// Reads bench/data/tcpd (the series whose licences allow redistribution), or
// $TCPD_DIR (a local TCPD build: datasets/NAME/NAME.json, annotations.json).

import fs from 'node:fs';
import path from 'node:path';

export interface TcpdSeries {
  name: string;
  /** Values in time order; null where TCPD has a missing value. */
  values: (number | null)[];
  /** One list of change-point indices (first point of the new segment) per annotator. */
  annotations: number[][];
}

/** Change-point indices of a series (indices into `values`, nulls included). */
export type Detector = (values: (number | null)[]) => number[];

const BUNDLED = path.resolve(import.meta.dirname, 'data/tcpd');

interface TcpdFile {
  name: string;
  n_obs: number;
  n_dim?: number;
  series: Array<{ raw: (number | null)[] }>;
}

/** Univariate annotated series, from $TCPD_DIR when set, else the bundled ones. */
export function loadTcpd(dir = process.env.TCPD_DIR): { series: TcpdSeries[]; source: string } {
  const root = dir ?? BUNDLED;
  const annotations = JSON.parse(fs.readFileSync(path.join(root, 'annotations.json'), 'utf8')) as Record<
    string,
    Record<string, number[]>
  >;
  const series: TcpdSeries[] = [];
  for (const name of Object.keys(annotations).sort()) {
    const file = dir ? path.join(root, 'datasets', name, `${name}.json`) : path.join(root, `${name}.json`);
    if (!fs.existsSync(file)) continue;
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as TcpdFile;
    if ((data.n_dim ?? data.series.length) !== 1) continue;
    const values = data.series[0].raw;
    if (values.length !== data.n_obs) throw new Error(`${file}: ${values.length} values, n_obs ${data.n_obs}`);
    series.push({ name, values, annotations: Object.values(annotations[name]) });
  }
  return { series, source: dir ? `$TCPD_DIR (${root})` : 'bench/data/tcpd' };
}

/** Annotated points matched by predictions within `margin`, each prediction used at most once (metrics.py true_positives). */
function truePositives(truth: Set<number>, predictions: Set<number>, margin: number): number {
  const left = new Set(predictions);
  let tp = 0;
  for (const tau of [...truth].sort((a, b) => a - b)) {
    let best: number | undefined;
    let bestDist = Infinity;
    for (const x of left) {
      const d = Math.abs(tau - x);
      if (d <= margin && (d < bestDist || (d === bestDist && x < best!))) {
        best = x;
        bestDist = d;
      }
    }
    if (best === undefined) continue;
    tp++;
    left.delete(best);
  }
  return tp;
}

/**
 * F1 of van den Burg & Williams: 0 counts as a change point for everyone,
 * precision against the union of all annotations, recall averaged over annotators.
 */
export function f1Score(annotations: number[][], predictions: number[], margin = 5): number {
  const users = annotations.map((a) => new Set([0, ...a]));
  const x = new Set([0, ...predictions]);
  const union = new Set(users.flatMap((u) => [...u]));
  const precision = truePositives(union, x, margin) / x.size;
  const recall = users.reduce((s, u) => s + truePositives(u, x, margin) / u.size, 0) / users.length;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Segments [start, end) of 0..n-1 cut at the given change points. */
function partition(cps: number[], n: number): Array<[number, number]> {
  const cuts = [...new Set(cps)].filter((c) => c > 0 && c < n).sort((a, b) => a - b);
  const bounds = [0, ...cuts, n];
  return bounds.slice(1).map((end, i) => [bounds[i], end]);
}

/** Cover of segmentation `truth` by `predicted` (Arbelaez et al. 2010, eq. 8), with Jaccard overlap. */
function coverSingle(predicted: Array<[number, number]>, truth: Array<[number, number]>, n: number): number {
  let c = 0;
  for (const [a, b] of truth) {
    let best = 0;
    for (const [p, q] of predicted) {
      const inter = Math.max(0, Math.min(b, q) - Math.max(a, p));
      if (inter === 0) continue;
      const union = Math.max(b, q) - Math.min(a, p);
      best = Math.max(best, inter / union);
    }
    c += (b - a) * best;
  }
  return c / n;
}

/** Segmentation cover averaged over annotators. */
export function coverScore(annotations: number[][], predictions: number[], n: number): number {
  const predicted = partition(predictions, n);
  return annotations.reduce((s, a) => s + coverSingle(predicted, partition(a, n), n), 0) / annotations.length;
}

/** Runs `detect` on the non-missing values and maps its indices back to those of `values`. */
export function skippingMissing(detect: (v: number[]) => number[]): Detector {
  return (values) => {
    const at: number[] = [];
    const present: number[] = [];
    values.forEach((v, i) => {
      if (v !== null) {
        at.push(i);
        present.push(v);
      }
    });
    return detect(present).map((i) => at[i]);
  };
}

/**
 * Binary segmentation as TCPDBench's default runs it: R changepoint's BinSeg for a
 * change in mean with the Normal cost and MBIC penalty (cost x2 - x^2/n + log n
 * per segment, penalty 3 log n), Q = 5, minimum segment length 1, on data scaled
 * to mean 0 and standard deviation 1. Reports, like TCPDBench, R's 1-based
 * segment ends minus one.
 */
export function binarySegmentation(values: number[], q = 5): number[] {
  const n = values.length;
  if (n < 4) return [];
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) || 1;
  const y = values.map((v) => (v - mean) / sd);
  const s1 = [0];
  const s2 = [0];
  for (const v of y) {
    s1.push(s1[s1.length - 1] + v);
    s2.push(s2[s2.length - 1] + v * v);
  }
  // Cost of the 1-based segment (start, end]: sum of squares about its mean, plus log of its length (MBIC).
  const cost = (start: number, end: number) => {
    const m = end - start;
    const x = s1[end] - s1[start];
    return s2[end] - s2[start] - (x * x) / m + Math.log(m);
  };
  const tau = [0, n];
  const found: number[] = [];
  const gains: number[] = [];
  let oldMax = Infinity;
  for (let k = 0; k < q; k++) {
    let best = 0;
    let bestAt = 0;
    for (let seg = 0; seg + 1 < tau.length; seg++) {
      const st = tau[seg] + 1;
      const end = tau[seg + 1];
      const whole = cost(st - 1, end);
      for (let j = Math.max(2, st); j < Math.min(n - 2, end); j++) {
        if (j - st < 1 || end - j < 1) continue;
        const gain = 0.5 * (whole - cost(st - 1, j) - cost(j, end));
        if (gain > best) {
          best = gain;
          bestAt = j;
        }
      }
    }
    const like = Math.min(oldMax, best);
    oldMax = like;
    found.push(bestAt);
    gains.push(like);
    tau.push(bestAt);
    tau.sort((a, b) => a - b);
  }
  const pen = 3 * Math.log(n);
  let kept = 0;
  while (kept < q && 2 * gains[kept] >= pen) kept++;
  return found
    .slice(0, kept)
    .sort((a, b) => a - b)
    .map((j) => j - 1);
}

export interface TcpdScore {
  f1: number;
  cover: number;
  perSeries: Array<{ name: string; f1: number; cover: number; predicted: number[] }>;
}

/** Default-experiment scores of a detector: F1 and cover per series, averaged over series. */
export function scoreTcpd(series: TcpdSeries[], detect: Detector): TcpdScore {
  const perSeries = series.map((s) => {
    const predicted = detect(s.values);
    return {
      name: s.name,
      f1: f1Score(s.annotations, predicted),
      cover: coverScore(s.annotations, predicted, s.values.length),
      predicted,
    };
  });
  const mean = (k: 'f1' | 'cover') => perSeries.reduce((a, r) => a + r[k], 0) / perSeries.length;
  return { f1: mean('f1'), cover: mean('cover'), perSeries };
}
