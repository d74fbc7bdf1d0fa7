// Numbers read one way on every page: three significant digits, never
// rounding away whole units, fewer decimals where a unit counts whole things.
import { describe, expect, it } from 'vitest';
import { formatTick, formatValue } from '../app/components/format';

describe('formatValue', () => {
  it('keeps three significant digits and every whole unit', () => {
    expect([1353.7, 512.4, 15.27, 4.236, 0.01234, 0, -8.888].map((v) => formatValue(v))).toEqual([
      '1,354',
      '512',
      '15.3',
      '4.24',
      '0.0123',
      '0',
      '-8.89',
    ]);
  });

  it('shows no fraction of a pod, and at most one decimal of a millicore', () => {
    expect(formatValue(104.6, 'pods')).toBe('105');
    expect(formatValue(7.25, 'pods')).toBe('7');
    expect(formatValue(4.236, 'millicores')).toBe('4.2');
    expect(formatValue(4.236, 'ms')).toBe('4.24');
  });

  it('writes a missing value as a dash', () => {
    expect([null, undefined, NaN].map((v) => formatValue(v))).toEqual(['–', '–', '–']);
  });
});

describe('formatTick', () => {
  it('shortens thousands from 10,000 and millions', () => {
    expect([1350, 12_000, 125_500, 2_400_000].map(formatTick)).toEqual(['1,350', '12k', '126k', '2.4M']);
  });
});
