// The rank-sum test the change-point detector judges levels with: exact for
// short runs and ties, the normal approximation for long runs.
import { describe, expect, it } from 'vitest';
import { normalTwoSided, rankSumTest } from '../lib/rank-sum';

const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);

describe('rankSumTest', () => {
  it('gives three builds above forty the exact p-value, not the far larger normal approximation', () => {
    const x = [...Array.from({ length: 40 }, (_, i) => 100 + i), 200, 201, 202];
    const { p, z } = rankSumTest(x, 0, 40, 43);
    expect(p).toBeCloseTo(2 / choose(43, 3), 12);
    expect(z).toBeGreaterThan(0);
    expect(rankSumTest(x.map((v) => -v), 0, 40, 43)).toMatchObject({ p: expect.closeTo(2 / choose(43, 3), 12) });
  });

  it('counts ties as mid-ranks: integer milliseconds at the same level give no evidence', () => {
    const tied = [10, 11, 10, 9, 10, 10, 11, 10, 9, 10, 10, 11, 10, 9, 10];
    expect(rankSumTest(tied, 0, 12, 15).p).toBeGreaterThan(0.5);
    expect(rankSumTest(Array(20).fill(5), 0, 10, 20)).toEqual({ p: 1, z: 0 });
    const shifted = [10, 10, 11, 10, 9, 10, 10, 11, 10, 12, 12, 13, 12, 12];
    expect(rankSumTest(shifted, 0, 9, 14).p).toBeLessThan(0.01);
  });

  it('uses the normal approximation with a continuity correction for long runs', () => {
    const x = Array.from({ length: 60 }, (_, i) => (i < 30 ? i : i + 0.5 - 15));
    const { p, z } = rankSumTest(x, 0, 30, 60);
    expect(z).toBeGreaterThan(0);
    expect(p).toBeCloseTo(normalTwoSided(z - 1 / Math.sqrt((30 * 30 * 61) / 3)), 10);
  });
});

describe('normalTwoSided', () => {
  it('matches tabulated normal tails', () => {
    expect(normalTwoSided(1.959964)).toBeCloseTo(0.05, 6);
    expect(normalTwoSided(3.290527)).toBeCloseTo(0.001, 6);
    expect(normalTwoSided(0)).toBeCloseTo(1, 6);
  });
});
