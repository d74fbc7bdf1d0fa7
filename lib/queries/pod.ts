// One pod of one run, for the pod page, `GET …/pods/POD` and `kpd pod`: its
// probes from logs and spans (with the log line and byte offset each log
// probe came from), its spans in waterfall order, how far its log and span
// probes agree, and across the run's pods the same agreement summarized
// (also the Tracing page's "logs vs spans" card). Where the kubelet log is
// (the build's source and the run's host) is part of the answer: reading the
// lines around each probe is ingest/sources/log-lines.ts's work.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import { podAgreement, runAgreement, type PodAgreement, type RunAgreement } from '../agreement';
import type { Micros, ProbeSource, SpanKindName } from '../model';
import { toIso } from '../time';
import { startupOrder } from '../tracing';
import { SelectionError } from './errors';
import { jobId } from './selection';
import { toProbeEvent, type ProbeEventRow } from './probe-events';

export interface PodQuery {
  job: string;
  build: BuildId;
  /** `namespace/name` */
  pod: string;
  /** The pod name's life (0 first); default: the first one the run has. */
  instance?: number;
  test?: string;
  image?: string;
  machine?: string;
}

export interface PodProbe {
  probe: string;
  source: ProbeSource;
  time: Micros;
  line: number | null;
  offset: number | null;
}

export interface PodSpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKindName;
  service: string | null;
  start: Micros;
  end: Micros;
  /** Nesting below the pod-sync span (0). */
  depth: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

export interface PodView {
  job: string;
  build: BuildId;
  test: string;
  image: string;
  machine: string;
  host: string | null;
  pod: string;
  uid: string | null;
  instance: number;
  /** Every life of this pod name in the run. */
  instances: number[];
  /** Where the build was read from (a directory or a kept upload archive): the kubelet log is in it. */
  source: string;
  /** Probes in time order (log and span probes of the same moment: startup order). */
  probes: PodProbe[];
  /** Spans in waterfall order: each after its parent, siblings by start. */
  spans: PodSpanRow[];
  /** This pod's log and span probes of the same moment. */
  agreement: PodAgreement[];
  /** The same across the run's pods. */
  runAgreement: RunAgreement[];
}

interface RunRow {
  id: number;
  test: string;
  image: string;
  machine: string;
  host: string | null;
}

interface ProbeRow extends ProbeEventRow {
  line: number | null;
  offset: number | null;
}

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: SpanKindName;
  service: string | null;
  start_us: number;
  end_us: number;
  depth: number;
  error: number;
  attributes: string;
  uid: string | null;
}

function buildOf(db: DB, job: string, build: BuildId): { id: number; source: string } {
  const row = db
    .prepare<[number, BuildId], { id: number; source: string }>('SELECT id, source FROM builds WHERE job_id = ? AND number = ?')
    .get(jobId(db, job), build);
  if (!row) throw new SelectionError(`no build ${build} in job ${job}`);
  return row;
}

const RUNS = `SELECT r.id, t.name AS test, n.image, n.machine, r.host FROM runs r
              JOIN tests t ON t.id = r.test_id JOIN node_configs n ON n.id = r.node_config_id`;

function matches(r: RunRow, q: { test?: string; image?: string; machine?: string }): boolean {
  return (q.test === undefined || r.test === q.test) && (q.image === undefined || r.image === q.image) && (q.machine === undefined || r.machine === q.machine);
}

const runRef = (r: RunRow) => `--test '${r.test}' --image '${r.image}' --machine '${r.machine}'`;

/** The run of the build the selection names; one that holds `pod` when the selection leaves a choice. */
function runOf(db: DB, buildId: number, q: PodQuery): RunRow {
  const runs = db.prepare<[number], RunRow>(`${RUNS} WHERE r.build_id = ? ORDER BY t.name, n.image, n.machine`).all(buildId);
  const selected = runs.filter((r) => matches(r, q));
  if (!selected.length) throw new SelectionError(`no such run in build ${q.build}`, runs.map(runRef));
  const hasPod = db.prepare<[number, string, number, string], { found: number }>(
    `SELECT EXISTS (SELECT 1 FROM probe_events WHERE run_id = ? AND pod = ?) OR EXISTS (SELECT 1 FROM pod_spans WHERE run_id = ? AND pod = ?) AS found`,
  );
  const holding = selected.filter((r) => hasPod.get(r.id, q.pod, r.id, q.pod)!.found);
  if (!holding.length) {
    throw new SelectionError(`no pod ${q.pod} in build ${q.build}${selected.length < runs.length ? ' for that test, image and machine' : ''}`);
  }
  if (holding.length > 1) throw new SelectionError(`pod ${q.pod} is in ${holding.length} runs of build ${q.build}`, holding.map(runRef));
  return holding[0];
}

function eventsOf(db: DB, runId: number, pod?: string): ProbeRow[] {
  const cols = 'probe, pod, uid, instance, t_us, source, line, "offset"';
  return pod === undefined
    ? db.prepare<[number], ProbeRow>(`SELECT ${cols} FROM probe_events WHERE run_id = ? ORDER BY t_us`).all(runId)
    : db.prepare<[number, string], ProbeRow>(`SELECT ${cols} FROM probe_events WHERE run_id = ? AND pod = ? ORDER BY t_us`).all(runId, pod);
}

/** Spans in waterfall order: depth-first from the spans whose parent is not the pod's, children by start. */
export function waterfallOrder<T extends { spanId: string; parentSpanId: string | null; start: Micros; traceId: string }>(spans: readonly T[]): T[] {
  const byStart = [...spans].sort((a, b) => a.start - b.start || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
  const ids = new Set(spans.map((s) => s.traceId + s.spanId));
  const children = new Map<string, T[]>();
  const roots: T[] = [];
  for (const s of byStart) {
    const parent = s.parentSpanId === null ? undefined : s.traceId + s.parentSpanId;
    if (parent === undefined || !ids.has(parent)) roots.push(s);
    else children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: T[] = [];
  const visit = (s: T) => {
    out.push(s);
    for (const c of children.get(s.traceId + s.spanId) ?? []) visit(c);
  };
  for (const r of roots) visit(r);
  return out;
}

export function podView(db: DB, q: PodQuery): PodView {
  const build = buildOf(db, q.job, q.build);
  const run = runOf(db, build.id, q);
  const rows = eventsOf(db, run.id, q.pod);
  const spanLives = db
    .prepare<[number, string], { instance: number }>('SELECT DISTINCT instance FROM pod_spans WHERE run_id = ? AND pod = ?')
    .all(run.id, q.pod)
    .map((r) => r.instance);
  const instances = [...new Set([...rows.map((r) => r.instance), ...spanLives])].sort((a, b) => a - b);
  const instance = q.instance ?? instances[0];
  if (!instances.includes(instance)) {
    throw new SelectionError(`no life ${instance} of pod ${q.pod} in build ${q.build}`, instances.map((i) => `--instance ${i}`));
  }
  const mine = rows.filter((r) => r.instance === instance);
  const events = mine.map(toProbeEvent);
  const order = startupOrder([...new Set(events.map((e) => e.probe))], events);
  const probes: PodProbe[] = mine
    .map((r) => ({ probe: r.probe, source: r.source, time: r.t_us, line: r.line, offset: r.offset }))
    .sort((a, b) => a.time - b.time || order.indexOf(a.probe) - order.indexOf(b.probe));
  const spanRows = db
    .prepare<[number, string, number], SpanRow>(
      `SELECT trace_id, span_id, parent_span_id, name, kind, service, start_us, end_us, depth, error, attributes, uid
       FROM pod_spans WHERE run_id = ? AND pod = ? AND instance = ? ORDER BY start_us`,
    )
    .all(run.id, q.pod, instance);
  const spans = waterfallOrder(
    spanRows.map(
      (s): PodSpanRow => ({
        traceId: s.trace_id,
        spanId: s.span_id,
        parentSpanId: s.parent_span_id,
        name: s.name,
        kind: s.kind,
        service: s.service,
        start: s.start_us,
        end: s.end_us,
        depth: s.depth,
        error: s.error !== 0,
        attributes: JSON.parse(s.attributes) as PodSpanRow['attributes'],
      }),
    ),
  );
  const uid = mine.find((r) => r.uid !== null)?.uid ?? spanRows.find((s) => s.uid !== null)?.uid ?? null;
  return {
    job: q.job,
    build: q.build,
    test: run.test,
    image: run.image,
    machine: run.machine,
    host: run.host,
    pod: q.pod,
    uid,
    instance,
    instances,
    source: build.source,
    probes,
    spans,
    agreement: podAgreement(events),
    runAgreement: runAgreement(eventsOf(db, run.id).map(toProbeEvent)),
  };
}

export interface RunAgreementQuery {
  job: string;
  build: BuildId;
  test: string;
  image: string;
  machine: string;
}

/** The "logs vs spans" card of one run; empty when the run has no span probes. */
export function runAgreementOf(db: DB, q: RunAgreementQuery): RunAgreement[] {
  const build = buildOf(db, q.job, q.build);
  const run = db
    .prepare<[number, string, string, string], { id: number }>(`${RUNS} WHERE r.build_id = ? AND t.name = ? AND n.image = ? AND n.machine = ?`)
    .get(build.id, q.test, q.image, q.machine);
  if (!run) throw new SelectionError(`no run of ${q.test} on ${q.image} / ${q.machine} in build ${q.build}`);
  const spans = db.prepare<[number], { found: number }>("SELECT EXISTS (SELECT 1 FROM probe_events WHERE run_id = ? AND source = 'span') AS found").get(run.id)!;
  if (!spans.found) return [];
  return runAgreement(eventsOf(db, run.id).map(toProbeEvent));
}

// ---------------------------------------------------------------- the log view and the JSON form

/** A probe's line in the kubelet log: by byte offset when ingest kept it, else by line number. */
export interface LogTarget {
  probe: string;
  line: number | null;
  offset: number | null;
}

export interface LogLine {
  /** 1-based; null when only the offset is known. */
  line: number | null;
  /** Byte offset of the line's start in the (decompressed) log. */
  offset: number;
  text: string;
  /** The line was longer than what is shown. */
  cut: boolean;
  /** The probes read off this line. */
  probes: string[];
}

/** The log lines around a pod's probes (read by ingest/sources/log-lines.ts). */
export interface PodLog {
  /** The log read, as the build names it (`artifacts/<host>/kubelet.log`); null when none was found. */
  file: string | null;
  excerpts: LogLine[][];
  /** Why some or all lines could not be shown. */
  problems: string[];
}

/** The log probes whose lines the log view shows. */
export function logTargets(v: PodView): LogTarget[] {
  return v.probes.filter((p) => p.source === 'kubelet').map((p) => ({ probe: p.probe, line: p.line, offset: p.offset }));
}

/** `GET …/pods/POD` and `kpd pod --json`: the view with ISO times and the log lines. */
export function podJson(v: PodView, log: PodLog) {
  const ms = (us: number) => us / 1000;
  return {
    job: v.job,
    build: v.build,
    test: v.test,
    image: v.image,
    machine: v.machine,
    host: v.host,
    pod: v.pod,
    uid: v.uid,
    instance: v.instance,
    instances: v.instances,
    probes: v.probes.map((p) => ({ probe: p.probe, source: p.source, time: toIso(p.time), line: p.line, offset: p.offset })),
    spans: v.spans.map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      kind: s.kind,
      service: s.service,
      start: toIso(s.start),
      end: toIso(s.end),
      durationMs: ms(s.end - s.start),
      depth: s.depth,
      error: s.error,
      attributes: s.attributes,
    })),
    agreement: v.agreement.map((a) => ({ span: a.span, log: a.log, spanTime: toIso(a.spanTime), logTime: toIso(a.logTime), diffMs: a.diffMs })),
    runAgreement: v.runAgreement,
    log,
  };
}
