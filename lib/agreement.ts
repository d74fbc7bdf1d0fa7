// Do the kubelet's log and its spans tell the same story? For each pair of
// SPAN_LOG_COUNTERPARTS (a span probe and the log probe telling of the same
// moment), a pod's difference log minus span, and across a run the median
// and p90 of its absolute value. The log side is expected later by the
// kubelet's reaction time (PLEG relists every second), so the difference is
// kept signed per pod; only the run's summary folds it.
import { SPAN_LOG_COUNTERPARTS, type KnownProbe, type Micros, type ProbeEvent, type SpanProbe } from './model';
import { percentile, sortedAscending } from './stats';

/** The pairs, span probe first, in the order of SPAN_LOG_COUNTERPARTS. */
export const AGREEMENT_PAIRS: readonly { span: SpanProbe; log: KnownProbe }[] = Object.entries(SPAN_LOG_COUNTERPARTS).map(([span, log]) => ({
  span: span as SpanProbe,
  log: log as KnownProbe,
}));

export interface PodAgreement {
  span: SpanProbe;
  log: KnownProbe;
  spanTime: Micros;
  logTime: Micros;
  /** Log minus span, milliseconds: positive when the log line came later. */
  diffMs: number;
}

export interface RunAgreement {
  span: SpanProbe;
  log: KnownProbe;
  /** Pods with both probes. */
  pods: number;
  /** Of |log - span|, milliseconds; null without pods. */
  medianMs: number | null;
  p90Ms: number | null;
  /** Pods whose log probe came before the span probe. */
  logFirst: number;
}

const key = (e: ProbeEvent) => `${e.pod}#${e.instance}`;

/** The first time of `probe` from `source`, per pod instance. */
function firsts(events: readonly ProbeEvent[], probe: string, source: ProbeEvent['source']): Map<string, Micros> {
  const out = new Map<string, Micros>();
  for (const e of events) {
    if (e.probe !== probe || e.source !== source || e.pod === undefined) continue;
    const seen = out.get(key(e));
    if (seen === undefined || e.time < seen) out.set(key(e), e.time);
  }
  return out;
}

/** The pairs both sources have for one pod instance (events of that pod only). */
export function podAgreement(events: readonly ProbeEvent[]): PodAgreement[] {
  return runDiffs(events).flatMap(({ span, log, diffs }) => diffs.map((d) => ({ span, log, ...d })));
}

/** Every pair across the pods of a run, summarized. */
export function runAgreement(events: readonly ProbeEvent[]): RunAgreement[] {
  return runDiffs(events).map(({ span, log, diffs }) => {
    const abs = sortedAscending(diffs.map((d) => Math.abs(d.diffMs)));
    return {
      span,
      log,
      pods: diffs.length,
      medianMs: percentile(abs, 0.5),
      p90Ms: percentile(abs, 0.9),
      logFirst: diffs.filter((d) => d.diffMs < 0).length,
    };
  });
}

function runDiffs(events: readonly ProbeEvent[]) {
  return AGREEMENT_PAIRS.map(({ span, log }) => {
    const spans = firsts(events, span, 'span');
    const logs = firsts(events, log, 'kubelet');
    const diffs: { spanTime: Micros; logTime: Micros; diffMs: number }[] = [];
    for (const [k, spanTime] of spans) {
      const logTime = logs.get(k);
      if (logTime !== undefined) diffs.push({ spanTime, logTime, diffMs: (logTime - spanTime) / 1000 });
    }
    return { span, log, diffs };
  });
}
