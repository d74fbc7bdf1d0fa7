// Benchmark of lib/regressions.ts: recall, false alarms and detection delay
// on synthetic metric histories with known steps, for a few option settings,
// plus the detector's speed. Seeded, so the figures are reproducible.
// Run: npx tsx bench/regressions.ts

import { pathToFileURL } from 'node:url';
import { DEFAULT_CHANGE_POINT_OPTIONS, detectChangePoints, type ChangePointOptions } from '../lib/regressions';
import { Random } from '../ingest/demo/random';

/** A detection within this many builds of the true step counts as finding it. */
const TOLERANCE = 2;
/** A report this close to a true step points a human at the right builds even when it misses by a few. */
const NEAR_MISS = 5;
const LENGTH = 120;
const STEP_AT = 60;
const STEPS = [0.05, 0.1, 0.2, 0.5];
const SERIES_PER_STEP = 150;
const FLAT_SERIES = 300;
/** CI runs the detector after every build; a step not reported this many builds after it counts as missed for delay. */
const MAX_DELAY = 30;

interface Series {
  values: number[];
  /** Index of the true step, or -1 for a flat series. */
  step: number;
  size: number;
}

/**
 * A metric history as node e2e benchmarks produce it: Gaussian noise with a
 * CV of 3-8 %, about 2 % of builds an outlier (1.3x-3x, a noisy neighbour
 * or a slow image pull), a slow linear drift of up to ±0.03 % per build,
 * and optionally one step up or down of `size` at `step`.
 */
function makeSeries(rnd: Random, size: number, step: number, length = LENGTH): Series {
  const cv = 0.03 + 0.05 * rnd.next();
  const drift = (rnd.next() * 2 - 1) * 0.0003;
  const sign = rnd.next() < 0.5 ? -1 : 1;
  const base = 50 + 1000 * rnd.next();
  const values: number[] = [];
  for (let i = 0; i < length; i++) {
    let level = base * (1 + drift * i);
    if (step >= 0 && i >= step) level *= 1 + sign * size;
    let v = level * (1 + cv * rnd.normal());
    if (rnd.next() < 0.02) v *= 1.3 + 1.7 * rnd.next();
    values.push(v);
  }
  return { values, step, size };
}

function corpus(seed: number): { stepped: Series[]; flat: Series[] } {
  const rnd = new Random(seed);
  const stepped: Series[] = [];
  for (const size of STEPS) for (let k = 0; k < SERIES_PER_STEP; k++) stepped.push(makeSeries(rnd, size, STEP_AT));
  const flat: Series[] = [];
  for (let k = 0; k < FLAT_SERIES; k++) flat.push(makeSeries(rnd, 0, -1));
  return { stepped, flat };
}

interface Figures {
  recall: Map<number, number>;
  /** Median and 90th percentile of detection delay per step size, in builds after the step. */
  delay: Map<number, { p50: number; p90: number; late: number }>;
  falsePer1000Flat: number;
  falsePer1000Away: number;
  /** Share of all reported change points that are not a true step. */
  falseShare: number;
  /** Share of reported change points with no true step within NEAR_MISS builds. */
  falseShareLoose: number;
}

function near(index: number, step: number, tolerance = TOLERANCE): boolean {
  return Math.abs(index - step) <= tolerance;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function evaluate(opts: Partial<ChangePointOptions>, data: { stepped: Series[]; flat: Series[] }): Figures {
  let reported = 0;
  let falseReports = 0;
  let farReports = 0;
  let flatFalse = 0;
  let awayFalse = 0;
  let awayBuilds = 0;
  const found = new Map<number, number>();
  const delays = new Map<number, number[]>();
  const late = new Map<number, number>();
  for (const s of data.stepped) {
    const cps = detectChangePoints(s.values, opts);
    const hit = cps.some((cp) => near(cp.index, s.step));
    const away = cps.filter((cp) => !near(cp.index, s.step)).length;
    reported += cps.length;
    falseReports += away;
    farReports += cps.filter((cp) => !near(cp.index, s.step, NEAR_MISS)).length;
    awayFalse += away;
    awayBuilds += s.values.length - (2 * TOLERANCE + 1);
    if (hit) found.set(s.size, (found.get(s.size) ?? 0) + 1);
    const d = detectionDelay(s, opts);
    if (d === undefined) late.set(s.size, (late.get(s.size) ?? 0) + 1);
    else delays.set(s.size, [...(delays.get(s.size) ?? []), d]);
  }
  let flatBuilds = 0;
  for (const s of data.flat) {
    const n = detectChangePoints(s.values, opts).length;
    reported += n;
    falseReports += n;
    farReports += n;
    flatFalse += n;
    flatBuilds += s.values.length;
  }
  const recall = new Map<number, number>();
  const delay = new Map<number, { p50: number; p90: number; late: number }>();
  for (const size of STEPS) {
    recall.set(size, (found.get(size) ?? 0) / SERIES_PER_STEP);
    const d = (delays.get(size) ?? []).sort((a, b) => a - b);
    delay.set(size, { p50: quantile(d, 0.5), p90: quantile(d, 0.9), late: (late.get(size) ?? 0) / SERIES_PER_STEP });
  }
  return {
    recall,
    delay,
    falsePer1000Flat: (1000 * flatFalse) / flatBuilds,
    falsePer1000Away: (1000 * awayFalse) / awayBuilds,
    falseShare: reported === 0 ? 0 : falseReports / reported,
    falseShareLoose: reported === 0 ? 0 : farReports / reported,
  };
}

/** Builds after the step (the step build counts as 1) until a CI run on the prefix first reports it. */
function detectionDelay(s: Series, opts: Partial<ChangePointOptions>): number | undefined {
  for (let seen = 1; seen <= MAX_DELAY && s.step + seen <= s.values.length; seen++) {
    const cps = detectChangePoints(s.values.slice(0, s.step + seen), opts);
    if (cps.some((cp) => near(cp.index, s.step))) return seen;
  }
  return undefined;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const num = (x: number): string => (Number.isNaN(x) ? '–' : String(x));

function row(label: string, f: Figures): string {
  const recall = STEPS.map((s) => pct(f.recall.get(s) ?? 0)).join(' | ');
  const delay = STEPS.map((s) => {
    const d = f.delay.get(s)!;
    return `${num(d.p50)} / ${num(d.p90)}`;
  }).join(' | ');
  return `| ${label} | ${recall} | ${delay} | ${f.falsePer1000Flat.toFixed(2)} | ${f.falsePer1000Away.toFixed(2)} | ${pct(f.falseShare)} | ${pct(f.falseShareLoose)} |`;
}

function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function speed(): string[] {
  const rnd = new Random(7);
  const long = makeSeries(rnd, 0.1, 2500, 5000).values;
  const short = Array.from({ length: 5000 }, () => makeSeries(rnd, 0.2, 25, 50).values);
  detectChangePoints(long);
  const longMs = Math.min(...[0, 1, 2].map(() => timeIt(() => detectChangePoints(long))));
  const shortMs = timeIt(() => {
    for (const v of short) detectChangePoints(v);
  });
  return [
    `- one 5,000-point series (window ${DEFAULT_CHANGE_POINT_OPTIONS.window}): ${longMs.toFixed(1)} ms`,
    `- 5,000 series of 50 points: ${shortMs.toFixed(0)} ms in total (${((1000 * shortMs) / 5000).toFixed(0)} µs each)`,
  ];
}

export async function run(): Promise<string> {
  const data = corpus(20250316);
  const d = DEFAULT_CHANGE_POINT_OPTIONS;
  const settings: Array<[string, Partial<ChangePointOptions>]> = [];
  for (const pValue of [0.01, 0.001, 0.0001]) {
    for (const minRelativeChange of [0.03, 0.05]) settings.push([`p ${pValue}, rel ${minRelativeChange}, w ${d.window}`, { pValue, minRelativeChange }]);
  }
  for (const window of [30, 50]) settings.push([`p ${d.pValue}, rel ${d.minRelativeChange}, w ${window}`, { window }]);
  settings.push([`p ${d.pValue}, rel ${d.minRelativeChange}, w ${d.window}, minSegment 2`, { minSegment: 2 }]);

  const header = [
    `| setting | recall 5 % | recall 10 % | recall 20 % | recall 50 % | delay 5 % (p50 / p90) | delay 10 % | delay 20 % | delay 50 % | false / 1000 builds, flat | false / 1000 builds, away from steps | false share of alerts | false share, ±${NEAR_MISS} builds |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  const rows = settings.map(([label, opts]) => row(label + (isDefault(opts) ? ' (default)' : ''), evaluate(opts, data)));
  return [
    '## Change-point detection (lib/regressions.ts)',
    '',
    `Hampel outlier filter, then E-divisive means with a Student's t-test in sliding windows, pruned Otava-style. Synthetic histories of ${LENGTH} builds: Gaussian noise, CV 3-8 %;` +
      ` 2 % outliers at 1.3-3x; drift up to ±0.03 %/build; ${SERIES_PER_STEP} series per step size with one step up or down` +
      ` at build ${STEP_AT}, and ${FLAT_SERIES} flat series. Recall: a change point within ±${TOLERANCE} builds of the step` +
      ` on the full history. Delay: builds at the new level (the step build is 1) before a run on the growing prefix, as CI` +
      ` would run it, first reports the step (over detected steps; ${MAX_DELAY}+ counts as missed).` +
      ` False share: reported change points that are not within ±${TOLERANCE} (or ±${NEAR_MISS}) builds of a true step` +
      ` (Perfherder's t-test alerts: about 12.5 % of alert groups are invalid).`,
    '',
    ...header,
    ...rows,
    '',
    `Defaults: pValue ${d.pValue}, minRelativeChange ${d.minRelativeChange}, window ${d.window}, minSegment ${d.minSegment}.`,
    '',
    'Speed:',
    ...speed(),
    '',
  ].join('\n');
}

function isDefault(opts: Partial<ChangePointOptions>): boolean {
  const d = DEFAULT_CHANGE_POINT_OPTIONS;
  return Object.entries(opts).every(([k, v]) => d[k as keyof ChangePointOptions] === v);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await run());
}
