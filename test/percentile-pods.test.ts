// The pods at the p50, p90 and p99 of a build's pod startup and their steps:
// the steps add up to the percentile the latency cards show (d3's
// interpolating quantile, as lib/stats), one pod when it sits on the
// percentile, two weighted when it lies between them.
import { describe, expect, it } from 'vitest';
import { breakdownAtPercentiles } from '../lib/percentile-pods';
import { percentile, sortedAscending } from '../lib/stats';
import type { SlowPod } from '../lib/tracing';

/** A pod whose config change takes `a` ms and its sandbox `b` ms. */
function pod(i: number, a: number, b: number): SlowPod {
  const segments = [
    { from: 'pod_config_change', to: 'infra_container_start', ms: a },
    { from: 'infra_container_start', to: 'pod_running', ms: b },
  ];
  return { pod: `density-test/pod-${i}`, instance: 0, totalMs: a + b, segments, dominant: segments[a >= b ? 0 : 1] };
}

describe('breakdownAtPercentiles', () => {
  it('takes the pod on the percentile when there is one: the median of 11 pods is the 6th', () => {
    const pods = Array.from({ length: 11 }, (_, i) => pod(i, 100 + i * 10, 400));
    const [p50] = breakdownAtPercentiles(pods);
    expect(p50).toEqual({
      at: 'p50',
      totalMs: 550,
      pods: [{ pod: 'density-test/pod-5', instance: 0, totalMs: 550, weight: 1 }],
      segments: [
        { from: 'pod_config_change', to: 'infra_container_start', ms: 150 },
        { from: 'infra_container_start', to: 'pod_running', ms: 400 },
      ],
    });
  });

  it('weighs the two pods around a percentile as the cards do, so the steps add up to the card', () => {
    const pods = Array.from({ length: 105 }, (_, i) => pod(i, 200 + ((i * 37) % 101), 1000 + i * 20));
    const totals = sortedAscending(pods.map((p) => p.totalMs));
    const rows = breakdownAtPercentiles(pods);
    expect(rows.map((r) => r.at)).toEqual(['p50', 'p90', 'p99']);
    for (const [row, p] of [[rows[0], 0.5], [rows[1], 0.9], [rows[2], 0.99]] as const) {
      expect(row.totalMs).toBeCloseTo(percentile(totals, p)!, 9);
      expect(row.segments.reduce((a, s) => a + s.ms, 0)).toBeCloseTo(row.totalMs, 9);
    }
    // (105 - 1) * 0.99 = 102.96: the 103rd and 104th pods by total, weighted 0.04 and 0.96.
    expect(rows[2].pods.map((p) => [p.totalMs, Number(p.weight.toFixed(2))])).toEqual([
      [totals[102], 0.04],
      [totals[103], 0.96],
    ]);
  });

  it('keeps a step only one of the two pods took', () => {
    const odd: SlowPod = { ...pod(1, 300, 500), segments: [{ from: 'pod_config_change', to: 'pod_running', ms: 800 }], totalMs: 800 };
    const [p50] = breakdownAtPercentiles([pod(0, 100, 500), odd]);
    expect(p50.totalMs).toBe(700);
    expect(p50.segments).toEqual([
      { from: 'pod_config_change', to: 'infra_container_start', ms: 50 },
      { from: 'infra_container_start', to: 'pod_running', ms: 250 },
      { from: 'pod_config_change', to: 'pod_running', ms: 400 },
    ]);
  });

  it('has nothing to show without pods', () => {
    expect(breakdownAtPercentiles([])).toEqual([]);
  });
});
