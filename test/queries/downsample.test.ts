// Long build windows are drawn from a downsample of real builds that keeps
// each stretch's extremes; comparisons aggregate every build.
import { describe, expect, it } from 'vitest';
import { writeBuild } from '../../ingest/load';
import { metricPanel } from '../../lib/queries/metrics';
import { buildRecord, freshDb, runRecord } from '../helpers';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';

function fill(values: number[]) {
  const { db } = freshDb();
  db.transaction(() =>
    values.forEach((v, i) =>
      writeBuild(
        db,
        buildRecord(i + 1, {
          contentHash: `h${i}`,
          runs: [runRecord({ items: [{ data: { Perc50: v / 2, Perc99: v }, unit: 'ms', labels: { datatype: 'latency' } }], probes: [], podStartups: [], resources: {} })],
        }),
      ),
    ),
  )();
  return db;
}

describe('metricPanel over a long window', () => {
  it('draws every build of a window that fits', () => {
    const db = fill([3, 1, 2]);
    const latency = metricPanel(db, { job: JOB, test: TEST, maxPoints: 10 }).charts[0];
    expect(latency.points.map((p) => p.stats.Perc99)).toEqual([3, 1, 2]);
    expect(latency.downsampledFrom).toBeNull();
  });

  it('keeps the lowest and highest build of each stretch, in build order, so a lone spike survives', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 100 + (i % 7));
    values[617] = 900;
    const db = fill(values);
    const latency = metricPanel(db, { job: JOB, test: TEST, maxPoints: 100 }).charts[0];
    expect(latency.downsampledFrom).toBe(1000);
    expect(latency.points.length).toBeLessThanOrEqual(100);
    const builds = latency.points.map((p) => p.build);
    expect(builds).toEqual([...builds].sort((a, b) => Number(a) - Number(b)));
    expect(latency.points.find((p) => p.build === '618')?.stats).toEqual({ Perc50: 450, Perc99: 900 });
    expect(latency.points.slice(0, 2).map((p) => [p.build, p.stats.Perc99])).toEqual([
      ['1', 100],
      ['7', 106],
    ]);
  });
});
