// The one build-range rule of every page across builds and its JSON twin:
// `last=N` counts back from the newest build; an explicit `builds=A-B` shows
// all of its builds unless `last` is given too, then the last N within it.
import { describe, expect, it } from 'vitest';
import { describeRange, rangeOf } from '../app/params';

describe('rangeOf', () => {
  it('shows the last 50 builds when nothing is given', () => {
    expect(rangeOf({})).toEqual({ lastParam: '50', last: 50 });
    expect(describeRange(rangeOf({}))).toBe('the last 50 builds');
  });

  it('lets an explicit range win over the default count', () => {
    const r = rangeOf({ builds: '1200-1223' });
    expect(r).toEqual({ lastParam: 'all', from: '1200', to: '1223' });
    expect(describeRange(r)).toBe('every build of builds 1200–1223');
  });

  it('combines a range and an explicit count as the last N within the range', () => {
    const r = rangeOf({ builds: '1200-1223', last: '10' });
    expect(r).toEqual({ lastParam: '10', last: 10, from: '1200', to: '1223' });
    expect(describeRange(r)).toBe('the last 10 builds within builds 1200–1223');
  });

  it('says which end of an open range is open, and names a single build', () => {
    expect(describeRange(rangeOf({ builds: '1853849370541559808-' }))).toBe('every build of builds 1853849370541559808–newest');
    expect(describeRange(rangeOf({ builds: '-1210', last: '5' }))).toBe('the last 5 builds within builds first–1210');
    expect(describeRange(rangeOf({ builds: '1210' }))).toBe('every build of build 1210');
    expect(describeRange(rangeOf({ last: 'all' }))).toBe('all builds');
  });

  it('refuses a count or a range it cannot read', () => {
    expect(() => rangeOf({ last: 'ten' })).toThrow('last must be a number of builds or "all", got "ten"');
    expect(() => rangeOf({ builds: '1200..1210' })).toThrow('builds must be a range of build IDs like 1800-1850, got "1200..1210"');
  });
});
