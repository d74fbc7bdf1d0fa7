// The Time series page: one run (test x node config of one build), as the
// cumulative number of pods that reached each probe since the test started,
// kubelet and runtime CPU and memory on the same time axis, and the
// kubelet's own per-pod startup SLO durations.
import type { DB } from '../db/open';
import type { BuildId } from '../build-id';
import { buildLinks } from '../links';
import { jobLinkTemplates } from './sync';
import type { BuildLinks, Micros, NodeConfig, ProbeEvent, ProbeSource } from '../model';
import { summarize, type Summary } from '../stats';
import { startupOrder } from '../tracing';
import { SelectionError } from './errors';
import { jobId } from './selection';

export interface RunRef extends NodeConfig {
  test: string;
}

/** One probe's cumulative count: [seconds since the test started, pods so far]. */
export interface ProbeLine {
  probe: string;
  source: ProbeSource;
  points: [number, number][];
}

export interface ResourceLine {
  container: string;
  cpuUnit: string;
  memoryUnit: string;
  /** [seconds since the test started, cpu, memory] */
  points: [number, number | null, number | null][];
}

export interface PodStartupSummary {
  /** podStartSLOduration, seconds, over pods whose value is plausible. */
  slo: Summary;
  e2e: Summary;
  /** Absurd values the kubelet logged (a known kubelet bug), left out of the summaries. */
  flagged: number;
  slowest: { pod: string; sloSeconds: number | null; e2eSeconds: number | null }[];
}

export interface RunSeries {
  job: string;
  build: BuildId;
  started: Micros | null;
  result: string | null;
  version: string | null;
  commit: string | null;
  links: BuildLinks;
  /** Every run of the build, for the run picker. */
  runs: RunRef[];
  run: RunRef & { host: string | null; description: string | null };
  /** Time zero of the page: the test's start. */
  t0: Micros;
  probes: ProbeLine[];
  resources: ResourceLine[];
  podStartups: PodStartupSummary | null;
}

interface RunRow {
  id: number;
  test: string;
  image: string;
  machine: string;
  host: string | null;
  description: string | null;
  start_us: number | null;
  probes: number;
}

export function runSeries(
  db: DB,
  q: { job: string; build: BuildId; test?: string; image?: string; machine?: string },
): RunSeries {
  const build = db
    .prepare<
      [number, BuildId],
      { id: number; started_us: number | null; result: string | null; version: string | null; commit_sha: string | null; prow_url: string | null }
    >('SELECT id, started_us, result, version, commit_sha, prow_url FROM builds WHERE job_id = ? AND number = ?')
    .get(jobId(db, q.job), q.build);
  if (!build) throw new SelectionError(`no build ${q.build} in job ${q.job}`);
  const rows = db
    .prepare<[number], RunRow>(
      `SELECT r.id, t.name AS test, n.image, n.machine, r.host, r.description, r.start_us,
              EXISTS (SELECT 1 FROM probe_events p WHERE p.run_id = r.id) AS probes
       FROM runs r JOIN tests t ON t.id = r.test_id JOIN node_configs n ON n.id = r.node_config_id
       WHERE r.build_id = ? ORDER BY r.start_us, t.name, n.image, n.machine`,
    )
    .all(build.id);
  if (!rows.length) throw new SelectionError(`build ${q.build} of ${q.job} has no runs`);
  const matching = rows.filter(
    (r) =>
      (q.test === undefined || r.test === q.test) &&
      (q.image === undefined || r.image === q.image) &&
      (q.machine === undefined || r.machine === q.machine),
  );
  const ref = (r: RunRow) => `--test '${r.test}' --image '${r.image}' --machine '${r.machine}'`;
  if (!matching.length) throw new SelectionError(`no such run in build ${q.build}`, rows.map(ref));
  // Without a full selection, the first run with probe events is the most telling default.
  const run = matching.find((r) => r.probes) ?? matching[0];

  const events = db
    .prepare<[number], { probe: string; source: ProbeSource; t_us: number }>(
      'SELECT probe, source, t_us FROM probe_events WHERE run_id = ? ORDER BY probe, t_us',
    )
    .all(run.id);
  const resources = db
    .prepare<[number], { container: string; t_us: number; cpu: number | null; memory: number | null; cpu_unit: string; memory_unit: string }>(
      'SELECT container, t_us, cpu, memory, cpu_unit, memory_unit FROM resource_points WHERE run_id = ? ORDER BY container, t_us',
    )
    .all(run.id);
  // The run's window starts where the previous test on the host ended; the first sample or event is when this test began.
  let t0 = Number.MAX_SAFE_INTEGER;
  for (const e of events) t0 = Math.min(t0, e.t_us);
  for (const r of resources) t0 = Math.min(t0, r.t_us);
  if (t0 === Number.MAX_SAFE_INTEGER) t0 = run.start_us ?? build.started_us ?? 0;
  const secs = (t: Micros) => Math.round((t - t0) / 1000) / 1000;

  const byProbe = new Map<string, ProbeLine>();
  for (const e of events) {
    let line = byProbe.get(e.probe);
    if (!line) byProbe.set(e.probe, (line = { probe: e.probe, source: e.source, points: [] }));
    line.points.push([secs(e.t_us), line.points.length + 1]);
  }
  const asEvents: ProbeEvent[] = events.map((e) => ({ probe: e.probe, time: e.t_us, instance: 0, source: e.source }));
  const probes = startupOrder([...byProbe.keys()], asEvents).map((p) => byProbe.get(p)!);

  const byContainer = new Map<string, ResourceLine>();
  for (const r of resources) {
    let line = byContainer.get(r.container);
    if (!line) byContainer.set(r.container, (line = { container: r.container, cpuUnit: r.cpu_unit, memoryUnit: r.memory_unit, points: [] }));
    line.points.push([secs(r.t_us), r.cpu, r.memory]);
  }

  return {
    job: q.job,
    build: q.build,
    started: build.started_us,
    result: build.result,
    version: build.version,
    commit: build.commit_sha,
    links: buildLinks(q.job, { number: q.build, prowUrl: build.prow_url }, jobLinkTemplates(db, q.job)),
    runs: rows.map((r) => ({ test: r.test, image: r.image, machine: r.machine })),
    run: { test: run.test, image: run.image, machine: run.machine, host: run.host, description: run.description },
    t0,
    probes,
    resources: [...byContainer.values()],
    podStartups: podStartups(db, run.id),
  };
}

function podStartups(db: DB, runId: number): PodStartupSummary | null {
  const rows = db
    .prepare<[number], { pod: string; slo: number | null; e2e: number | null; flagged: number }>(
      `SELECT pod, slo_duration_s AS slo, e2e_duration_s AS e2e, flagged FROM pod_startups WHERE run_id = ?
       ORDER BY flagged, slo_duration_s DESC`,
    )
    .all(runId);
  if (!rows.length) return null;
  const ok = rows.filter((r) => !r.flagged);
  return {
    slo: summarize(ok.flatMap((r) => (r.slo === null ? [] : [r.slo]))),
    e2e: summarize(ok.flatMap((r) => (r.e2e === null ? [] : [r.e2e]))),
    flagged: rows.length - ok.length,
    slowest: ok.slice(0, 10).map((r) => ({ pod: r.pod, sloSeconds: r.slo, e2eSeconds: r.e2e })),
  };
}
