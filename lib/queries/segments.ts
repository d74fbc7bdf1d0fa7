// The Tracing page's segment chart: for one build, the steps of the pods at
// the p50, p90 and p99 of the start-to-end latency, from the same events as
// the latency cards, so the bars add up to the cards.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import type { ProbeEvent, ProbeSource } from '../model';
import { breakdownAtPercentiles, type PercentileBreakdown } from '../percentile-pods';
import { slowestPods } from '../tracing';
import { resolveSelection, type Selection } from './selection';

export interface SegmentsQuery extends Selection {
  build: BuildId;
  from: string;
  to: string;
}

interface EventRow {
  probe: string;
  pod: string | null;
  uid: string | null;
  instance: number;
  t_us: number;
  source: ProbeSource;
}

/** Empty when the run has no pod with both probes (a test-side probe carries no pod identity). */
export function segmentsAtPercentiles(db: DB, q: SegmentsQuery): PercentileBreakdown[] {
  const sel = resolveSelection(db, q);
  const run = db.prepare<[number, BuildId], { id: number }>('SELECT id FROM runs WHERE series_id = ? AND build = ?').get(sel.seriesId, q.build);
  if (!run) return [];
  const rows = db
    .prepare<[number], EventRow>('SELECT probe, pod, uid, instance, t_us, source FROM probe_events WHERE run_id = ? ORDER BY t_us')
    .all(run.id);
  const all: ProbeEvent[] = rows.map((r) => ({
    probe: r.probe,
    ...(r.pod === null ? {} : { pod: r.pod }),
    ...(r.uid === null ? {} : { uid: r.uid }),
    instance: r.instance,
    time: r.t_us,
    source: r.source,
  }));
  // One story at a time, as the Tracing page's slowest pods: log steps between log probes, span steps between span probes, both when the ends mix.
  const isSpan = (p: string) => all.some((e) => e.probe === p && e.source === 'span');
  const story = isSpan(q.from) && isSpan(q.to) ? 'span' : isSpan(q.from) || isSpan(q.to) ? 'both' : 'log';
  const events = story === 'both' ? all : all.filter((e) => (e.source === 'span') === (story === 'span'));
  return breakdownAtPercentiles(slowestPods(events, q.from, q.to, Infinity));
}
