// The Tracing page's segment chart for one build: the steps of the pods at
// the p50/p90/p99 of the latency, linked to their pages; when no pod can be
// followed from start to end (test-side probes), the mean of each step.
import type { PercentileBreakdown } from '@/lib/percentile-pods';
import type { SegmentSummary } from '@/lib/tracing';
import type { BuildId } from '@/lib/build-id';
import SegmentChart from './SegmentChart';
import { href, podPath } from '@/app/params';

export interface SegmentBreakdownProps {
  job: string;
  build: BuildId;
  sel: { test: string; image: string; machine: string };
  from: string;
  to: string;
  atPercentiles: PercentileBreakdown[];
  /** Each step's summary over the build's pods, for the means. */
  steps: SegmentSummary[];
}

export default function SegmentBreakdown({ job, build, sel, from, to, atPercentiles, steps }: SegmentBreakdownProps) {
  if (atPercentiles.length) {
    const rows = atPercentiles.map((b) => ({
      label: b.at,
      totalMs: b.totalMs,
      segments: b.segments,
      pods: b.pods.map((p) => ({ ...p, href: href(podPath(job, build, p.pod), { ...sel, instance: p.instance || undefined }) })),
    }));
    return <SegmentChart kind="percentile-pods" from={from} to={to} rows={rows} />;
  }
  if (!steps.length) return null;
  const segments = steps.map((s) => ({ from: s.from, to: s.to, ms: s.summary.mean ?? 0 }));
  return (
    <SegmentChart kind="mean" from={from} to={to} rows={[{ label: 'mean', totalMs: segments.reduce((a, s) => a + s.ms, 0), pods: [], segments }]} />
  );
}
