// How text tables print numbers: columns of numbers right-aligned with one
// number of decimals, build IDs left like names; and "1 warning".
import { describe, expect, it } from 'vitest';
import { fixed, fmtColumn, plural, table } from '../../cli/output';

describe('text tables', () => {
  it('right-aligns columns of numbers (with units too), keeps build IDs and names left', () => {
    const p50 = fmtColumn([894.7, 12.25]);
    const value = fmtColumn([1053, 7]);
    expect(
      table([
        ['build', 'test', 'p50', 'value', 'runs'],
        ['2127070076728250368', 'density_create_batch_10_0_0', p50[0], value[0], 15],
        ['101', 'resource_10', p50[1], value[1], 3],
      ]),
    ).toBe(
      [
        'build                test                           p50  value  runs',
        '2127070076728250368  density_create_batch_10_0_0  894.7   1053    15',
        '101                  resource_10                   12.3      7     3',
      ].join('\n'),
    );
    expect(table([['slo', 'value'], ['p99', '4019.2 ms'], ['tput', '12.0 pods/min'], ['none', null]])).toBe(
      ['slo           value', 'p99       4019.2 ms', 'tput  12.0 pods/min', 'none              -'].join('\n'),
    );
  });

  it('one number of decimals a column: none when every value is whole', () => {
    expect(fmtColumn([1000, 2000, null])).toEqual(['1000', '2000', '-']);
    expect(fmtColumn([1000, 1234.56], 1)).toEqual(['1000.0', '1234.6']);
    expect([fixed(-750), fixed(null), fixed(0.05, 3)]).toEqual(['-750.0', '-', '0.050']);
  });

  it('says "1 warning" and "2 warnings"', () => {
    expect([plural(0, 'warning'), plural(1, 'warning'), plural(2, 'warning'), plural(1, 'change point')]).toEqual([
      '0 warnings',
      '1 warning',
      '2 warnings',
      '1 change point',
    ]);
  });
});
