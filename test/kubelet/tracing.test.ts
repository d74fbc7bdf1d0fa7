import { describe, expect, it } from 'vitest';
import type { ProbeEvent } from '../../lib/model';
import { percentile, summarize } from '../../lib/stats';
import { segmentBreakdown, slowestPods, startupOrder, traceLatency } from '../../lib/tracing';
import { readFixture } from './helpers';

const T0 = 1_742_099_481_000_000;
const ev = (probe: string, pod: string | undefined, ms: number, instance = 0): ProbeEvent => ({
  probe,
  ...(pod !== undefined ? { pod } : {}),
  instance,
  time: T0 + ms * 1000,
  source: pod === undefined ? 'test' : 'kubelet',
});

describe('percentiles', () => {
  it('interpolates between closest ranks (R-7), p a fraction', () => {
    expect(percentile([5, 10, 100], 0.5)).toBe(10);
    expect(percentile([5, 10, 100], 0.9)).toBeCloseTo(82, 10);
    expect(percentile([5, 10, 100], 0.99)).toBeCloseTo(98.2, 10);
    expect(percentile([], 0.5)).toBeNull();
    expect(() => percentile([1, 2], 90)).toThrow(RangeError);
  });

  it('summarizes count, extremes, mean and percentiles', () => {
    expect(summarize([100, 5, 10, 25])).toEqual({
      count: 4,
      min: 5,
      max: 100,
      mean: 35,
      median: 17.5,
      p50: 17.5,
      p90: expect.closeTo(77.5, 10),
      p99: expect.closeTo(97.75, 10),
    });
    expect(summarize([])).toEqual({ count: 0, min: null, max: null, mean: null, median: null, p50: null, p90: null, p99: null });
  });
});

describe('traceLatency', () => {
  // Pod a is slow, b and c are fast: matching by sort order pairs a's start with b's end and hides that.
  const perPod = [
    ev('pod_config_change', 'ns/a', 0),
    ev('pod_config_change', 'ns/b', 10),
    ev('pod_config_change', 'ns/c', 20),
    ev('pod_status_running', 'ns/a', 100),
    ev('pod_status_running', 'ns/b', 15),
    ev('pod_status_running', 'ns/c', 30),
  ];

  it('matches per pod when both probes carry the pod', () => {
    const r = traceLatency(perPod, 'pod_config_change', 'pod_status_running');
    expect(r).toEqual({
      from: 'pod_config_change',
      to: 'pod_status_running',
      count: 3,
      missing: 0,
      negative: 0,
      matchedBy: 'pod',
      p50: 10,
      p90: expect.closeTo(82, 10),
      p99: expect.closeTo(98.2, 10),
    });
  });

  it('falls back to the i-th earliest with the i-th earliest where a probe has no pod, and says so', () => {
    const anonymousStart = perPod.map((e) => (e.probe === 'pod_config_change' ? ev('create', undefined, (e.time - T0) / 1000) : e));
    const r = traceLatency(anonymousStart, 'create', 'pod_status_running');
    // sorted starts 0, 10, 20 against sorted ends 15, 30, 100
    expect(r).toEqual({
      from: 'create',
      to: 'pod_status_running',
      count: 3,
      missing: 0,
      negative: 0,
      matchedBy: 'order',
      p50: 20,
      p90: expect.closeTo(68, 10),
      p99: expect.closeTo(78.8, 10),
    });
  });

  it('counts pods missing a probe and keeps negative latencies as they are', () => {
    const events = [
      ...perPod,
      ev('pod_config_change', 'ns/d', 40),
      ev('pod_status_running', 'ns/e', 50),
      ev('pod_config_change', 'ns/e', 58),
      ev('pod_status_running', 'ns/f', 60),
    ];
    const r = traceLatency(events, 'pod_config_change', 'pod_status_running');
    expect(r).toMatchObject({ count: 4, missing: 2, negative: 1, matchedBy: 'pod', p50: 7.5 });
  });

  it('keeps instances of one pod name apart', () => {
    const events = [ev('pod_config_change', 'ns/a', 0), ev('pod_status_running', 'ns/a', 50), ev('pod_config_change', 'ns/a', 1000, 1), ev('pod_status_running', 'ns/a', 1010, 1)];
    expect(traceLatency(events, 'pod_config_change', 'pod_status_running')).toMatchObject({ count: 2, p50: 30 });
  });

  it('traces a real log per pod', async () => {
    const r = await readFixture('structured-1.27.log');
    expect(traceLatency(r.events, 'pod_config_change', 'infra_container_start')).toEqual({
      from: 'pod_config_change',
      to: 'infra_container_start',
      count: 3,
      missing: 0,
      negative: 0,
      matchedBy: 'pod',
      // pod-0 723.61 ms, pod-1 830.398 ms, pod-0 re-created 499.999 ms
      p50: 723.61,
      p90: expect.closeTo(809.0404, 6),
      p99: expect.closeTo(828.26224, 6),
    });
  });
});

describe('segments and stragglers', () => {
  const events = [
    ev('pod_config_change', 'ns/a', 0),
    ev('runtime_manager', 'ns/a', 20),
    ev('pod_status_running', 'ns/a', 900),
    ev('pod_config_change', 'ns/b', 0),
    ev('runtime_manager', 'ns/b', 300),
    ev('pod_status_running', 'ns/b', 400),
    ev('pod_config_change', 'ns/c', 0),
    ev('runtime_manager', 'ns/c', 10),
    ev('pod_status_running', 'ns/c', 60),
  ];

  it('breaks startup into consecutive probe pairs in startup order', () => {
    const segs = segmentBreakdown(events, ['pod_status_running', 'pod_config_change', 'runtime_manager']);
    expect(segs.map((s) => [s.from, s.to, s.matchedBy, s.summary.count, s.summary.median, s.summary.max])).toEqual([
      ['pod_config_change', 'runtime_manager', 'pod', 3, 20, 300],
      ['runtime_manager', 'pod_status_running', 'pod', 3, 100, 880],
    ]);
  });

  it('places a custom probe by its median time', () => {
    const custom = [...events, ev('image_pulled', 'ns/a', 30), ev('image_pulled', 'ns/b', 320)];
    expect(startupOrder(['pod_status_running', 'image_pulled', 'pod_config_change', 'runtime_manager'], custom)).toEqual([
      'pod_config_change',
      'runtime_manager',
      'image_pulled',
      'pod_status_running',
    ]);
  });

  it('lists the slowest pods with the segment that dominated', () => {
    expect(slowestPods(events, 'pod_config_change', 'pod_status_running', 2)).toEqual([
      {
        pod: 'ns/a',
        instance: 0,
        totalMs: 900,
        segments: [
          { from: 'pod_config_change', to: 'runtime_manager', ms: 20 },
          { from: 'runtime_manager', to: 'pod_status_running', ms: 880 },
        ],
        dominant: { from: 'runtime_manager', to: 'pod_status_running', ms: 880 },
      },
      {
        pod: 'ns/b',
        instance: 0,
        totalMs: 400,
        segments: [
          { from: 'pod_config_change', to: 'runtime_manager', ms: 300 },
          { from: 'runtime_manager', to: 'pod_status_running', ms: 100 },
        ],
        dominant: { from: 'pod_config_change', to: 'runtime_manager', ms: 300 },
      },
    ]);
  });
});
