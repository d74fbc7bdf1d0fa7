// The CSV a chart hands out: a header, one row per point, fields quoted where they must be.
import { describe, expect, it } from 'vitest';
import { csvName, toCsv } from '../app/components/csv';

describe('toCsv', () => {
  it('writes one row per point, empty fields for missing values, quotes where a field needs them', () => {
    const text = toCsv(
      ['build', 'version', 'Perc99 (ms)'],
      [
        ['1853849370541559808', 'v1.32.0-alpha.1.5+abc', 1354.5],
        ['1853849370541559809', 'v1.32.0, "patched"', null],
      ],
    );
    expect(text).toBe(
      'build,version,Perc99 (ms)\n1853849370541559808,v1.32.0-alpha.1.5+abc,1354.5\n1853849370541559809,"v1.32.0, ""patched""",\n',
    );
  });

  it('names the file after the chart', () => {
    expect(csvName('compare', 'kubelet_memory')).toBe('compare-kubelet-memory.csv');
    expect(csvName('latency')).toBe('latency.csv');
  });
});
