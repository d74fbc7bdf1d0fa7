// One colour per meaning across pages: no colour stands for two things, and
// probes that follow each other in a pod's startup are far apart in colour.
import { describe, expect, it } from 'vitest';
import { CONTAINER_COLORS, PROBE_COLORS, STAT_COLORS, probeStroke, statColor } from '../app/components/palette';

/** Distance of two colours in RGB, 0 to about 441. */
function distance(a: string, b: string): number {
  const rgb = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const [x, y] = [rgb(a), rgb(b)];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

describe('palette', () => {
  it('gives every meaning its own colour; only a percentile and its short name share one', () => {
    const meanings = new Map<string, string>();
    const alias = (k: string) => k.replace(/^Perc(\d+)$/, 'p$1');
    for (const [k, c] of [...Object.entries(STAT_COLORS), ...Object.entries(PROBE_COLORS), ...Object.entries(CONTAINER_COLORS)]) {
      const seen = meanings.get(c);
      expect(seen === undefined || seen === alias(k), `${c}: ${seen} and ${k}`).toBe(true);
      meanings.set(c, alias(k));
    }
    expect(statColor('Perc99')).toBe(statColor('p99'));
  });

  it('tells kubelet from runtime, memory from rss from workingset, p50 from p90 from p99', () => {
    for (const [a, b] of [
      [CONTAINER_COLORS.kubelet, CONTAINER_COLORS.runtime],
      [STAT_COLORS.memory, STAT_COLORS.rss],
      [STAT_COLORS.rss, STAT_COLORS.workingset],
      [STAT_COLORS.memory, STAT_COLORS.workingset],
      [STAT_COLORS.p50, STAT_COLORS.p90],
      [STAT_COLORS.p90, STAT_COLORS.p99],
    ]) {
      expect(distance(a, b)).toBeGreaterThan(80);
    }
  });

  it('keeps neighbouring probes apart, and draws create wide and dashed so pod_config_change cannot hide it', () => {
    expect(distance(PROBE_COLORS.pod_config_change, PROBE_COLORS.runtime_manager)).toBeGreaterThan(150);
    expect(distance(PROBE_COLORS.create, PROBE_COLORS.pod_config_change)).toBeGreaterThan(150);
    expect(probeStroke('create')).toEqual({ stroke: PROBE_COLORS.create, strokeWidth: 4, strokeDasharray: '7 3' });
    expect(probeStroke('pod_config_change')).toEqual({ stroke: PROBE_COLORS.pod_config_change, strokeWidth: 1.8, strokeDasharray: undefined });
  });
});
