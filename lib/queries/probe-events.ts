// A run's probe events as the queries read them back: the row of
// probe_events and the ProbeEvent it stands for, in time order. Tracing, its
// segment chart and the pod view all start from these.
import type { DB } from '../db/open';
import type { ProbeEvent, ProbeSource } from '../model';

export interface ProbeEventRow {
  probe: string;
  pod: string | null;
  uid: string | null;
  instance: number;
  t_us: number;
  source: ProbeSource;
}

export const toProbeEvent = (r: ProbeEventRow): ProbeEvent => ({
  probe: r.probe,
  ...(r.pod === null ? {} : { pod: r.pod }),
  ...(r.uid === null ? {} : { uid: r.uid }),
  instance: r.instance,
  time: r.t_us,
  source: r.source,
});

/** The events of a run, or only those of two probes, in time order. */
export function runProbeEvents(db: DB, runId: number, probes?: readonly [string, string]): ProbeEvent[] {
  const rows = probes
    ? db
        .prepare<[number, string, string], ProbeEventRow>(
          'SELECT probe, pod, uid, instance, t_us, source FROM probe_events WHERE run_id = ? AND probe IN (?, ?) ORDER BY t_us',
        )
        .all(runId, probes[0], probes[1])
    : db
        .prepare<[number], ProbeEventRow>('SELECT probe, pod, uid, instance, t_us, source FROM probe_events WHERE run_id = ? ORDER BY t_us')
        .all(runId);
  return rows.map(toProbeEvent);
}
