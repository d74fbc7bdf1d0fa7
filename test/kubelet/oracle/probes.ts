// THE TABLE of kubelet tracing probes (FORMATS.md section 6): one row per way
// a probe shows in a log. A row names its probe, the marker substrings a line
// must contain (the scanner's prefilter: only lines holding a marker are ever
// decoded), a matcher per encoding (legacy printf text; structured klog and
// JSON share a record matcher) and what the match yields. The first match per
// pod instance counts; among rows of one probe the lowest rank wins. Adding a
// probe is adding a row.
import type { Micros } from '../../../lib/model';
import { fromUnixNanosString } from '../../../lib/time';
import { parseLegacyPod, parseLegacyPodList, podFromValue, podOf, podsOf, type PodRef } from './pods';
import { numberValue, stringValue, structFields, type LogRecord } from './record';
import { parseGoDuration, timeValue } from './time';

/** The kubelet's own startup figures for a pod, seconds. */
export interface StartupFigures {
  sloDuration?: number;
  e2eDuration?: number;
}

export interface Match {
  pods: PodRef[];
  /** The probe's absolute UTC time when the line carries one; otherwise the line's time. */
  at?: Micros;
  /** The probe's name, for rows that leave it to the line (custom NodeTracing probes). */
  probe?: string;
  /** Config source of a SyncLoop ADD (`api`, `file`: static pods). */
  source?: string;
  startup?: StartupFigures;
  /** A dated UTC time printed by the line at the moment it was logged: fixes year and header offset. */
  dated?: Micros;
  /** A uid the line names without a pod name (resolved to a pod by the reader). */
  uidOnly?: string;
}

export interface ProbeRule {
  /** The probe; a list when the n-th match per pod instance is the n-th probe; null when the row only feeds other facts. */
  probe: string | readonly string[] | null;
  /** Lower wins among rows of the same probe (fallbacks). */
  rank: number;
  /** What the row does to the pod's life besides probing. */
  lifecycle?: 'add' | 'remove';
  markers: readonly string[];
  legacy?: (text: string) => Match | undefined;
  record?: (rec: LogRecord) => Match | undefined;
}

// ------------------------------------------------------------ matchers

const one = (pod: PodRef | undefined, extra: Omit<Match, 'pods'> = {}): Match | undefined =>
  pod ? { pods: [pod], ...extra } : undefined;

/** A legacy line naming one `name_ns(uid)` in its first group. */
const legacyPod =
  (re: RegExp) =>
  (text: string): Match | undefined => {
    const m = re.exec(text);
    return m ? one(parseLegacyPod(m[1])) : undefined;
  };

/** A structured/JSON line with one of these messages about `pod=`. */
const recordPod =
  (...msgs: string[]) =>
  (rec: LogRecord): Match | undefined =>
    msgs.includes(rec.msg) ? one(podOf(rec)) : undefined;

const LEGACY_SYNCLOOP = /SyncLoop \((ADD|DELETE|REMOVE), "([^"]*)"\): "(.*)"\s*$/;

const legacySyncLoop =
  (op: string) =>
  (text: string): Match | undefined => {
    const m = LEGACY_SYNCLOOP.exec(text);
    if (!m || m[1] !== op) return undefined;
    const pods = parseLegacyPodList(m[3]);
    return pods.length ? { pods, source: m[2] } : undefined;
  };

const recordSyncLoop =
  (op: string) =>
  (rec: LogRecord): Match | undefined => {
    if (rec.msg !== `SyncLoop ${op}`) return undefined;
    const pods = podsOf(rec);
    const source = stringValue(rec, 'source');
    return pods.length ? { pods, ...(source !== undefined ? { source } : {}) } : undefined;
  };

const LEGACY_PLEG = /SyncLoop \(PLEG\): "([^"]+)", event: &pleg\.PodLifecycleEvent\{ID:"([^"]*)", Type:"(\w+)"/;

function legacyContainerStarted(text: string): Match | undefined {
  const m = LEGACY_PLEG.exec(text);
  if (!m || m[3] !== 'ContainerStarted') return undefined;
  const pod = parseLegacyPod(m[1]);
  return one(pod && !pod.uid && m[2] ? { ...pod, uid: m[2] } : pod);
}

function recordContainerStarted(rec: LogRecord): Match | undefined {
  if (rec.msg !== 'SyncLoop (PLEG): event for pod') return undefined;
  const ev = structFields(rec.get('event'));
  if (ev.Type !== 'ContainerStarted') return undefined;
  const pod = podOf(rec);
  return one(pod && !pod.uid && ev.ID ? { ...pod, uid: ev.ID } : pod);
}

const LEGACY_STATUS = /Status for pod "([^"]+)" updated successfully.*?\bPhase:(\w+)/;

function legacyStatusRunning(text: string): Match | undefined {
  const m = LEGACY_STATUS.exec(text);
  return m && m[2] === 'Running' ? one(parseLegacyPod(m[1])) : undefined;
}

function phaseOf(rec: LogRecord): string | undefined {
  const raw = rec.raw('status');
  if (raw !== undefined) return /"phase":"(\w+)"|\bPhase:(\w+)/.exec(raw)?.slice(1).find(Boolean);
  return structFields(rec.get('status')).phase;
}

function recordStatusRunning(rec: LogRecord): Match | undefined {
  if (rec.msg !== 'Status for pod updated successfully' || phaseOf(rec) !== 'Running') return undefined;
  return one(podOf(rec));
}

const LEGACY_EVENT = /Event\([\w.]*ObjectReference\{(.*?)\}\): type: '(\w+)' reason: '(\w+)' ?(.*)$/;

/** A legacy event line about a pod with this reason: the pod from its ObjectReference, and the message. */
function legacyEvent(text: string, reason: string): { pod?: PodRef; message: string } | undefined {
  const m = LEGACY_EVENT.exec(text);
  if (!m || m[3] !== reason) return undefined;
  const ref = structFields(m[1]);
  if (ref.Kind !== undefined && ref.Kind !== 'Pod') return undefined;
  const pod =
    ref.Namespace && ref.Name ? { namespace: ref.Namespace, name: ref.Name, ...(ref.UID ? { uid: ref.UID } : {}) } : undefined;
  return { ...(pod ? { pod } : {}), message: m[4] };
}

function recordEvent(rec: LogRecord, reason: string): { pod?: PodRef; message: string } | undefined {
  if (rec.msg !== 'Event occurred' || stringValue(rec, 'reason') !== reason) return undefined;
  const kind = stringValue(rec, 'kind');
  if (kind !== undefined && kind !== 'Pod') return undefined;
  const pod = podFromValue(rec.get('object'));
  return { ...(pod ? { pod } : {}), message: stringValue(rec, 'message') ?? '' };
}

const TRACING_MESSAGE = /pod: ([^,\s]+), probe: ([^,\s]+), timestamp: (\d+)/;

function nodeTracing(ev: { pod?: PodRef; message: string } | undefined): Match | undefined {
  const m = ev && TRACING_MESSAGE.exec(ev.message);
  if (!m) return undefined;
  const at = fromUnixNanosString(m[3]);
  if (at === undefined || at === 0) return undefined;
  const uid = m[1];
  // The probe's own timestamp is UTC and close to the line's: it dates the log too.
  if (ev.pod) return { pods: [{ ...ev.pod, uid: ev.pod.uid ?? uid }], probe: m[2], at, dated: at };
  return { pods: [], uidOnly: uid, probe: m[2], at, dated: at };
}

const OBSERVED = 'Observed pod startup duration';

/** The tracker's dated times: watchObservedRunningTime, else observedRunningTime, is when the line was logged. */
function observedTimes(rec: LogRecord) {
  return {
    watch: timeValue(rec.get('watchObservedRunningTime')),
    running: timeValue(rec.get('observedRunningTime')),
  };
}

function observedStartup(rec: LogRecord): Match | undefined {
  if (rec.msg !== OBSERVED) return undefined;
  const { watch, running } = observedTimes(rec);
  const sloDuration = numberValue(rec, 'podStartSLOduration');
  const e2eDuration = parseGoDuration(rec.get('podStartE2EDuration'));
  const dated = watch ?? running;
  return one(podOf(rec), {
    startup: { ...(sloDuration !== undefined ? { sloDuration } : {}), ...(e2eDuration !== undefined ? { e2eDuration } : {}) },
    ...(dated !== undefined ? { dated } : {}),
  });
}

const observedAt =
  (which: 'watch' | 'running') =>
  (rec: LogRecord): Match | undefined => {
    if (rec.msg !== OBSERVED) return undefined;
    const at = observedTimes(rec)[which];
    return at === undefined ? undefined : one(podOf(rec), { at });
  };

// ------------------------------------------------------------ the table

export const PROBE_RULES: readonly ProbeRule[] = [
  {
    probe: 'pod_config_change',
    rank: 0,
    lifecycle: 'add',
    markers: ['SyncLoop'],
    legacy: legacySyncLoop('ADD'),
    record: recordSyncLoop('ADD'),
  },
  { probe: null, rank: 0, lifecycle: 'remove', markers: ['SyncLoop'], legacy: legacySyncLoop('DELETE'), record: recordSyncLoop('DELETE') },
  { probe: null, rank: 0, lifecycle: 'remove', markers: ['SyncLoop'], legacy: legacySyncLoop('REMOVE'), record: recordSyncLoop('REMOVE') },
  {
    probe: 'runtime_manager',
    rank: 0,
    markers: ['Need to restart pod infra container'],
    legacy: legacyPod(/Need to restart pod infra container for "([^"]+)" because it is not found/),
  },
  {
    probe: 'runtime_manager',
    rank: 0,
    markers: ['Need to start a new one'],
    legacy: legacyPod(/No (?:ready )?sandbox for pod "([^"]+)" can be found\. Need to start a new one/),
    record: recordPod(
      'No sandbox for pod can be found. Need to start a new one',
      'No ready sandbox for pod can be found. Need to start a new one',
    ),
  },
  {
    probe: ['infra_container_start', 'container_start'],
    rank: 0,
    markers: ['SyncLoop'],
    legacy: legacyContainerStarted,
    record: recordContainerStarted,
  },
  {
    probe: 'pod_running',
    rank: 0,
    markers: ['Mark when the pod was running'],
    record: recordPod('Mark when the pod was running for the first time'),
  },
  { probe: 'pod_running', rank: 1, markers: [OBSERVED], record: observedAt('running') },
  {
    probe: 'pod_running',
    rank: 2,
    markers: ['Started'],
    legacy: (t) => one(legacyEvent(t, 'Started')?.pod),
    record: (r) => one(recordEvent(r, 'Started')?.pod),
  },
  {
    probe: 'pod_status_running',
    rank: 0,
    markers: ['Status for pod'],
    legacy: legacyStatusRunning,
    record: recordStatusRunning,
  },
  { probe: 'watch_observed_running', rank: 0, markers: [OBSERVED], record: observedAt('watch') },
  { probe: null, rank: 0, markers: [OBSERVED], record: observedStartup },
  {
    probe: null,
    rank: 0,
    markers: ['NodeTracing'],
    legacy: (t) => nodeTracing(legacyEvent(t, 'NodeTracing')),
    record: (r) => nodeTracing(recordEvent(r, 'NodeTracing')),
  },
];

/**
 * Node's Buffer.indexOf finds a needle shorter than 8 bytes with memchr on
 * its first byte (about 10x faster here than the Boyer-Moore-Horspool it uses
 * for 8 bytes and more), so the scanner looks for the first 7 bytes of each
 * marker; markers therefore start with a rare byte (a capital). The reader
 * checks the whole marker on the lines found.
 */
export const NEEDLE_BYTES = 7;

/** The scanner's needles: the distinct marker prefixes, minus those containing another. */
export function scannerNeedles(rules: readonly ProbeRule[] = PROBE_RULES): string[] {
  const all = [...new Set(rules.flatMap((r) => r.markers.map((m) => m.slice(0, NEEDLE_BYTES))))];
  return all.filter((m) => !all.some((o) => o !== m && m.includes(o)));
}

/** Every whole marker of the table: a line holding none of them is not read further. */
export function allMarkers(rules: readonly ProbeRule[] = PROBE_RULES): string[] {
  return [...new Set(rules.flatMap((r) => r.markers))];
}
