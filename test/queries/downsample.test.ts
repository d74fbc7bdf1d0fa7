// Long build windows are drawn from a downsample of real builds that keeps
// each stretch's extremes; comparisons aggregate every build.
import { describe, expect, it } from 'vitest';
import { downsample } from '../../lib/queries/metrics';
import type { MetricPoint } from '../../lib/model';

const series = (values: number[]): MetricPoint[] => values.map((v, i) => ({ build: i + 1, started: null, stats: { Perc99: v } }));

describe('downsample', () => {
  it('leaves a short series alone', () => {
    const s = series([3, 1, 2]);
    expect(downsample(s, 'Perc99', 10)).toBe(s);
  });

  it('keeps the lowest and highest build of each stretch, in build order, so a lone spike survives', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 100 + (i % 7));
    values[617] = 900;
    const kept = downsample(series(values), 'Perc99', 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.map((p) => p.build)).toEqual([...kept.map((p) => p.build)].sort((a, b) => a - b));
    expect(kept.find((p) => p.build === 618)?.stats.Perc99).toBe(900);
    expect(kept.slice(0, 2).map((p) => [p.build, p.stats.Perc99])).toEqual([
      [1, 100],
      [7, 106],
    ]);
  });
});
