// The Tracing page's segment chart: for one build, the steps of the pods at
// the p50, p90 and p99 of the start-to-end latency, from the same events as
// the latency cards, so the bars add up to the cards.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import { breakdownAtPercentiles, type PercentileBreakdown } from '../percentile-pods';
import { slowestPods } from '../tracing';
import { runProbeEvents } from './probe-events';
import { resolveSelection, type Selection } from './selection';

export interface SegmentsQuery extends Selection {
  build: BuildId;
  from: string;
  to: string;
}

/** Empty when the run has no pod with both probes (a test-side probe carries no pod identity). */
export function segmentsAtPercentiles(db: DB, q: SegmentsQuery): PercentileBreakdown[] {
  const sel = resolveSelection(db, q);
  const run = db.prepare<[number, BuildId], { id: number }>('SELECT id FROM runs WHERE series_id = ? AND build = ?').get(sel.seriesId, q.build);
  if (!run) return [];
  const all = runProbeEvents(db, run.id);
  // One story at a time, as the Tracing page's slowest pods: log steps between log probes, span steps between span probes, both when the ends mix.
  const isSpan = (p: string) => all.some((e) => e.probe === p && e.source === 'span');
  const story = isSpan(q.from) && isSpan(q.to) ? 'span' : isSpan(q.from) || isSpan(q.to) ? 'both' : 'log';
  const events = story === 'both' ? all : all.filter((e) => (e.source === 'span') === (story === 'span'));
  return breakdownAtPercentiles(slowestPods(events, q.from, q.to, Infinity));
}
