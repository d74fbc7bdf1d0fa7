// Change points kept up to date as builds are appended one at a time (only the
// newest builds re-analysed) equal those of a full analysis of the history.
import { describe, expect, it } from 'vitest';
import { Random } from '../ingest/demo/random';
import { writeBuild } from '../ingest/load';
import { listRegressions, refreshChangePoints } from '../lib/queries/regressions';
import { buildRecord, freshDb, runRecord } from './helpers';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';

function build(n: number, rnd: Random) {
  const level = n >= 230 ? 2300 : n >= 90 ? 1500 : 1800;
  const p50 = level * (1 + rnd.normal(0, 0.03));
  return buildRecord(n, {
    contentHash: `h${n}`,
    runs: [
      runRecord({
        items: [{ data: { Perc50: p50, Perc99: p50 * 1.6 }, unit: 'ms', labels: { datatype: 'latency', latencytype: 'create-pod' } }],
        probes: [],
        podStartups: [],
        resources: {},
      }),
    ],
  });
}

describe('refreshChangePoints as builds arrive', () => {
  it('re-analyses only the newest builds and agrees with a full analysis', () => {
    const rnd = new Random(3);
    const { db } = freshDb();
    for (let n = 1; n <= 200; n++) writeBuild(db, build(n, rnd));
    refreshChangePoints(db, JOB);
    for (let n = 201; n <= 260; n++) {
      writeBuild(db, build(n, rnd));
      refreshChangePoints(db, JOB);
    }
    const incremental = listRegressions(db, JOB);
    db.prepare('DELETE FROM change_point_state').run();
    refreshChangePoints(db, JOB);
    const full = listRegressions(db, JOB);

    expect(full.map((c) => [c.build, c.stat, c.regression])).toEqual([
      ['230', 'Perc50', true],
      ['230', 'Perc99', true],
      ['90', 'Perc50', false],
      ['90', 'Perc99', false],
    ]);
    // Sums over other windows round differently in the last digits of p.
    const rounded = (cs: typeof full) => cs.map((c) => ({ ...c, pValue: Number(c.pValue.toPrecision(9)) }));
    expect(rounded(incremental)).toEqual(rounded(full));
  });
});
