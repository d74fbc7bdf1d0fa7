import { describe, expect, it } from 'vitest';
import { writeBuild, BuildConflictError } from '../../ingest/load';
import { listBuilds } from '../../lib/queries/builds';
import { metricSeries } from '../../lib/queries/metrics';
import { buildRecord, count, freshDb, runRecord } from '../helpers';

describe('writeBuild', () => {
  it('writes a build with its runs, metrics, stats, resource points, probe events and pod startups', () => {
    const { db } = freshDb();
    const res = writeBuild(db, buildRecord(1201));
    expect(res.outcome).toBe('inserted');
    expect(count(db, 'builds')).toBe(1);
    expect(count(db, 'runs')).toBe(1);
    expect(count(db, 'metrics')).toBe(2);
    expect(count(db, 'metric_stats')).toBe(6);
    expect(count(db, 'resource_points')).toBe(2);
    expect(count(db, 'probe_events')).toBe(2);
    expect(count(db, 'pod_startups')).toBe(1);
    expect(res.rows).toBe(1 + 1 + 2 + 6 + 2 + 2 + 2 + 1);
    expect(count(db, 'chart_points')).toBe(2);
    const series = metricSeries(db, { job: 'ci-kubernetes-node-kubelet-benchmark', test: 'density_create_batch_105_0_0', metric: 'latency' });
    expect(series).toEqual({
      unit: 'ms',
      series: [{ build: '1201', started: 1_700_215_000_000_000 + 1201 * 3_600_000_000, stats: { Perc50: 1843.2, Perc90: 2950.1, Perc99: 3310.7, Perc100: 3402 } }],
    });
  });

  it('is a no-op for the same content', () => {
    const { db } = freshDb();
    const first = writeBuild(db, buildRecord(1201));
    const again = writeBuild(db, buildRecord(1201));
    expect(again).toEqual({ outcome: 'unchanged', buildId: first.buildId, rows: 0 });
    expect(count(db, 'runs')).toBe(1);
  });

  it('replaces a build whose content changed, leaving nothing of the old one', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord(1201));
    const changed = buildRecord(1201, {
      contentHash: 'hash-1201-b',
      runs: [runRecord({ items: [{ data: { Perc50: 2000, Perc90: 3000, Perc99: 4000 }, unit: 'ms', labels: { datatype: 'latency' } }], probes: [], podStartups: [], resources: {} })],
    });
    expect(writeBuild(db, changed).outcome).toBe('replaced');
    expect(count(db, 'builds')).toBe(1);
    expect(count(db, 'metric_stats')).toBe(3);
    expect(count(db, 'chart_points')).toBe(1);
    expect(count(db, 'probe_events')).toBe(0);
    expect(count(db, 'resource_points')).toBe(0);
  });

  it('rewrites unchanged content when forced, as a reingest after a parser fix does', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord(1201));
    const forced = writeBuild(db, buildRecord(1201), { force: true });
    expect(forced.outcome).toBe('replaced');
    expect(count(db, 'builds')).toBe(1);
    expect(count(db, 'metric_stats')).toBe(6);
  });

  it('refuses changed content without replace=true', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord(1201));
    expect(() => writeBuild(db, buildRecord(1201, { contentHash: 'other' }), { replace: false })).toThrow(BuildConflictError);
    expect(count(db, 'metric_stats')).toBe(6);
  });

  it('writes nothing of a build that fails half way, and keeps the build it would have replaced', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord(1201));
    const broken = buildRecord(1201, {
      contentHash: 'hash-broken',
      runs: [runRecord(), runRecord({ test: 'resource_10', probes: [{ probe: 'create', instance: 0, time: 1, source: 'bogus' as 'test' }] })],
    });
    expect(() => writeBuild(db, broken)).toThrow(/CHECK constraint/);
    expect(count(db, 'builds')).toBe(1);
    expect(count(db, 'runs')).toBe(1);
    expect((db.prepare('SELECT content_hash FROM builds').get() as { content_hash: string }).content_hash).toBe('hash-1201');
  });

  it('writes nothing of a failed build into the next one', () => {
    const { db } = freshDb();
    const broken = buildRecord(1201, {
      runs: [runRecord(), runRecord({ test: 'resource_10', probes: [{ probe: 'create', instance: 0, time: 1, source: 'bogus' as 'test' }] })],
    });
    expect(() => writeBuild(db, broken)).toThrow(/CHECK constraint/);
    writeBuild(db, buildRecord(1202));
    expect(count(db, 'probe_events')).toBe(2);
    expect(count(db, 'metric_stats')).toBe(6);
    expect(count(db, 'pod_startups')).toBe(1);
  });

  it('writes every row of runs with more rows than one statement holds, each run\'s probe events in probe and time order', () => {
    const { db } = freshDb();
    const t0 = 1_700_215_100_000_000;
    const probes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ probe: i % 2 ? 'running' : 'create', pod: `p/pod-${i}`, uid: `u-${i}`, instance: 0, time: t0 + (n - i) * 1000, source: 'kubelet' as const }));
    const runs = [runRecord({ probes: probes(100) }), runRecord({ test: 'resource_10', probes: probes(70) })];
    const res = writeBuild(db, buildRecord(1201, { runs }));
    expect(res.rows).toBe(1 + 2 * (1 + 2 + 6 + 2 + 2 + 1) + 170);
    const rows = db.prepare('SELECT run_id, probe, t_us FROM probe_events ORDER BY id').raw().all() as [number, string, number][];
    expect(rows).toHaveLength(170);
    const sorted = [...rows].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]));
    expect(rows).toEqual(sorted);
    expect(count(db, 'pod_startups')).toBe(2);
  });

  it('keeps a second item for the same plot but plots only the first', () => {
    const { db } = freshDb();
    const r = runRecord();
    r.items.push({ data: { Perc50: 1, Perc90: 2, Perc99: 3 }, unit: 'ms', labels: { datatype: 'latency', latencytype: 'create-pod' } });
    writeBuild(db, buildRecord(7, { runs: [r] }));
    expect(count(db, 'metrics')).toBe(3);
    const s = metricSeries(db, { job: 'ci-kubernetes-node-kubelet-benchmark', test: r.test, metric: 'latency' });
    expect(s.series[0].stats.Perc50).toBe(1843.2);
  });

  it('lists builds in build order with runs and warnings', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord(12));
    writeBuild(db, buildRecord(3, { report: { files: [], warnings: [{ file: 'build-log.txt', line: 40, message: 'cut short' }], runs: 1, metrics: 2, probeEvents: 2 } }));
    expect(listBuilds(db, 'ci-kubernetes-node-kubelet-benchmark').map((b) => [b.number, b.runs, b.warnings])).toEqual([
      ['3', 1, 1],
      ['12', 1, 0],
    ]);
  });
});
