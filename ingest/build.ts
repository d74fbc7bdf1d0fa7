// Reads one build directory (the layout of FORMATS.md) into a BuildRecord:
// runs the parsers over its files, groups perf data and time series into runs
// (test x node config), ties kubelet probe events to runs by test time window,
// and keeps an ingest report. Reads files; never touches the database.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  BuildRecord,
  FileReport,
  IngestWarning,
  JUnitCase,
  KubeletLogResult,
  Micros,
  NodeTimeSeries,
  PerfData,
  ProbeEvent,
  ProwInfo,
  RunRecord,
  TraceResult,
} from '../lib/model';
import { parseBuildLog } from './parsers/buildlog';
import { parseJUnit } from './parsers/junit';
import { readKubeletLogFile } from './parsers/kubelet/reader';
import { SpanCollector } from './parsers/otlp/collector';
import { readTraceLines } from './parsers/otlp/reader';
import { looksBinary, readLines } from './parsers/lines';
import { nodeConfigFrom } from './parsers/nodeconfig';
import { parsePerfDataText } from './parsers/perfdata';
import { buildVersion, parseFinished, parseProwJob, parseStarted, type ProwResult, type VersionFacts } from './parsers/prow';
import { parseTestOptions } from './parsers/testname';
import { parseTimeSeriesText } from './parsers/timeseries';
import { fromUnixSeconds } from '../lib/time';
import { dropImpossibleTimes } from './plausible-build';
import { isPlausibleTime } from './parsers/plausible';
import type { BuildId } from '../lib/build-id';

/** The kinds of files a build directory may hold; everything else is ignored. */
type FileKind =
  | 'build-log'
  | 'started'
  | 'finished'
  | 'prowjob'
  | 'perfdata'
  | 'timeseries'
  | 'junit'
  | 'kubelet-log'
  | 'kubelet-traces';

const FILE_KINDS: { kind: FileKind; match: RegExp }[] = [
  { kind: 'build-log', match: /^build-log\.txt$/ },
  { kind: 'started', match: /^started\.json$/ },
  { kind: 'finished', match: /^finished\.json$/ },
  { kind: 'prowjob', match: /^prowjob\.json$/ },
  { kind: 'perfdata', match: /^artifacts\/performance-[^/]*\.json$/ },
  { kind: 'timeseries', match: /^artifacts\/time_series-[^/]*\.json$/ },
  { kind: 'junit', match: /^artifacts\/junit[^/]*\.xml$/ },
  { kind: 'kubelet-log', match: /^artifacts\/[^/]+\/(kubelet\.log(\.gz)?|kubelet-journal(\.log)?(\.gz)?|journal\.log(\.gz)?)$/ },
  { kind: 'kubelet-traces', match: /^artifacts\/[^/]+\/[^/]*traces[^/]*\.jsonl?(\.gz)?$/ },
];

/** Read large files in 1 MiB chunks: fewer trips through the event loop than the 64 KiB default. */
const READ_CHUNK = 1 << 20;

export interface BuildFile {
  rel: string;
  abs: string;
  kind: FileKind;
  bytes: number;
  /** The host a file outside the build directory is of (received trace files); else the folder under artifacts/. */
  host?: string;
}

export function kindOf(rel: string): FileKind | undefined {
  return FILE_KINDS.find((k) => k.match.test(rel))?.kind;
}

/** The known files of a build directory, sorted by path. */
export function listBuildFiles(dir: string): BuildFile[] {
  const out: BuildFile[] = [];
  const walk = (sub: string, depth: number) => {
    for (const ent of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${ent.name}` : ent.name;
      if (ent.isDirectory() && depth < 2) walk(rel, depth + 1);
      else if (ent.isFile()) {
        const kind = kindOf(rel);
        if (kind) {
          const abs = path.join(dir, rel);
          out.push({ rel, abs, kind, bytes: fs.statSync(abs).size });
        }
      }
    }
  };
  walk('', 0);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** sha256 over the known files' paths and bytes: equal content, equal hash, wherever it came from. */
export async function contentHash(files: BuildFile[], read: ReadonlyMap<string, Buffer> = new Map()): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f.rel + '\0');
    const bytes = read.get(f.abs);
    // A build holds dozens of small files: one read each costs far less than a stream's open, reads and close.
    if (bytes) h.update(bytes);
    else if (f.bytes <= READ_CHUNK) h.update(fs.readFileSync(f.abs));
    else for await (const chunk of fs.createReadStream(f.abs, { highWaterMark: READ_CHUNK })) h.update(chunk as Buffer);
    h.update('\0');
  }
  return h.digest('hex');
}

/** The kinds the parsers read whole as text. */
const TEXT_KINDS: ReadonlySet<FileKind> = new Set(['started', 'finished', 'prowjob', 'perfdata', 'timeseries', 'junit']);

/** The small text files of a build, read once for the hash and the parsers alike (a build has a hundred or more). */
function readSmallTextFiles(files: BuildFile[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of files) if (TEXT_KINDS.has(f.kind) && f.bytes <= READ_CHUNK) out.set(f.abs, fs.readFileSync(f.abs));
  return out;
}

/** Perf data or time series of one test on one node, before grouping into runs. */
interface Piece {
  key: string;
  labels: Record<string, string>;
  file: string;
  line?: number;
  /** When the test ended: the `timestamp` label, else the block's log time. */
  end?: Micros;
  description?: string;
  fromArtifact: boolean;
  perf?: PerfData;
  series?: NodeTimeSeries;
}

interface Run extends RunRecord {
  fromArtifact: boolean;
}

export interface ReadBuildOptions {
  job: string;
  number: BuildId;
  source: string;
  /** Trace files kept outside the build (spans the traces receiver took for it), read as the host's trace files. */
  traces?: readonly { host: string; path: string; rel: string }[];
}

/** The Prow files in the order their facts take precedence (FORMATS.md section 4). */
const PROW_PARSERS: { kind: FileKind; parse: (text: string, file: string) => ProwResult }[] = [
  { kind: 'started', parse: parseStarted },
  { kind: 'finished', parse: parseFinished },
  { kind: 'prowjob', parse: parseProwJob },
];

export async function readBuild(dir: string, opts: ReadBuildOptions): Promise<BuildRecord> {
  const files = [
    ...listBuildFiles(dir),
    ...(opts.traces ?? []).map((t): BuildFile => ({ rel: t.rel, abs: t.path, kind: 'kubelet-traces', bytes: fs.statSync(t.path).size, host: t.host })),
  ];
  const read = readSmallTextFiles(files);
  // Hashing reads the other files again: let it run while the parsers work,
  // and let it finish before returning, whatever happens, so it never reads a
  // directory that the caller has already removed.
  const hash = contentHash(files, read);
  try {
    return { ...(await parseBuild(dir, files, opts, read)), contentHash: await hash };
  } finally {
    await hash.catch(() => undefined);
  }
}

/**
 * Runs one file's parser: a parser that throws costs that file only (a
 * warning naming it; the rest of the build is kept), never the build.
 */
async function guarded(f: BuildFile, warnings: IngestWarning[], report: Reporter, parse: () => Promise<void> | void): Promise<void> {
  try {
    await parse();
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    warnings.push({ file: f.rel, message: `could not be read (${why.slice(0, 300)}); file skipped` });
    report(f, 0, 0, 1);
  }
}

type Reporter = (f: BuildFile, blocks: number, items: number, skipped?: number) => void;

async function parseBuild(
  dir: string,
  files: BuildFile[],
  opts: ReadBuildOptions,
  read: ReadonlyMap<string, Buffer>,
): Promise<Omit<BuildRecord, 'contentHash'>> {
  const warnings: IngestWarning[] = [];
  const reports: FileReport[] = [];
  const pieces: Piece[] = [];
  const junit: JUnitCase[] = [];
  const prow: ProwInfo = {};
  const specTimes: Micros[] = [];

  if (!fs.existsSync(path.join(dir, 'artifacts'))) {
    warnings.push({ file: 'artifacts/', message: 'no artifacts folder: only build-log.txt blocks can be read' });
  }

  const report: Reporter = (f, blocks, items, skipped = 0) =>
    reports.push({ file: f.rel, kind: f.kind, bytes: f.bytes, blocks, items, skipped });

  // Prow files first: the build's time resolves the yearless log lines.
  const versionFacts: VersionFacts[] = [];
  for (const { kind, parse } of PROW_PARSERS) {
    for (const f of files.filter((f) => f.kind === kind)) {
      await guarded(f, warnings, report, () => {
        const text = readText(f, read, warnings);
        if (text === undefined) return report(f, 0, 0, 1);
        const parsed = parse(text, f.rel);
        Object.assign(prow, parsed.info);
        versionFacts.push(parsed.facts);
        appendAll(warnings, parsed.warnings);
        report(f, 1, Object.keys(parsed.info).length);
      });
    }
  }
  const version = buildVersion(versionFacts, warnings);

  for (const f of files) await guarded(f, warnings, report, () => readResultFile(f));

  async function readResultFile(f: BuildFile): Promise<void> {
    if (f.kind === 'perfdata' || f.kind === 'timeseries') {
      const text = readText(f, read, warnings);
      if (text === undefined) return report(f, 0, 0, 1);
      if (f.kind === 'perfdata') {
        const r = parsePerfDataText(text, { file: f.rel });
        appendAll(warnings, r.warnings);
        if (r.perf) pieces.push(pieceOf(r.perf.labels, f.rel, undefined, undefined, undefined, true, { perf: r.perf }));
        report(f, 1, r.perf?.dataItems.length ?? 0, r.perf ? 0 : 1);
      } else {
        const r = parseTimeSeriesText(text, { file: f.rel });
        appendAll(warnings, r.warnings);
        if (r.series) pieces.push(pieceOf(r.series.labels, f.rel, undefined, undefined, undefined, true, { series: r.series }));
        report(f, 1, r.series ? Object.keys(r.series.opSeries).length + Object.keys(r.series.resourceSeries).length : 0, r.series ? 0 : 1);
      }
    } else if (f.kind === 'junit') {
      const text = readText(f, read, warnings);
      if (text === undefined) return report(f, 0, 0, 1);
      const r = parseJUnit(text, f.rel);
      appendAll(warnings, r.warnings);
      appendAll(junit, r.cases);
      report(f, 1, r.cases.length);
    } else if (f.kind === 'build-log') {
      if (isBinary(f)) {
        warnings.push({ file: f.rel, line: 1, message: 'binary data where text was expected; file skipped' });
        return report(f, 0, 0, 1);
      }
      const r = await parseBuildLog(readLines(fs.createReadStream(f.abs, { highWaterMark: READ_CHUNK })), {
        file: f.rel,
        buildTime: prow.started,
      });
      appendAll(warnings, r.warnings);
      for (const b of r.perf) {
        pieces.push(pieceOf(b.perf.labels, f.rel, b.line, b.loggedAt, b.itDescription, false, { perf: b.perf }));
      }
      for (const b of r.series) {
        pieces.push(pieceOf(b.series.labels, f.rel, b.line, b.loggedAt, b.itDescription, false, { series: b.series }));
      }
      for (const s of r.specs) if (s.time !== undefined) specTimes.push(s.time);
      report(f, r.blocks, r.perf.length + r.series.length, r.blocks - r.perf.length - r.series.length);
    }
  }

  const runs = groupRuns(pieces, warnings);
  setWindows(runs, prow.started);
  applyJUnit(runs, junit);

  if (prow.started === undefined) {
    const dated = [...runs.map((r) => r.end), ...specTimes].filter((t): t is Micros => t !== undefined);
    if (dated.length) {
      prow.started = Math.min(...dated);
      warnings.push({
        file: 'started.json',
        message: 'no build start time; using the earliest dated fact in the build',
      });
    } else {
      warnings.push({ file: 'started.json', message: 'no build start time and no dated fact in the build' });
    }
  }

  // Hosts' logs are read side by side, so one's I/O overlaps another's parsing,
  // and tied to runs in file order, so the report and warnings come out the
  // same whichever read finishes first.
  const logFiles = files.filter((f) => f.kind === 'kubelet-log');
  const logs = await Promise.all(
    logFiles.map((f) =>
      readKubeletLogFile(f.abs, { file: f.rel, reference: prow.started }).then(
        (log) => ({ log }),
        (error: unknown) => ({ error }),
      ),
    ),
  );
  for (const [i, f] of logFiles.entries()) {
    const got = logs[i];
    await guarded(f, warnings, report, () => {
      if ('error' in got) throw got.error;
      tieKubeletLog(f, got.log, runs, warnings, report);
    });
  }

  // A host's trace files feed one collector: a span's parent may sit in another file.
  const traceHosts = new Map<string, BuildFile[]>();
  for (const f of files.filter((f) => f.kind === 'kubelet-traces')) {
    const host = f.host ?? f.rel.split('/')[1];
    traceHosts.set(host, [...(traceHosts.get(host) ?? []), f]);
  }
  for (const [host, hostFiles] of traceHosts) {
    const collector = new SpanCollector();
    for (const f of hostFiles) {
      await guarded(f, warnings, report, async () => {
        const r = await readTraceLines(fs.createReadStream(f.abs, { highWaterMark: READ_CHUNK }), collector, { file: f.rel });
        report(f, r.lines, r.spans, r.skipped);
      });
    }
    tieTraces(host, collector.finish(), runs, warnings);
  }

  const out: RunRecord[] = runs.map(({ fromArtifact: _, ...r }) => r);
  const build: Omit<BuildRecord, 'contentHash'> = {
    job: opts.job,
    number: opts.number,
    started: prow.started,
    finished: prow.finished,
    result: prow.result ?? (prow.passed === undefined ? undefined : prow.passed ? 'SUCCESS' : 'FAILURE'),
    ...version,
    ...(prow.prowUrl === undefined ? {} : { prowUrl: prow.prowUrl }),
    source: opts.source,
    runs: out,
    report: { files: reports, warnings, runs: 0, metrics: 0, probeEvents: 0 },
  };
  dropImpossibleTimes(build, warnings);
  build.report.runs = out.length;
  build.report.metrics = out.reduce((n, r) => n + r.items.length, 0);
  build.report.probeEvents = out.reduce((n, r) => n + r.probes.length, 0);
  return build;
}

function pieceOf(
  labels: Record<string, string>,
  file: string,
  line: number | undefined,
  loggedAt: Micros | undefined,
  itDescription: string | undefined,
  fromArtifact: boolean,
  body: { perf?: PerfData; series?: NodeTimeSeries },
): Piece {
  const { node } = nodeConfigFrom(labels);
  const ts = Number(labels.timestamp);
  const labelled = labels.timestamp && Number.isFinite(ts) && ts > 0 ? fromUnixSeconds(ts) : undefined;
  const end = labelled !== undefined && isPlausibleTime(labelled) ? labelled : loggedAt;
  return {
    key: `${labels.test ?? ''}\0${node.image}\0${node.machine}`,
    labels,
    file,
    line,
    end,
    description: labels.desc || itDescription,
    fromArtifact,
    ...body,
  };
}

/**
 * Groups pieces into runs. Artifact files win over build-log blocks for the
 * same run (newer jobs print both); among blocks of one kind the last wins,
 * since a retry repeats the block and the final attempt is the one that counts.
 */
function groupRuns(pieces: Piece[], warnings: IngestWarning[]): Run[] {
  const runs = new Map<string, Run>();
  const perfFrom = new Map<string, Piece>();
  const seriesFrom = new Map<string, Piece>();
  for (const p of pieces) {
    if (!p.labels.test) {
      warnings.push({ file: p.file, line: p.line, message: 'perf data without a "test" label; skipped' });
      continue;
    }
    let run = runs.get(p.key);
    if (!run) {
      const ident = nodeConfigFrom(p.labels);
      run = {
        test: p.labels.test,
        options: parseTestOptions(p.labels.test),
        node: ident.node,
        host: ident.host,
        items: [],
        resources: {},
        probes: [],
        podStartups: [],
        fromArtifact: p.fromArtifact,
      };
      runs.set(p.key, run);
    }
    run.description ??= p.description;
    if (run.end === undefined || (p.end !== undefined && p.end > run.end)) run.end = p.end ?? run.end;
    const chosen = p.perf ? perfFrom : seriesFrom;
    const prev = chosen.get(p.key);
    if (prev && prev.fromArtifact && !p.fromArtifact) continue;
    if (prev && prev.fromArtifact === p.fromArtifact) {
      warnings.push({
        file: p.file,
        line: p.line,
        message: `${p.perf ? 'perf data' : 'time series'} for ${p.labels.test} repeated (first at ${prev.file}${prev.line ? `:${prev.line}` : ''}); the later one is kept`,
      });
    }
    chosen.set(p.key, p);
    if (p.perf) {
      run.items = p.perf.dataItems;
      run.perfVersion = p.perf.version;
    } else if (p.series) {
      run.resources = p.series.resourceSeries;
      run.probes = Object.entries(p.series.opSeries).flatMap(([probe, times]) =>
        times.map((time): ProbeEvent => ({ probe, time, instance: 0, source: 'test' })),
      );
    }
    if (p.description) run.description = p.description;
  }
  return [...runs.values()];
}

/** Tests on one host run one after another: each window ends at its test's end and starts where the previous one ended. */
function setWindows(runs: Run[], buildStart: Micros | undefined) {
  const byHost = new Map<string, Run[]>();
  for (const r of runs) {
    const k = r.host ?? '';
    byHost.set(k, [...(byHost.get(k) ?? []), r]);
  }
  for (const list of byHost.values()) {
    list.sort((a, b) => (a.end ?? Infinity) - (b.end ?? Infinity));
    let start = buildStart;
    for (const r of list) {
      const firstOp = r.probes.length ? Math.min(...r.probes.map((p) => p.time)) : undefined;
      r.start = start ?? firstOp;
      if (r.start !== undefined && firstOp !== undefined && firstOp < r.start) r.start = firstOp;
      if (r.end !== undefined) start = r.end;
    }
  }
}

/** A run's JUnit case: one naming its description, preferring one that also names its host (one case per node). */
function applyJUnit(runs: Run[], cases: JUnitCase[]) {
  for (const r of runs) {
    if (!r.description) continue;
    const named = cases.filter((c) => c.name.includes(r.description!));
    const onHost = r.host ? named.filter((c) => c.name.includes(r.host!)) : [];
    const c = onHost[0] ?? (named.length === 1 || new Set(named.map((n) => n.status)).size === 1 ? named[0] : undefined);
    if (c) r.status = c.status;
  }
}

/** Ties a host's kubelet events to the runs on that host, by test time window. */
function tieKubeletLog(
  f: BuildFile,
  result: KubeletLogResult,
  runs: Run[],
  warnings: IngestWarning[],
  report: (f: BuildFile, blocks: number, items: number, skipped?: number) => void,
) {
  const host = f.rel.split('/')[1];
  const onHost = runsOnHost(runs, host);
  appendAll(warnings, result.warnings);
  if (!onHost.length) {
    warnings.push({ file: f.rel, message: `no test ran on host ${host}; its kubelet log is not tied to any run` });
  }
  const startups = byPod(result.podStartups);
  let kept = 0;
  for (const r of onHost) {
    const events = inWindow(result.events, r);
    appendAll(r.probes, events);
    appendPodItems(r.podStartups, startups, events);
    kept += events.length;
  }
  report(f, result.lines, kept, result.skipped);
}

function runsOnHost(runs: Run[], host: string): Run[] {
  return runs.filter((r) => r.host === host || (r.host && (r.host.startsWith(host) || host.startsWith(r.host))));
}

/** Ties a host's span probes to the runs on that host by test window, as kubelet log events are, with the spans of their pods. */
function tieTraces(host: string, result: Omit<TraceResult, 'lines' | 'skipped'>, runs: Run[], warnings: IngestWarning[]) {
  appendAll(warnings, result.warnings);
  const onHost = runsOnHost(runs, host);
  if (!onHost.length) warnings.push({ file: `artifacts/${host}/`, message: `no test ran on host ${host}; its trace files are not tied to any run` });
  const spans = byPod(result.spans);
  for (const r of onHost) {
    const events = inWindow(result.events, r);
    appendAll(r.probes, events);
    r.spans ??= [];
    appendPodItems(r.spans, spans, events);
  }
}

/**
 * The events of `sorted` (in time order) inside a run's window [start, end):
 * two binary searches, not a pass over every event per run.
 */
function inWindow<T extends { time: Micros }>(sorted: readonly T[], r: { start?: Micros; end?: Micros }): T[] {
  const first = r.start === undefined ? 0 : lowerBound(sorted, r.start);
  const last = r.end === undefined ? sorted.length : lowerBound(sorted, r.end);
  return sorted.slice(first, last);
}

function lowerBound(sorted: readonly { time: Micros }[], t: Micros): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Items by pod, then by instance: looked up per event without building a key string. */
type PodIndex<T> = Map<string, Map<number, T[]>>;

function byPod<T extends { pod: string; instance: number }>(items: readonly T[]): PodIndex<T> {
  const out: PodIndex<T> = new Map();
  for (const x of items) {
    let instances = out.get(x.pod);
    if (!instances) out.set(x.pod, (instances = new Map()));
    const list = instances.get(x.instance);
    if (list) list.push(x);
    else instances.set(x.instance, [x]);
  }
  return out;
}

/** Appends the items of the pod instances of some events, each instance's once, in order of its first event. */
function appendPodItems<T>(to: T[], index: PodIndex<T>, events: readonly { pod?: string; instance: number }[]): void {
  const done = new Set<T[]>();
  for (const e of events) {
    const list = index.get(`${e.pod}`)?.get(e.instance);
    if (list && !done.has(list)) {
      done.add(list);
      appendAll(to, list);
    }
  }
}

function readText(f: BuildFile, read: ReadonlyMap<string, Buffer>, warnings: IngestWarning[]): string | undefined {
  const buf = read.get(f.abs) ?? fs.readFileSync(f.abs);
  if (looksBinary(buf.subarray(0, 8192))) {
    warnings.push({ file: f.rel, line: 1, message: 'binary data where text was expected; file skipped' });
    return undefined;
  }
  return buf.toString('utf8');
}

function isBinary(f: BuildFile): boolean {
  const fd = fs.openSync(f.abs, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return looksBinary(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/** Appends without spreading: spreading a few hundred thousand items into push() overflows the call stack. */
function appendAll<T>(to: T[], items: readonly T[]): void {
  for (const x of items) to.push(x);
}
