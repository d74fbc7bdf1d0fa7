// The overview's SLO verdict and recent regressions per job.
import { describe, expect, it } from 'vitest';
import { Random } from '../../ingest/demo/random';
import { ingestBuilds } from '../../ingest/ingest';
import { writeBuild } from '../../ingest/load';
import { jobsOverview } from '../../lib/queries/overview';
import { refreshChangePoints } from '../../lib/queries/regressions';
import { DEFAULT_SLOS } from '../../lib/slo';
import { buildRecord, freshDb, runRecord } from '../helpers';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';

function build(n: number, rnd: Random) {
  const p99 = (n >= 25 ? 5600 : 3300) * (1 + rnd.normal(0, 0.02));
  return buildRecord(n, {
    contentHash: `h${n}`,
    runs: [
      runRecord({
        items: [
          { data: { Perc50: 1800 * (1 + rnd.normal(0, 0.02)), Perc90: 2900, Perc99: p99 }, unit: 'ms', labels: { datatype: 'latency' } },
          { data: { Perc05: (n >= 25 ? 30 : 12) + rnd.normal(0, 0.2), Perc50: 21 + rnd.normal(0, 0.3) }, unit: 'mCPU', labels: { datatype: 'resource', container: 'kubelet', resource: 'cpu' } },
        ],
        probes: [],
        podStartups: [],
        resources: {},
      }),
    ],
  });
}

describe('jobsOverview with SLO rules', () => {
  it('says which SLO the newest build violates and lists the recent regressions, charted stats first', () => {
    const { db } = freshDb();
    const rnd = new Random(11);
    for (let n = 1; n <= 30; n++) writeBuild(db, build(n, rnd));
    refreshChangePoints(db, JOB);
    const [job] = jobsOverview(db, 1_800_000_000_000_000, DEFAULT_SLOS);
    expect(job.slo).toEqual({ job: JOB, build: '30', ok: false, checked: 1, violations: 1 });
    expect(job.regressions.map((r) => [r.metric, r.stat, r.build, r.regression])).toEqual([
      ['latency', 'Perc99', '25', true],
      ['kubelet_cpu', 'Perc05', '25', true],
    ]);
    expect(job.regressions[0].change).toBeGreaterThan(0.6);
  });

  it('has no verdict without rules and no regressions on a steady job', async () => {
    const { db } = freshDb();
    const rnd = new Random(12);
    for (let n = 1; n <= 12; n++) writeBuild(db, build(n, rnd));
    await ingestBuilds(db, []);
    const [job] = jobsOverview(db, 1_800_000_000_000_000);
    expect(job.slo).toBeNull();
    expect(job.regressions).toEqual([]);
  });
});
