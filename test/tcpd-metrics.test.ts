// The benchmark's yardstick on real series (bench/tcpd.ts): the F1 and cover of
// van den Burg & Williams, checked against the examples in TCPDBench's
// metrics.py, and binary segmentation as TCPDBench's default runs it.
import { describe, expect, it } from 'vitest';
import { binarySegmentation, coverScore, f1Score, loadTcpd, skippingMissing } from '../bench/tcpd';

describe('TCPD metrics', () => {
  it('scores F1 as TCPDBench does: 0 counts for everyone, recall averaged over annotators', () => {
    expect(f1Score([[10, 20], [11, 20], [10], [0, 5]], [10, 20])).toBe(1);
    expect(f1Score([[], [10], [50]], [10])).toBeCloseTo(0.9090909090909091, 12);
    expect(f1Score([[], [10], [50]], [])).toBeCloseTo(0.8, 12);
  });

  it('scores cover as TCPDBench does, averaged over annotators', () => {
    expect(coverScore([[10, 20], [10], [0, 5]], [10, 20], 45)).toBeCloseTo(0.7962962962962963, 12);
    expect(coverScore([[], [10], [40]], [10], 45)).toBeCloseTo(0.7954144620811286, 12);
    expect(coverScore([[], [10], [40]], [], 45)).toBeCloseTo(0.8189300411522634, 12);
  });

  it('loads the bundled series with their annotations and maps indices past missing values', () => {
    const { series } = loadTcpd(undefined);
    expect(series.length).toBe(27);
    const coal = series.find((s) => s.name === 'uk_coal_employ')!;
    expect(coal.values.filter((v) => v === null)).toHaveLength(2);
    expect(coal.annotations).toHaveLength(5);
    expect(skippingMissing((v) => [v.length - 1])(coal.values)).toEqual([coal.values.length - 1]);
    expect(skippingMissing(() => [8])([1, 2, null, 4, 5, 6, 7, 8, 9, 10])).toEqual([9]);
  });

  it('splits a clear step with binary segmentation, reporting R\'s segment end minus one', () => {
    const x = [...Array(30).fill(0), ...Array(30).fill(5)].map((v, i) => v + (i % 2) * 0.1);
    expect(binarySegmentation(x)).toEqual([29]);
  });
});
