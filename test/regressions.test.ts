// Change-point detection: where steps are found, what is not a step, and
// which way each metric regresses.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectChangePoints, isRegression, regressionDirection, type ChangePoint } from '../lib/regressions';
import { studentTwoSidedP } from '../lib/student-t';
import { Random } from '../ingest/demo/random';

/** levels[i] times Gaussian noise with the given coefficient of variation. */
function noisy(levels: number[], cv: number, seed: number): number[] {
  const rnd = new Random(seed);
  return levels.map((level) => level * (1 + cv * rnd.normal()));
}

function steps(...parts: Array<[level: number, count: number]>): number[] {
  return parts.flatMap(([level, count]) => Array<number>(count).fill(level));
}

const indexes = (cps: ChangePoint[]): number[] => cps.map((cp) => cp.index);

describe('detectChangePoints', () => {
  it('finds a 20 % step at index 30 in a noisy series, with its levels', () => {
    const cps = detectChangePoints(noisy(steps([100, 30], [120, 30]), 0.05, 1));
    expect(indexes(cps)).toEqual([30]);
    const [cp] = cps;
    expect(Math.abs(cp.before - 100)).toBeLessThan(3);
    expect(Math.abs(cp.after - 120)).toBeLessThan(3.6);
    expect(Math.abs(cp.change - 0.2)).toBeLessThan(0.05);
    expect(cp.pValue).toBeLessThan(1e-6);
  });

  it('finds nothing in a flat noisy series', () => {
    expect(detectChangePoints(noisy(steps([100, 200]), 0.05, 2))).toEqual([]);
  });

  it('does not take a single spike for a change, in the middle or as the newest build', () => {
    const middle = noisy(steps([100, 60]), 0.05, 3);
    middle[30] = 300;
    expect(detectChangePoints(middle)).toEqual([]);
    const newest = noisy(steps([100, 60]), 0.05, 3);
    newest[59] = 300;
    expect(detectChangePoints(newest)).toEqual([]);
  });

  it('does not take two adjacent spikes for a change', () => {
    const v = noisy(steps([100, 60]), 0.05, 4);
    v[30] = 250;
    v[31] = 260;
    expect(detectChangePoints(v)).toEqual([]);
  });

  it('finds two steps as two change points', () => {
    const cps = detectChangePoints(noisy(steps([100, 40], [120, 40], [90, 40]), 0.05, 5));
    expect(indexes(cps)).toEqual([40, 80]);
    expect(cps.map((cp) => Math.round(cp.change * 100))).toEqual([19, -26]);
  });

  it('reports exact levels and p = 0 for a noise-free step', () => {
    expect(detectChangePoints(steps([10, 20], [15, 20]))).toEqual([
      { index: 20, before: 10, after: 15, change: 0.5, pValue: 0 },
    ]);
  });

  it('finds nothing in a constant or too short series', () => {
    expect(detectChangePoints(steps([7, 100]))).toEqual([]);
    expect(detectChangePoints([1, 1, 1, 9, 9])).toEqual([]);
    expect(detectChangePoints([])).toEqual([]);
  });

  it('waits for more than one build at a new level before reporting it', () => {
    const history = noisy(steps([100, 40], [130, 3]), 0.04, 6);
    expect(detectChangePoints(history.slice(0, 41))).toEqual([]);
    expect(indexes(detectChangePoints(history))).toEqual([40]);
  });

  it('drops significant changes smaller than minRelativeChange', () => {
    const v = noisy(steps([100, 40], [103, 40]), 0.002, 7);
    expect(detectChangePoints(v)).toEqual([]);
    expect(indexes(detectChangePoints(v, { minRelativeChange: 0.01 }))).toEqual([40]);
  });

  it('gives an infinite relative change from a zero level', () => {
    expect(detectChangePoints(steps([0, 10], [5, 10]))).toEqual([
      { index: 10, before: 0, after: 5, change: Infinity, pValue: 0 },
    ]);
  });

  it('finds steps far apart in a long history', () => {
    const v = noisy(steps([100, 1000], [110, 2000], [95, 2000]), 0.03, 8);
    expect(indexes(detectChangePoints(v))).toEqual([1000, 3000]);
  });

  it('finds the same change points whatever the unit (power-of-two scales are exact)', () => {
    const base = noisy(steps([100, 25], [125, 25], [100, 25]), 0.05, 9);
    fc.assert(
      fc.property(fc.integer({ min: -20, max: 20 }), (e) => {
        const scaled = base.map((v) => v * 2 ** e);
        expect(indexes(detectChangePoints(scaled))).toEqual(indexes(detectChangePoints(base)));
      }),
    );
  });

  it('rejects values that are not finite and options out of range', () => {
    expect(() => detectChangePoints([1, 2, NaN])).toThrow('detectChangePoints: values[2] is not a finite number: NaN');
    expect(() => detectChangePoints([1], { pValue: 0 })).toThrow('pValue must be in (0, 1]: 0');
    expect(() => detectChangePoints([1], { minSegment: 1 })).toThrow('minSegment must be an integer >= 2: 1');
    expect(() => detectChangePoints([1], { window: 5 })).toThrow('window must be an integer >= 2 * minSegment: 5');
  });
});

/** `length` builds of `level(i)` times Gaussian noise with coefficient of variation `cv`. */
function series(seed: number, length: number, level: (i: number) => number, cv: number): number[] {
  const rnd = new Random(seed);
  return Array.from({ length }, (_, i) => level(i) * (1 + cv * rnd.normal()));
}

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('detectChangePoints on the shapes performance CI produces', () => {
  it('finds nothing in quantised flat series: integer milliseconds, 10 ± 1 ms, most builds tied', () => {
    for (const seed of seeds(20)) {
      const rnd = new Random(seed);
      const v = Array.from({ length: 120 }, () => Math.round(10 + 0.8 * rnd.normal()));
      expect([seed, indexes(detectChangePoints(v))]).toEqual([seed, []]);
    }
  });

  it('finds nothing in two-level flat series: each build at 100 or 120 (a cache hit or miss), 1 % noise', () => {
    for (const seed of seeds(20)) {
      const rnd = new Random(seed);
      const share = 0.2 + 0.6 * rnd.next();
      const v = Array.from({ length: 120 }, () => (rnd.next() < share ? 100 : 120) * (1 + 0.01 * rnd.normal()));
      expect([seed, indexes(detectChangePoints(v))]).toEqual([seed, []]);
    }
  });

  it('still finds a step in a quantised and in a two-level series', () => {
    const rnd = new Random(21);
    const quantised = Array.from({ length: 80 }, (_, i) => Math.round((i < 40 ? 10 : 12) + 0.8 * rnd.normal()));
    expect(indexes(detectChangePoints(quantised))).toEqual([40]);
    // Misses go from 20 % to 80 % of builds: a change without a sharp edge, placed within two builds.
    const twoLevel = Array.from({ length: 80 }, (_, i) => (rnd.next() < (i < 40 ? 0.2 : 0.8) ? 120 : 100) * (1 + 0.01 * rnd.normal()));
    const [mix] = detectChangePoints(twoLevel);
    expect(detectChangePoints(twoLevel)).toHaveLength(1);
    expect(Math.abs(mix.index - 40)).toBeLessThanOrEqual(2);
    expect([Math.round(mix.before / 10), Math.round(mix.after / 10)]).toEqual([10, 12]);
  });

  it('blames a step on its build, reports nothing while only 2 builds follow it, and the right build once a 3rd arrives', () => {
    for (const seed of seeds(10)) {
      const v = series(seed, 43, (i) => (i < 40 ? 100 : 135), 0.04);
      expect([seed, indexes(detectChangePoints(v.slice(0, 42)))]).toEqual([seed, []]);
      expect([seed, indexes(detectChangePoints(v))]).toEqual([seed, [40]]);
    }
  });

  it('does not cut a slow drift (+20 % over 100 builds) or a season into a staircase', () => {
    for (const seed of seeds(10)) {
      const drift = detectChangePoints(series(seed, 120, (i) => 100 * (1 + 0.002 * i), 0.04));
      expect([seed, drift.length <= 1]).toEqual([seed, true]);
      const season = detectChangePoints(series(seed, 120, (i) => 100 * (1 + 0.05 * Math.sin((2 * Math.PI * i) / 14)), 0.03));
      expect([seed, indexes(season)]).toEqual([seed, []]);
    }
  });

  it('ignores single and double outliers anywhere, the newest builds included', () => {
    for (const seed of seeds(10)) {
      const base = series(seed, 80, () => 100, 0.05);
      for (const at of [20, 50, 78, 79]) {
        const one = base.slice();
        one[at] *= 2.5;
        expect([seed, at, indexes(detectChangePoints(one))]).toEqual([seed, at, []]);
      }
      for (const at of [30, 77, 78]) {
        const two = base.slice();
        two[at] *= 2;
        two[at + 1] *= 2.2;
        expect([seed, at, indexes(detectChangePoints(two))]).toEqual([seed, at, []]);
      }
    }
  });

  it('finds every step of a history with several, a reverted regression included', () => {
    const levels = (i: number) => (i < 40 ? 100 : i < 80 ? 120 : i < 95 ? 150 : i < 140 ? 120 : 90);
    for (const seed of seeds(5)) {
      expect([seed, indexes(detectChangePoints(series(seed, 180, levels, 0.04)))]).toEqual([seed, [40, 80, 95, 140]]);
    }
  });
});

describe('studentTwoSidedP', () => {
  it('matches tabulated Student t tail probabilities', () => {
    expect(studentTwoSidedP(2, 10)).toBeCloseTo(0.0733880348, 9);
    expect(studentTwoSidedP(1, 1)).toBeCloseTo(0.5, 12);
    expect(studentTwoSidedP(0, 5)).toBe(1);
    expect(studentTwoSidedP(Infinity, 5)).toBe(0);
  });
});

describe('regression direction', () => {
  const cp = (change: number): ChangePoint => ({ index: 10, before: 100, after: 100 * (1 + change), change, pValue: 0 });

  it('treats a rise as worse for latency, CPU and memory and a fall as worse for throughput', () => {
    expect(regressionDirection('latency', 'Perc99')).toBe('up-is-worse');
    expect(regressionDirection('kubelet_cpu', 'Perc95')).toBe('up-is-worse');
    expect(regressionDirection('runtime_memory', 'rss')).toBe('up-is-worse');
    expect(regressionDirection('throughput', 'batch')).toBe('down-is-worse');
  });

  it('calls a change a regression only in the worse direction', () => {
    expect(isRegression(cp(0.2), 'latency', 'Perc50')).toBe(true);
    expect(isRegression(cp(-0.2), 'latency', 'Perc50')).toBe(false);
    expect(isRegression(cp(-0.2), 'throughput', 'batch')).toBe(true);
    expect(isRegression(cp(0.2), 'throughput', 'batch')).toBe(false);
  });
});
