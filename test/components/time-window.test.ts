// The time window of one run's charts: fitted to the pod events, the whole
// run, a dragged span rounded to readable ends, and `t=` in the URL.
import { describe, expect, it } from 'vitest';
import { parseZoom, podEventsWindow, roundOut, wholeRunWindow, zoomParam } from '../../app/components/time-window';

const probes = [
  { points: [[4.012, 1], [4.9, 105]] as [number, number][] },
  { points: [[4.81, 1], [8.64, 105]] as [number, number][] },
];
const resources = [{ points: [[0, 40, 50], [15.98, 45, 90]] as [number, number, number][] }];

describe('time window', () => {
  it('fits the pod events with a margin of at least half a second, in whole seconds', () => {
    expect(podEventsWindow(probes)).toEqual([3, 10]);
    expect(podEventsWindow([{ points: [[120, 1], [600, 2]] }])).toEqual([100, 620]);
    expect(podEventsWindow([])).toBeNull();
  });

  it('spans the whole run from 0 to the last sample or event', () => {
    expect(wholeRunWindow([...probes, ...resources])).toEqual([0, 16]);
    expect(wholeRunWindow([])).toEqual([0, 1]);
  });

  it('widens a dragged span to round ends', () => {
    expect(roundOut(5.091, 7.909)).toEqual([5, 8]);
    expect(roundOut(0.1234, 0.3456)).toEqual([0.12, 0.35]);
    expect(roundOut(12.5, 480.2)).toEqual([10, 490]);
  });

  it('reads and writes t= in the URL, the pod events being the default', () => {
    expect(parseZoom(undefined)).toEqual({ kind: 'pods' });
    expect(parseZoom('all')).toEqual({ kind: 'all' });
    expect(parseZoom('5-8.25')).toEqual({ kind: 'span', window: [5, 8.25] });
    expect(parseZoom('8-5')).toEqual({ kind: 'pods' });
    expect(parseZoom('x')).toEqual({ kind: 'pods' });
    expect(zoomParam({ kind: 'span', window: [0.12, 0.35] })).toBe('0.12-0.35');
    expect(zoomParam({ kind: 'all' })).toBe('all');
    expect(zoomParam({ kind: 'pods' })).toBeUndefined();
  });
});
