// The overlay of the Comparison page: one stat of several selections as lines
// across the builds any of them ran in.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../lib/db/open';
import { overlaySelections } from '../../lib/queries/comparison';
import { freshDb } from '../helpers';
import { COS, JOB, TEST, UBUNTU, fillJob } from './fixture';

let db: DB;
beforeAll(() => {
  db = freshDb().db;
  fillJob(db);
});

describe('overlaySelections', () => {
  it('draws latency p99 by default, one value per selection at each build, null where a selection did not run', () => {
    const o = overlaySelections(db, { job: JOB, selections: [{ test: TEST, ...COS }, { test: TEST, ...UBUNTU }] });
    expect(o).toMatchObject({ metric: 'latency', stat: 'Perc99', title: 'Pod startup latency (ms)', unit: 'ms' });
    expect(o.builds.map((b) => [b.build, b.values])).toEqual([
      ['101', [3000, 1500]],
      ['102', [6000, 2100]],
      ['103', [18000, null]],
    ]);
    expect(o.choices.find((c) => c.metric === 'latency')?.stats).toEqual(['Perc50', 'Perc90', 'Perc99']);
  });

  it('draws the stat asked for over the range, and leaves a selection that does not resolve as nulls', () => {
    const o = overlaySelections(db, {
      job: JOB,
      selections: [{ test: 'no_such_test' }, { test: TEST, ...COS }],
      metric: 'latency',
      stat: 'Perc50',
      last: 2,
    });
    expect(o.builds.map((b) => [b.build, b.values])).toEqual([
      ['102', [null, 2000]],
      ['103', [null, 6000]],
    ]);
  });
});
