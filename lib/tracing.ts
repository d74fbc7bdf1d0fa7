// Tracing latency between two probes (FORMATS.md section 7): per pod where
// both probes carry pod identity, by sort order only where one does not
// (test-side `create`/`running`), and the result says which it did. Pods with
// one probe but not the other are counted as missing; negative differences
// are counted and kept, never folded by abs().
import type { Micros, ProbeEvent } from './model';
import { percentile, sortedAscending, summarize, type Summary } from './stats';
import { median } from 'd3-array';

/**
 * Log probes (PROBES) and span probes (SPAN_PROBES) in pod startup order,
 * each span probe beside the log probe of the same step: the sync starts after
 * SyncLoop ADD; "No sandbox" is logged inside it before RunPodSandbox; PLEG
 * reports a started sandbox or container after its CRI call returned; the pod
 * is marked running by a later sync. Custom NodeTracing probes are placed by
 * time (see startupOrder).
 */
export const STARTUP_ORDER: readonly string[] = [
  'create',
  'pod_config_change',
  'sync_start',
  'runtime_manager',
  'sandbox_start',
  'sandbox_ready',
  'infra_container_start',
  'image_pulled',
  'container_created',
  'container_started_first',
  'container_start',
  'container_started_last',
  'sync_done',
  'pod_running',
  'pod_status_running',
  'watch_observed_running',
  'running',
];

export type MatchedBy = 'pod' | 'order';

export interface TraceResult {
  from: string;
  to: string;
  count: number;
  missing: number;
  negative: number;
  matchedBy: MatchedBy;
  /** Milliseconds; null when count is 0. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface SegmentSummary {
  from: string;
  to: string;
  matchedBy: MatchedBy;
  missing: number;
  negative: number;
  /** Durations in milliseconds. */
  summary: Summary;
}

export interface PodSegment {
  from: string;
  to: string;
  ms: number;
}

export interface SlowPod {
  pod: string;
  uid?: string;
  instance: number;
  totalMs: number;
  /** Consecutive probes of this pod between `from` and `to`, in time order. */
  segments: PodSegment[];
  /** The longest segment: where the time went. */
  dominant: PodSegment | null;
}

interface Pairing {
  matchedBy: MatchedBy;
  durationsMs: number[];
  missing: number;
}

const podKey = (e: ProbeEvent): string => `${e.pod}#${e.instance}`;

/** Earliest time of one probe per pod instance. */
function firstPerPod(events: readonly ProbeEvent[], probe: string): Map<string, ProbeEvent> {
  const out = new Map<string, ProbeEvent>();
  for (const e of events) {
    if (e.probe !== probe || e.pod === undefined) continue;
    const k = podKey(e);
    const seen = out.get(k);
    if (!seen || e.time < seen.time) out.set(k, e);
  }
  return out;
}

function pair(events: readonly ProbeEvent[], from: string, to: string): Pairing {
  const anonymous = events.some((e) => (e.probe === from || e.probe === to) && e.pod === undefined);
  if (anonymous) {
    const a = sortedAscending(events.filter((e) => e.probe === from).map((e) => e.time));
    const b = sortedAscending(events.filter((e) => e.probe === to).map((e) => e.time));
    const n = Math.min(a.length, b.length);
    const durationsMs: number[] = [];
    for (let i = 0; i < n; i++) durationsMs.push((b[i] - a[i]) / 1000);
    return { matchedBy: 'order', durationsMs, missing: Math.abs(a.length - b.length) };
  }
  const a = firstPerPod(events, from);
  const b = firstPerPod(events, to);
  const durationsMs: number[] = [];
  let missing = 0;
  for (const [k, ea] of a) {
    const eb = b.get(k);
    if (eb) durationsMs.push((eb.time - ea.time) / 1000);
    else missing++;
  }
  for (const k of b.keys()) if (!a.has(k)) missing++;
  return { matchedBy: 'pod', durationsMs, missing };
}

/** Latency from probe `from` to probe `to`, percentiles in milliseconds. */
export function traceLatency(events: readonly ProbeEvent[], from: string, to: string): TraceResult {
  const { matchedBy, durationsMs, missing } = pair(events, from, to);
  const sorted = sortedAscending(durationsMs);
  return {
    from,
    to,
    count: sorted.length,
    missing,
    negative: sorted.filter((d) => d < 0).length,
    matchedBy,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
  };
}

/**
 * Orders probes as a pod goes through them: known probes by STARTUP_ORDER;
 * a custom probe goes before the first known probe whose median time is
 * later than its own (at the end when it has no events).
 */
export function startupOrder(probes: readonly string[], events: readonly ProbeEvent[]): string[] {
  const unique = [...new Set(probes)];
  const medianOf = (p: string): Micros | undefined => median(events.filter((e) => e.probe === p), (e) => e.time);
  const known = unique
    .filter((p) => STARTUP_ORDER.includes(p))
    .sort((a, b) => STARTUP_ORDER.indexOf(a) - STARTUP_ORDER.indexOf(b));
  const order = [...known];
  for (const custom of unique.filter((p) => !STARTUP_ORDER.includes(p))) {
    const m = medianOf(custom);
    const before = m === undefined ? -1 : order.findIndex((p) => known.includes(p) && (medianOf(p) ?? -Infinity) > m);
    if (before === -1) order.push(custom);
    else order.splice(before, 0, custom);
  }
  return order;
}

/** For each consecutive pair of `probes` in startup order, the per-pod durations summarized (ms). */
export function segmentBreakdown(events: readonly ProbeEvent[], probes: readonly string[]): SegmentSummary[] {
  const order = startupOrder(probes, events);
  const out: SegmentSummary[] = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const { matchedBy, durationsMs, missing } = pair(events, order[i], order[i + 1]);
    out.push({
      from: order[i],
      to: order[i + 1],
      matchedBy,
      missing,
      negative: durationsMs.filter((d) => d < 0).length,
      summary: summarize(durationsMs),
    });
  }
  return out;
}

/**
 * The `limit` pods with the longest `from` -> `to` latency, each with its
 * probes in between as segments and the segment that took longest.
 */
export function slowestPods(events: readonly ProbeEvent[], from: string, to: string, limit: number): SlowPod[] {
  const starts = firstPerPod(events, from);
  const ends = firstPerPod(events, to);
  const byPod = new Map<string, ProbeEvent[]>();
  for (const e of events) {
    if (e.pod === undefined) continue;
    const k = podKey(e);
    if (!starts.has(k) || !ends.has(k)) continue;
    const list = byPod.get(k);
    if (list) list.push(e);
    else byPod.set(k, [e]);
  }
  const rank = (p: string): number => {
    const i = STARTUP_ORDER.indexOf(p);
    return i === -1 ? STARTUP_ORDER.length : i;
  };
  const pods: SlowPod[] = [];
  for (const [k, list] of byPod) {
    const start = starts.get(k)!;
    const end = ends.get(k)!;
    const firsts = new Map<string, ProbeEvent>();
    for (const e of list) {
      const seen = firsts.get(e.probe);
      if (!seen || e.time < seen.time) firsts.set(e.probe, e);
    }
    const lo = Math.min(start.time, end.time);
    const hi = Math.max(start.time, end.time);
    const path = [...firsts.values()]
      .filter((e) => e.probe === from || e.probe === to || (e.time >= lo && e.time <= hi))
      .sort((a, b) => a.time - b.time || rank(a.probe) - rank(b.probe));
    const segments: PodSegment[] = [];
    for (let i = 0; i + 1 < path.length; i++) {
      segments.push({ from: path[i].probe, to: path[i + 1].probe, ms: (path[i + 1].time - path[i].time) / 1000 });
    }
    const dominant = segments.reduce<PodSegment | null>((best, s) => (best === null || s.ms > best.ms ? s : best), null);
    const uid = list.find((e) => e.uid !== undefined)?.uid;
    pods.push({
      pod: start.pod!,
      ...(uid !== undefined ? { uid } : {}),
      instance: start.instance,
      totalMs: (end.time - start.time) / 1000,
      segments,
      dominant,
    });
  }
  pods.sort((a, b) => b.totalMs - a.totalMs || a.pod.localeCompare(b.pod) || a.instance - b.instance);
  return pods.slice(0, Math.max(0, limit));
}
