import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../lib/db/open';
import { buildWindow } from '../../lib/queries/builds';
import { aggregate, compareSelections } from '../../lib/queries/comparison';
import { SelectionError } from '../../lib/queries/errors';
import { metricPanel } from '../../lib/queries/metrics';
import { jobOptions, pickSeries } from '../../lib/queries/options';
import { jobsOverview } from '../../lib/queries/overview';
import { resolveSelection } from '../../lib/queries/selection';
import { runSeries } from '../../lib/queries/series';
import { PROBE_ORIGINS, traceRun, tracingView } from '../../lib/queries/tracing';
import { freshDb } from '../helpers';
import { COS, JOB, T0, TEST, UBUNTU, fillJob } from './fixture';

/** Jenkins-era build numbers: no Prow page to link to. */
const NO_LINKS = { prow: null, artifacts: null };

let db: DB;
beforeAll(() => {
  db = freshDb().db;
  fillJob(db);
});

describe('buildWindow', () => {
  it('takes the last N builds of the series within the bounds', () => {
    const sel = resolveSelection(db, { job: JOB, test: TEST, ...COS });
    expect(buildWindow(db, sel, { last: 2 })).toEqual({ from: '102', to: '103', builds: 2, first: '101', last: '103', total: 3 });
    expect(buildWindow(db, sel, { to: '102', last: 1 })).toEqual({ from: '102', to: '102', builds: 1, first: '101', last: '103', total: 3 });
    expect(buildWindow(db, sel, {})).toMatchObject({ from: '101', to: '103', builds: 3 });
    expect(buildWindow(db, sel, { from: '200' })).toMatchObject({ from: null, to: null, builds: 0, total: 3 });
  });
});

describe('jobOptions and pickSeries', () => {
  it('lists each test with only the node configs it ran on', () => {
    const o = jobOptions(db, JOB);
    expect(o.tests.map((t) => t.name)).toEqual([TEST]);
    expect(o.tests[0].configs).toEqual([
      { ...COS, builds: 3, firstBuild: '101', lastBuild: '103' },
      { ...UBUNTU, builds: 2, firstBuild: '101', lastBuild: '102' },
    ]);
    expect(o.tests[0].options).toEqual({ kind: 'density', operation: 'create', mode: 'batch', pods: 105, backgroundPods: 0, intervalMs: 0 });
  });

  it('fills in a partial selection from what exists, and refuses one that does not', () => {
    const o = jobOptions(db, JOB);
    expect(pickSeries(o, {})?.config).toMatchObject(COS);
    expect(pickSeries(o, { test: TEST, image: UBUNTU.image })?.config).toMatchObject(UBUNTU);
    expect(pickSeries(o, { test: TEST, image: UBUNTU.image, machine: COS.machine })).toBeNull();
    expect(pickSeries(o, { test: 'resource_0' })).toBeNull();
  });
});

describe('metricPanel', () => {
  it('draws the default stats of each metric over the window', () => {
    const p = metricPanel(db, { job: JOB, test: TEST, ...COS, last: 2 });
    expect(p.window).toMatchObject({ from: '102', to: '103', builds: 2 });
    expect(p.description).toBe('create 105 pods with 0s interval [Benchmark]');
    const latency = p.charts.find((c) => c.metric === 'latency')!;
    expect(latency).toEqual({
      metric: 'latency',
      title: 'Pod startup latency (ms)',
      unit: 'ms',
      stats: ['Perc50', 'Perc90', 'Perc99'],
      points: [
        { build: '102', started: 1_700_215_000_000_000 + 102 * 3_600_000_000, version: null, result: 'SUCCESS', links: NO_LINKS, stats: { Perc50: 2000, Perc90: 4000, Perc99: 6000 } },
        { build: '103', started: 1_700_215_000_000_000 + 103 * 3_600_000_000, version: null, result: 'SUCCESS', links: NO_LINKS, stats: { Perc50: 6000, Perc90: 12000, Perc99: 18000 } },
      ],
      downsampledFrom: null,
    });
    expect(p.charts.find((c) => c.metric === 'kubelet_cpu')!.stats).toEqual(['Perc50', 'Perc90', 'Perc95']);
    expect(p.charts.find((c) => c.metric === 'runtime_memory')).toMatchObject({ unit: '', points: [] });
  });
});

describe('compareSelections', () => {
  it('aggregates each selection over its own window with its spread', () => {
    const c = compareSelections(db, {
      job: JOB,
      selections: [{ test: TEST, ...COS }, { test: TEST, ...UBUNTU }],
      aggregate: 'median',
    });
    const latency = c.charts.find((x) => x.metric === 'latency')!;
    expect(latency.values[0]!.Perc50).toEqual({ value: 2000, min: 1000, max: 6000, n: 3 });
    expect(latency.values[1]!.Perc50).toEqual({ value: 600, min: 500, max: 700, n: 2 });
    expect(c.selections[1].window).toMatchObject({ from: '101', to: '102', builds: 2 });
  });

  it('reports a selection that does not resolve in its slot and compares the rest', () => {
    const c = compareSelections(db, { job: JOB, selections: [{ test: TEST }, { test: TEST, ...COS }], aggregate: 'latest' });
    expect(c.selections[0].error).toMatch(/^test density_create_batch_105_0_0 ran on 2 node configs/);
    const latency = c.charts.find((x) => x.metric === 'latency')!;
    expect(latency.values[0]).toBeNull();
    expect(latency.values[1]!.Perc99).toEqual({ value: 18000, min: 3000, max: 18000, n: 3 });
  });

  it('averages, takes the median or the latest value', () => {
    expect(aggregate([1, 2, 6], 'avg')).toEqual({ value: 3, min: 1, max: 6, n: 3 });
    expect(aggregate([1, 2, 6, 7], 'median')).toEqual({ value: 4, min: 1, max: 7, n: 4 });
    expect(aggregate([5, 1], 'latest')).toEqual({ value: 1, min: 1, max: 5, n: 2 });
    expect(aggregate([], 'avg')).toBeNull();
  });
});

describe('runSeries', () => {
  it('counts pods per probe cumulatively from the first sample of the run', () => {
    const s = runSeries(db, { job: JOB, build: '101', test: TEST, ...COS });
    expect(s.t0).toBe(T0 - 1_000_000);
    expect(s.probes.map((l) => l.probe)).toEqual(['create', 'pod_config_change', 'infra_container_start', 'pod_running', 'running']);
    expect(s.probes[0]).toEqual({ probe: 'create', source: 'test', points: [[1, 1], [1.01, 2]] });
    expect(s.probes[3].points).toEqual([[1.505, 1], [1.815, 2]]);
    expect(s.resources).toEqual([
      { container: 'kubelet', cpuUnit: 'mCPU', memoryUnit: 'MB', points: [[0, 20, 50], [1, 80, 51], [2, 30, 52]] },
    ]);
    expect(s.runs).toEqual([{ test: TEST, ...COS }, { test: TEST, ...UBUNTU }]);
  });

  it("summarizes the kubelet's SLO durations without the flagged absurd value", () => {
    const s = runSeries(db, { job: JOB, build: '101', test: TEST, ...COS });
    expect(s.podStartups!.flagged).toBe(1);
    expect(s.podStartups!.slo).toMatchObject({ count: 2, min: 0.5, max: 0.8 });
    expect(s.podStartups!.slowest[0]).toEqual({ pod: 'density-test/pod-1', sloSeconds: 0.8, e2eSeconds: 0.9 });
  });

  it('names the runs to choose from when the selection matches none', () => {
    expect(() => runSeries(db, { job: JOB, build: '103', ...UBUNTU })).toThrow(SelectionError);
    expect(() => runSeries(db, { job: JOB, build: '999' })).toThrow('no build 999 in job ci-kubernetes-node-kubelet-benchmark');
  });
});

describe('traceRun and tracingView', () => {
  it('matches kubelet probes per pod and reports it', () => {
    const r = traceRun(db, { job: JOB, build: '103', test: TEST, ...COS, from: 'pod_config_change', to: 'pod_running' });
    expect(r).toEqual({
      from: 'pod_config_change',
      to: 'pod_running',
      count: 2,
      missing: 0,
      negative: 0,
      matchedBy: 'pod',
      p50: 750,
      p90: 950,
      p99: 995,
      build: '103',
      test: TEST,
      image: COS.image,
      machine: COS.machine,
      reversed: false,
    });
  });

  it('pairs test-side probes by order', () => {
    const r = traceRun(db, { job: JOB, build: '101', test: TEST, ...COS, from: 'create', to: 'running' });
    expect(r).toMatchObject({ count: 2, missing: 0, matchedBy: 'order', p50: 745, p90: 861, p99: 887.1 });
  });

  it('defaults to the first and last kubelet probes and lists the probes never seen with what logs them', () => {
    const v = tracingView(db, { job: JOB, test: TEST, ...COS, range: { last: 50 } });
    expect([v.from, v.to]).toEqual(['pod_config_change', 'pod_running']);
    expect(v.acrossBuilds.map((b) => [b.build, b.p50])).toEqual([['101', 650], ['102', 650], ['103', 750]]);
    expect(v.build).toBe('103');
    expect(v.segments.map((s) => [s.from, s.to, s.summary.p50])).toEqual([
      ['pod_config_change', 'infra_container_start', 600],
      ['infra_container_start', 'pod_running', 150],
    ]);
    expect(v.slowest[0]).toMatchObject({ pod: 'density-test/pod-1', totalMs: 1000, dominant: { from: 'pod_config_change', to: 'infra_container_start', ms: 800 } });
    expect(v.unseen.map((u) => u.probe)).toEqual(['runtime_manager', 'container_start', 'pod_status_running', 'watch_observed_running']);
    expect(v.unseen[0].origin).toBe(PROBE_ORIGINS.runtime_manager);
  });

  it('breaks down the build asked for, and refuses one the series does not have', () => {
    const v = tracingView(db, { job: JOB, test: TEST, ...UBUNTU, from: 'pod_config_change', to: 'pod_running', build: '101' });
    expect(v.build).toBe('101');
    expect(v.acrossBuilds.map((b) => b.build)).toEqual(['101', '102']);
    expect(() => tracingView(db, { job: JOB, test: TEST, ...UBUNTU, build: '103' })).toThrow(SelectionError);
  });
});

describe('jobsOverview', () => {
  it('flags a job whose last build is older than three usual gaps and a day', () => {
    const latest = 1_700_215_000_000_000 + 103 * 3_600_000_000;
    const fresh = jobsOverview(db, latest + 3_600_000_000)[0];
    expect(fresh).toMatchObject({ job: JOB, builds: 3, ageUs: 3_600_000_000, typicalGapUs: 3_600_000_000, stale: false });
    expect(fresh.recent).toEqual([
      { number: '101', result: 'SUCCESS', version: null },
      { number: '102', result: 'SUCCESS', version: null },
      { number: '103', result: 'SUCCESS', version: null },
    ]);
    expect(jobsOverview(db, latest + 25 * 3_600_000_000)[0].stale).toBe(true);
  });
});
