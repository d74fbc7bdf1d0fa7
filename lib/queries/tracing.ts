// The Tracing page and `kpd trace`: latency between two probes per build of
// one series (reading only the two probes of the builds in the window), and
// for one build the segment breakdown of pod startup and the slowest pods.
import type { DB } from '../db/open';
import { buildLinks } from '../links';
import { jobLinkTemplates } from './sync';
import type { BuildLinks, Micros, ProbeSource } from '../model';
import { PROBES, SPAN_PROBES } from '../model';
import {
  segmentBreakdown,
  slowestPods,
  startupOrder,
  traceLatency,
  type SegmentSummary,
  type SlowPod,
  type TraceResult,
} from '../tracing';
import type { BuildId } from '../build-id';
import { resolveWindow, type BuildRangeQuery, type BuildWindow, type ResolvedWindow } from './builds';
import { SelectionError } from './errors';
import { resolveSelection, type ResolvedSelection, type Selection } from './selection';
import { runProbeEvents } from './probe-events';

/** Where each known probe comes from, so a page can say why one was never seen. */
export const PROBE_ORIGINS: Record<string, string> = {
  create: 'test side: the create times in the NodeTimeSeries (op_series.create); no pod identity',
  running: 'test side: the running times in the NodeTimeSeries (op_series.running); no pod identity',
  pod_config_change: 'kubelet "SyncLoop ADD" line, logged at --v=2',
  runtime_manager: 'kubelet "No sandbox for pod can be found" line, logged at --v=2 to --v=4 depending on the release (use --v=4)',
  infra_container_start: 'kubelet "SyncLoop (PLEG): event for pod" ContainerStarted line, logged at --v=2',
  container_start: 'kubelet "SyncLoop (PLEG): event for pod" ContainerStarted line (the second one), logged at --v=2',
  pod_running: 'kubelet "Event occurred" reason=Started (--v=3) or observedRunningTime of "Observed pod startup duration" (1.26+)',
  pod_status_running: 'kubelet "Status for pod updated successfully" line, logged at --v=3',
  watch_observed_running: 'kubelet "Observed pod startup duration" line, always logged since Kubernetes 1.26',
  sync_start: 'kubelet span syncPod with update type create, its start (spans need the KubeletTracing feature gate and a trace file or the traces endpoint)',
  sandbox_start: 'kubelet span runtime.v1.RuntimeService/RunPodSandbox, its start',
  sandbox_ready: 'kubelet span runtime.v1.RuntimeService/RunPodSandbox, its end',
  image_pulled: 'kubelet span runtime.v1.ImageService/PullImage, its end (only when an image is pulled)',
  container_created: 'kubelet span runtime.v1.RuntimeService/CreateContainer, its end',
  container_started_first: 'kubelet span runtime.v1.RuntimeService/StartContainer, the end of the first one',
  container_started_last: 'kubelet span runtime.v1.RuntimeService/StartContainer, the end of the last container started',
  sync_done: 'kubelet span syncPod, the end of the sync that started the last container',
};

/** A probe neither known nor seen in the job: most often a typo. The API answers 400, the CLI exits 2. */
export class UnknownProbeError extends SelectionError {
  readonly exitCode = 2;
  constructor(
    readonly probes: string[],
    readonly known: readonly string[],
    readonly custom: readonly string[],
    job: string,
  ) {
    super(
      `unknown ${probes.length === 1 ? 'probe' : 'probes'} ${probes.map((p) => `"${p}"`).join(' and ')}`,
      [`known probes: ${known.join(', ')}`, custom.length ? `custom probes seen in ${job}: ${custom.join(', ')}` : `no custom probes seen in ${job}`],
    );
  }
}

/** The probes the tool knows: the kubelet log's and the test's, then the spans'. */
export const KNOWN_PROBES: readonly string[] = [...PROBES, ...SPAN_PROBES];

/** Custom (NodeTracing) probes any run of the job recorded, by name. Read only when a probe is not known. */
function customProbesOf(db: DB, jobId: number): string[] {
  const known = new Set(KNOWN_PROBES);
  return db
    .prepare<[number], { probe: string }>(
      `SELECT DISTINCT p.probe FROM probe_events p JOIN runs r ON r.id = p.run_id JOIN builds b ON b.id = r.build_id
       WHERE b.job_id = ? ORDER BY p.probe`,
    )
    .all(jobId)
    .map((r) => r.probe)
    .filter((p) => !known.has(p));
}

/**
 * Throws UnknownProbeError for probes neither known nor seen (in `seen`, else
 * anywhere in the job): the error lists what could be meant.
 */
export function checkProbes(db: DB, sel: ResolvedSelection, job: string, probes: readonly string[], seen: ReadonlySet<string> = new Set()): void {
  const maybe = probes.filter((p) => !KNOWN_PROBES.includes(p) && !seen.has(p));
  if (!maybe.length) return;
  const custom = customProbesOf(db, sel.jobId);
  const unknown = [...new Set(maybe.filter((p) => !custom.includes(p)))];
  if (unknown.length) throw new UnknownProbeError(unknown, KNOWN_PROBES, custom, job);
}

/** Every pod with both probes has its end before its start: the probes are most likely the wrong way round. */
export const isReversed = (r: { count: number; negative: number }): boolean => r.count > 0 && r.negative === r.count;

export interface TraceQuery extends Selection {
  build: BuildId;
  from: string;
  to: string;
}

export interface RunTrace extends TraceResult {
  build: BuildId;
  test: string;
  image: string;
  machine: string;
  /** Every latency is negative: the probes are most likely the wrong way round (swap from and to). */
  reversed: boolean;
}

interface RunRow {
  id: number;
  number: BuildId;
  started_us: number | null;
  version: string | null;
  result: string | null;
  prow_url: string | null;
}

const RUNS = `SELECT r.id, r.build AS number, r.build_started_us AS started_us, b.version, b.result, b.prow_url
              FROM runs r JOIN builds b ON b.id = r.build_id`;

function runsIn(db: DB, sel: ResolvedSelection, w: ResolvedWindow): RunRow[] {
  return db
    .prepare<[number, ...string[]], RunRow>(`${RUNS} WHERE r.series_id = ? AND ${w.where} ORDER BY r.build_key`)
    .all(sel.seriesId, ...w.args);
}

function runOf(db: DB, sel: ResolvedSelection, build: BuildId): RunRow | undefined {
  return db.prepare<[number, BuildId], RunRow>(`${RUNS} WHERE r.series_id = ? AND r.build = ?`).get(sel.seriesId, build);
}

/** Distinct probes of some runs by walking the (run_id, probe) index, not by reading every event. */
function probesOf(db: DB, runIds: readonly number[]): Map<string, ProbeSource> {
  const next = db.prepare<[number, string], { probe: string; source: ProbeSource }>(
    'SELECT probe, source FROM probe_events WHERE run_id = ? AND probe > ? ORDER BY probe LIMIT 1',
  );
  const out = new Map<string, ProbeSource>();
  for (const id of runIds) {
    let row = next.get(id, '');
    while (row) {
      out.set(row.probe, row.source);
      row = next.get(id, row.probe);
    }
  }
  return out;
}

/** `kpd trace` and GET /api/v1/jobs/[job]/trace: one build's latency between two probes. */
export function traceRun(db: DB, q: TraceQuery): RunTrace {
  const sel = resolveSelection(db, q);
  const run = runOf(db, sel, q.build);
  checkProbes(db, sel, q.job, [q.from, q.to]);
  if (!run) throw new SelectionError(`no run of ${q.test} on ${sel.node.image} / ${sel.node.machine} in build ${q.build}`);
  const result = traceLatency(runProbeEvents(db, run.id, [q.from, q.to]), q.from, q.to);
  return { ...result, build: q.build, test: sel.test, image: sel.node.image, machine: sel.node.machine, reversed: isReversed(result) };
}

export interface TracePoint extends TraceResult {
  build: BuildId;
  started: Micros | null;
  version: string | null;
  result: string | null;
  links: BuildLinks;
}

export interface ProbeInfo {
  probe: string;
  source: ProbeSource;
}

export interface TracingView {
  job: string;
  test: string;
  image: string;
  machine: string;
  window: BuildWindow;
  /** Probes seen in the window's runs, in pod startup order. */
  probes: ProbeInfo[];
  /** Known probes never seen in the window, with what logs them. */
  unseen: { probe: string; origin: string }[];
  from: string;
  to: string;
  acrossBuilds: TracePoint[];
  /** Every build with pods to pair has all its latencies negative: from and to are likely swapped. */
  reversed: boolean;
  /** The build the breakdown is for: the one asked for, else the newest of the window. */
  build: BuildId | null;
  segments: SegmentSummary[];
  slowest: SlowPod[];
}

export interface TracingQuery extends Selection {
  range?: BuildRangeQuery;
  /** Probes; default: the first and last pod-matched probes of startup order. */
  from?: string;
  to?: string;
  build?: BuildId;
  /** Slowest pods to list. */
  limit?: number;
}

/** Pod-matched kubelet probes make the most telling default: first and last of startup order. */
function defaultPair(probes: ProbeInfo[]): [string, string] {
  const kubelet = probes.filter((p) => p.source === 'kubelet').map((p) => p.probe);
  if (kubelet.length >= 2) return [kubelet[0], kubelet[kubelet.length - 1]];
  const all = probes.map((p) => p.probe);
  if (all.includes('create') && all.includes('running')) return ['create', 'running'];
  return [all[0] ?? 'create', all[all.length - 1] ?? 'running'];
}

export function tracingView(db: DB, q: TracingQuery): TracingView {
  const sel = resolveSelection(db, q);
  const templates = jobLinkTemplates(db, q.job);
  const resolved = resolveWindow(db, sel, q.range ?? {});
  const { window } = resolved;
  const runs = runsIn(db, sel, resolved);
  const seen = probesOf(db, runs.map((r) => r.id));
  const probes = startupOrder([...seen.keys()], []).map((probe) => ({ probe, source: seen.get(probe)! }));
  const [defFrom, defTo] = defaultPair(probes);
  const from = q.from ?? defFrom;
  const to = q.to ?? defTo;
  checkProbes(db, sel, q.job, [from, to], new Set(seen.keys()));

  const acrossBuilds = runs.map((r) => ({
    build: r.number,
    started: r.started_us,
    version: r.version,
    result: r.result,
    links: buildLinks(q.job, { number: r.number, prowUrl: r.prow_url }, templates),
    ...traceLatency(runProbeEvents(db, r.id, [from, to]), from, to),
  }));

  const chosen = q.build !== undefined ? runOf(db, sel, q.build) : runs[runs.length - 1];
  if (q.build !== undefined && chosen?.number !== q.build) {
    throw new SelectionError(`no run of ${q.test} on ${sel.node.image} / ${sel.node.machine} in build ${q.build}`);
  }
  let segments: SegmentSummary[] = [];
  let slowest: SlowPod[] = [];
  if (chosen) {
    // One story at a time: between two log probes the log's steps, between two span probes the spans', both when the ends mix.
    const isSpan = (p: string) => seen.get(p) === 'span';
    const stories = isSpan(from) && isSpan(to) ? 'span' : isSpan(from) || isSpan(to) ? 'both' : 'log';
    const events = runProbeEvents(db, chosen.id).filter((e) => stories === 'both' || (e.source === 'span') === (stories === 'span'));
    const order = startupOrder([...new Set(events.map((e) => e.probe))], events);
    const i = order.indexOf(from);
    const j = order.indexOf(to);
    const between = i !== -1 && j !== -1 && i < j ? order.slice(i, j + 1) : order;
    // Segments between kubelet probes are per pod; a test-side end would pair by order, so keep only pod-matched steps.
    const podProbes = between.filter((p) => events.some((e) => e.probe === p && e.pod !== undefined));
    segments = segmentBreakdown(events, podProbes.length >= 2 ? podProbes : between);
    slowest = slowestPods(events, from, to, q.limit ?? 15);
  }
  return {
    job: q.job,
    test: sel.test,
    image: sel.node.image,
    machine: sel.node.machine,
    window,
    probes,
    unseen: PROBES.filter((p) => !seen.has(p)).map((probe) => ({ probe, origin: PROBE_ORIGINS[probe] })),
    from,
    to,
    acrossBuilds,
    reversed: acrossBuilds.some((b) => b.count > 0) && acrossBuilds.every((b) => b.count === 0 || isReversed(b)),
    build: chosen?.number ?? null,
    segments,
    slowest,
  };
}
