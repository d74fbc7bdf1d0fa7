// SLO verdicts read from the database: each rule against every run of a
// build it covers (`kpd slo check`, GET /api/v1/jobs/[job]/slo), the
// red/green of each job's latest build for the overview, and the thresholds a
// Builds chart draws. Also where the rules come from: `--slo FILE`,
// $KPD_SLO, data/slo.json, else the built-in defaults.
import fs from 'node:fs';
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import type { MetricName, NodeConfig } from '../model';
import { DEFAULT_SLOS, evaluateSlo, parseSloConfig, sloApplies, type SloRule } from '../slo';
import { SelectionError } from './errors';
import { jobId } from './selection';

export const DEFAULT_SLO_FILE = 'data/slo.json';

/**
 * The SLO rules in force: an explicit file (which must exist), else $KPD_SLO
 * (which must exist), else data/slo.json when present, else DEFAULT_SLOS.
 * A bad file is an SloConfigError naming the file and the place in it.
 */
export function loadSloRules(file?: string): SloRule[] {
  const explicit = file || process.env.KPD_SLO;
  if (explicit) return parseSloConfig(fs.readFileSync(explicit, 'utf8'), explicit);
  if (fs.existsSync(DEFAULT_SLO_FILE)) return parseSloConfig(fs.readFileSync(DEFAULT_SLO_FILE, 'utf8'), DEFAULT_SLO_FILE);
  return DEFAULT_SLOS;
}

export interface SloResult {
  slo: string;
  build: BuildId;
  test: string;
  image: string;
  machine: string;
  metric: MetricName;
  stat: string;
  /** null when the run has no such metric stat. */
  value: number | null;
  threshold: number;
  direction: SloRule['direction'];
  unit: string | null;
  /** null when there is no value to judge: reported, never counted as a violation. */
  ok: boolean | null;
}

export interface SloStatus {
  job: string;
  /** The build checked; null when the job has no builds. */
  build: BuildId | null;
  /** False when any result is a violation. */
  ok: boolean;
  results: SloResult[];
}

interface RunRow {
  run_id: number;
  test: string;
  image: string;
  machine: string;
}

interface StatRow {
  run_id: number;
  metric: MetricName;
  unit: string;
  stat: string;
  value: number;
}

/**
 * Every rule against every run of one build (the job's newest when `build`
 * is absent) that the rule covers, in rule order, then test and node order.
 */
export function sloStatus(db: DB, job: string, build: BuildId | undefined, rules: readonly SloRule[]): SloStatus {
  const id = jobId(db, job);
  const row =
    build === undefined
      ? db.prepare<[number], { id: number; number: BuildId }>(
          'SELECT id, number FROM builds WHERE job_id = ? ORDER BY sort_key DESC LIMIT 1',
        ).get(id)
      : db.prepare<[number, BuildId], { id: number; number: BuildId }>(
          'SELECT id, number FROM builds WHERE job_id = ? AND number = ?',
        ).get(id, build);
  if (!row) {
    if (build === undefined) return { job, build: null, ok: true, results: [] };
    const recent = db
      .prepare<[number], { number: BuildId }>('SELECT number FROM builds WHERE job_id = ? ORDER BY sort_key DESC LIMIT 10')
      .all(id)
      .map((r) => r.number);
    throw new SelectionError(`no build ${build} in job ${job}`, recent);
  }
  const runs = db
    .prepare<[number], RunRow>(
      `SELECT r.id AS run_id, t.name AS test, n.image, n.machine
       FROM runs r JOIN tests t ON t.id = r.test_id JOIN node_configs n ON n.id = r.node_config_id
       WHERE r.build_id = ? ORDER BY t.name, n.image, n.machine`,
    )
    .all(row.id);
  const stats = new Map<string, { value: number; unit: string }>();
  for (const s of db
    .prepare<[number], StatRow>(
      `SELECT m.run_id, m.name AS metric, m.unit, s.stat, s.value
       FROM runs r JOIN metrics m ON m.run_id = r.id AND m.name IS NOT NULL JOIN metric_stats s ON s.metric_id = m.id
       WHERE r.build_id = ?`,
    )
    .all(row.id)) {
    stats.set(`${s.run_id}\0${s.metric}\0${s.stat}`, { value: s.value, unit: s.unit });
  }
  const results: SloResult[] = [];
  for (const rule of rules) {
    for (const run of runs) {
      if (!sloApplies(rule, run.test, { image: run.image, machine: run.machine })) continue;
      const found = stats.get(`${run.run_id}\0${rule.metric}\0${rule.stat}`);
      results.push({
        slo: rule.name,
        build: row.number,
        test: run.test,
        image: run.image,
        machine: run.machine,
        metric: rule.metric,
        stat: rule.stat,
        value: found?.value ?? null,
        threshold: rule.threshold,
        direction: rule.direction,
        unit: found?.unit ?? rule.unit ?? null,
        ok: evaluateSlo(rule, found?.value).ok,
      });
    }
  }
  return { job, build: row.number, ok: results.every((r) => r.ok !== false), results };
}

export interface JobSloSummary {
  job: string;
  build: BuildId | null;
  ok: boolean;
  /** Results judged (with a value) and how many of them are violations. */
  checked: number;
  violations: number;
}

/** Red or green for every job's newest build: the overview's SLO column. */
export function sloOverview(db: DB, rules: readonly SloRule[]): JobSloSummary[] {
  return db
    .prepare<[], { name: string }>('SELECT name FROM jobs ORDER BY name')
    .all()
    .map(({ name }) => {
      const s = sloStatus(db, name, undefined, rules);
      return {
        job: name,
        build: s.build,
        ok: s.ok,
        checked: s.results.filter((r) => r.ok !== null).length,
        violations: s.results.filter((r) => r.ok === false).length,
      };
    });
}

export interface SloThreshold {
  slo: string;
  stat: string;
  threshold: number;
  direction: SloRule['direction'];
  unit: string | null;
}

/** The threshold lines one Builds chart (a metric of a test on a node config) draws. */
export function thresholdsFor(
  rules: readonly SloRule[],
  test: string,
  node: NodeConfig,
  metric: MetricName,
): SloThreshold[] {
  return rules
    .filter((r) => r.metric === metric && sloApplies(r, test, node))
    .map((r) => ({ slo: r.name, stat: r.stat, threshold: r.threshold, direction: r.direction, unit: r.unit ?? null }));
}
