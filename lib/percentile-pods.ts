// Where the time goes at the p50, p90 and p99 of a build's pod startup: the
// pods whose total latency (start probe to end probe) is each percentile,
// split into their steps. The percentiles interpolate between the two pods
// around them (as the latency cards do), and so do the steps, so a bar's
// steps add up to the card's number.
import type { PodSegment, SlowPod } from './tracing';

export const PERCENTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
] as const;

export type PercentileName = (typeof PERCENTILES)[number][0];

export interface PercentilePod {
  pod: string;
  instance: number;
  totalMs: number;
  /** Its share of the interpolation: 1 when the percentile is this pod's total. */
  weight: number;
}

export interface PercentileBreakdown {
  at: PercentileName;
  /** The percentile of the pods' total latency, in ms. */
  totalMs: number;
  /** One pod, or the two the percentile lies between. */
  pods: PercentilePod[];
  /** Their steps in order, weighted as the pods are; they add up to totalMs. */
  segments: PodSegment[];
}

const stepKey = (s: { from: string; to: string }) => `${s.from}\u0000${s.to}`;

/** `pods`: every pod with both probes and its steps (slowestPods without a limit). */
export function breakdownAtPercentiles(pods: readonly SlowPod[]): PercentileBreakdown[] {
  if (!pods.length) return [];
  const sorted = [...pods].sort((a, b) => a.totalMs - b.totalMs || a.pod.localeCompare(b.pod) || a.instance - b.instance);
  return PERCENTILES.map(([at, p]) => {
    const h = (sorted.length - 1) * p;
    const i = Math.floor(h);
    const w = h - i;
    const around = w > 0 ? [{ pod: sorted[i], weight: 1 - w }, { pod: sorted[i + 1], weight: w }] : [{ pod: sorted[i], weight: 1 }];
    const steps = new Map<string, PodSegment>();
    for (const { pod, weight } of around) {
      for (const s of pod.segments) {
        const k = stepKey(s);
        const seen = steps.get(k);
        if (seen) seen.ms += s.ms * weight;
        else steps.set(k, { from: s.from, to: s.to, ms: s.ms * weight });
      }
    }
    return {
      at,
      totalMs: around.reduce((sum, a) => sum + a.pod.totalMs * a.weight, 0),
      pods: around.map((a) => ({ pod: a.pod.pod, instance: a.pod.instance, totalMs: a.pod.totalMs, weight: a.weight })),
      segments: [...steps.values()],
    };
  });
}
