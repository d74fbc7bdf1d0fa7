// Writes one parsed build into SQLite in a single transaction: the build is
// there whole or not at all. The same content again is a no-op; changed
// content replaces the build (its runs and everything under them) atomically;
// `force` rewrites it even when unchanged (reingest after a parser fix).
import { UserError } from '../lib/errors';
import type { DB } from '../lib/db/open';
import type { Statement } from 'better-sqlite3';
import { buildOrderKey, type BuildId } from '../lib/build-id';
import { topStat, type BuildRecord, type ProbeEvent, type RunRecord } from '../lib/model';
import { metricNameOf } from './parsers/metrics';

export type LoadOutcome = 'inserted' | 'replaced' | 'unchanged';

export interface LoadResult {
  outcome: LoadOutcome;
  buildId: number;
  rows: number;
}

export interface LoadOptions {
  /** When false, different content for an existing build is refused (BuildConflictError). */
  replace?: boolean;
  /** Rewrite the build even when its content is unchanged: a reingest after a parser fix parses the same bytes differently. */
  force?: boolean;
}

export class BuildConflictError extends UserError {
  constructor(
    readonly job: string,
    readonly number: BuildId,
  ) {
    super(`build ${job}#${number} exists with different content; replace it explicitly`);
  }
}

/** Rows per many-row statement: most of the per-call cost is gone by 64, and 64 rows of the widest table stay far under SQLite's 32,766 parameters. */
const BATCH = 64;

/**
 * Rows of one table written many at a time: one statement of BATCH rows
 * while a build has that many, and the rest in one statement of their count
 * at the end of the build. Fewer calls into SQLite, and rows that arrive in
 * index order go in as appends. Rows wait in one reused array, passed as
 * arguments: better-sqlite3 binds arguments directly but reads an array's
 * values one property lookup at a time.
 */
class BatchInsert {
  private readonly many;
  /** Statements for the last, shorter batch of a build, by its row count. */
  private readonly rest = new Map<number, Statement>();
  private readonly pending: unknown[];
  private n = 0;

  constructor(
    private readonly db: DB,
    private readonly head: string,
    private readonly columns: number,
  ) {
    this.many = db.prepare(this.sql(BATCH));
    this.pending = new Array<unknown>(BATCH * columns);
  }

  private sql(rows: number): string {
    const row = `(${Array(this.columns).fill('?').join(', ')})`;
    return `${this.head} VALUES ${Array(rows).fill(row).join(', ')}`;
  }

  add(...values: unknown[]): void {
    const pending = this.pending;
    let n = this.n;
    for (let i = 0; i < values.length; i++) pending[n++] = values[i];
    if (n === pending.length) {
      this.many.run(...pending);
      n = 0;
    }
    this.n = n;
  }

  flush(): void {
    if (this.n === 0) return;
    const rows = this.n / this.columns;
    let stmt = this.rest.get(rows);
    if (!stmt) {
      stmt = this.db.prepare(this.sql(rows));
      this.rest.set(rows, stmt);
    }
    this.n = 0;
    stmt.run(...this.pending.slice(0, rows * this.columns));
  }

  /** Forgets rows of a build that failed before they were written. */
  clear(): void {
    this.n = 0;
  }
}

/** Prepared statements, built once per database handle. */
class Statements {
  readonly job;
  readonly jobId;
  readonly existing;
  readonly deleteBuild;
  readonly insertBuild;
  readonly nodeConfig;
  readonly nodeConfigId;
  readonly test;
  readonly testId;
  readonly series;
  readonly seriesId;
  readonly insertRun;
  readonly insertMetric;
  readonly insertStat;
  readonly insertChartPoint;
  readonly insertPoint;
  readonly insertProbe;
  readonly insertStartup;
  readonly insertSpan;
  /** Every batched table: a build's last rows are written when the build is. */
  readonly batches: readonly BatchInsert[];

  constructor(db: DB) {
    this.job = db.prepare('INSERT INTO jobs (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
    this.jobId = db.prepare<[string], { id: number }>('SELECT id FROM jobs WHERE name = ?');
    this.existing = db.prepare<[number, BuildId], { id: number; content_hash: string }>(
      'SELECT id, content_hash FROM builds WHERE job_id = ? AND number = ?',
    );
    this.deleteBuild = db.prepare('DELETE FROM builds WHERE id = ?');
    this.insertBuild = db.prepare(
      `INSERT INTO builds (job_id, number, sort_key, started_us, finished_us, result, version, commit_sha, repo, pull, prow_url,
                           source, content_hash, ingested_us, warnings, report)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.nodeConfig = db.prepare(
      'INSERT INTO node_configs (image, machine) VALUES (?, ?) ON CONFLICT (image, machine) DO NOTHING',
    );
    this.nodeConfigId = db.prepare<[string, string], { id: number }>(
      'SELECT id FROM node_configs WHERE image = ? AND machine = ?',
    );
    this.test = db.prepare(
      `INSERT INTO tests (name, description, options) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET description = coalesce(excluded.description, tests.description)`,
    );
    this.testId = db.prepare<[string], { id: number }>('SELECT id FROM tests WHERE name = ?');
    this.series = db.prepare(
      `INSERT INTO series (job_id, test_id, node_config_id) VALUES (?, ?, ?)
       ON CONFLICT (job_id, test_id, node_config_id) DO NOTHING`,
    );
    this.seriesId = db.prepare<[number, number, number], { id: number }>(
      'SELECT id FROM series WHERE job_id = ? AND test_id = ? AND node_config_id = ?',
    );
    this.insertRun = db.prepare(
      `INSERT INTO runs (build_id, test_id, node_config_id, host, description, perf_version, start_us, end_us, status,
                         series_id, build, build_key, build_started_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMetric = db.prepare('INSERT INTO metrics (run_id, name, unit, labels) VALUES (?, ?, ?, ?)');
    this.insertChartPoint = db.prepare(
      `INSERT INTO chart_points (series_id, metric, build_key, build, run_id, started_us, unit, stats, top)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertStat = new BatchInsert(db, 'INSERT INTO metric_stats (metric_id, stat, value)', 3);
    this.insertPoint = new BatchInsert(
      db,
      'INSERT OR REPLACE INTO resource_points (run_id, container, t_us, cpu, memory, cpu_unit, memory_unit)',
      7,
    );
    this.insertProbe = new BatchInsert(db, 'INSERT INTO probe_events (run_id, probe, pod, uid, instance, t_us, source, line, offset)', 9);
    this.insertSpan = new BatchInsert(
      db,
      `INSERT INTO pod_spans (run_id, pod, uid, instance, trace_id, span_id, parent_span_id, name, kind, service, start_us, end_us,
                              depth, error, attributes, line)`,
      16,
    );
    this.insertStartup = new BatchInsert(
      db,
      'INSERT OR REPLACE INTO pod_startups (run_id, pod, uid, instance, slo_duration_s, e2e_duration_s, flagged)',
      7,
    );
    this.batches = [this.insertStat, this.insertPoint, this.insertProbe, this.insertSpan, this.insertStartup];
  }
}

const statements = new WeakMap<DB, Statements>();

function prepared(db: DB): Statements {
  let s = statements.get(db);
  if (!s) {
    s = new Statements(db);
    statements.set(db, s);
  }
  return s;
}

/** The id of a job, creating it when new. */
export function ensureJob(db: DB, name: string): number {
  const s = prepared(db);
  s.job.run(name);
  return s.jobId.get(name)!.id;
}

export function writeBuild(db: DB, build: BuildRecord, opts: LoadOptions = {}): LoadResult {
  const s = prepared(db);
  for (const b of s.batches) b.clear();
  const write = db.transaction((): LoadResult => {
    const jobId = ensureJob(db, build.job);
    const existing = s.existing.get(jobId, build.number);
    if (existing && existing.content_hash === build.contentHash && !opts.force) {
      return { outcome: 'unchanged', buildId: existing.id, rows: 0 };
    }
    if (existing && opts.replace === false) throw new BuildConflictError(build.job, build.number);
    if (existing) s.deleteBuild.run(existing.id);

    const key = buildOrderKey(build.started, build.number);
    const buildId = Number(
      s.insertBuild.run(
        jobId,
        build.number,
        key,
        build.started ?? null,
        build.finished ?? null,
        build.result ?? null,
        build.version ?? null,
        build.commit ?? null,
        build.repo ?? null,
        build.pull ?? null,
        build.prowUrl ?? null,
        build.source,
        build.contentHash,
        Date.now() * 1000,
        build.report.warnings.length,
        JSON.stringify(build.report),
      ).lastInsertRowid,
    );
    let rows = 1;
    for (const run of build.runs) rows += writeRun(s, { id: buildId, jobId, number: build.number, key, started: build.started }, run);
    for (const b of s.batches) b.flush();
    return { outcome: existing ? 'replaced' : 'inserted', buildId, rows };
  });
  return write.immediate();
}

const byProbeThenTime = (a: ProbeEvent, b: ProbeEvent) => (a.probe < b.probe ? -1 : a.probe > b.probe ? 1 : a.time - b.time);

interface BuildKey {
  id: number;
  jobId: number;
  number: BuildId;
  /** The build's order key (lib/build-id.ts). */
  key: string;
  started?: number;
}

function writeRun(s: Statements, build: BuildKey, run: RunRecord): number {
  s.nodeConfig.run(run.node.image, run.node.machine);
  const nodeConfigId = s.nodeConfigId.get(run.node.image, run.node.machine)!.id;
  s.test.run(run.test, run.description ?? null, JSON.stringify(run.options));
  const testId = s.testId.get(run.test)!.id;
  s.series.run(build.jobId, testId, nodeConfigId);
  const seriesId = s.seriesId.get(build.jobId, testId, nodeConfigId)!.id;
  const runId = Number(
    s.insertRun.run(
      build.id,
      testId,
      nodeConfigId,
      run.host ?? null,
      run.description ?? null,
      run.perfVersion ?? null,
      run.start ?? null,
      run.end ?? null,
      run.status ?? null,
      seriesId,
      build.number,
      build.key,
      build.started ?? null,
    ).lastInsertRowid,
  );
  let rows = 1;
  const named = new Set<string>();
  for (const item of run.items) {
    let name = metricNameOf(item);
    // A second item for the same plot (a retry printed twice) is kept but not plotted.
    if (name && named.has(name)) name = null;
    if (name) named.add(name);
    const metricId = Number(
      s.insertMetric.run(runId, name, item.unit, JSON.stringify(item.labels)).lastInsertRowid,
    );
    rows++;
    for (const [stat, value] of Object.entries(item.data)) {
      s.insertStat.add(metricId, stat, value);
      rows++;
    }
    if (name) {
      s.insertChartPoint.run(
        seriesId,
        name,
        build.key,
        build.number,
        runId,
        build.started ?? null,
        item.unit,
        JSON.stringify(item.data),
        item.data[topStat(name)] ?? null,
      );
      rows++;
    }
  }
  for (const [container, series] of Object.entries(run.resources)) {
    for (let i = 0; i < series.ts.length; i++) {
      s.insertPoint.add(runId, container, series.ts[i], series.cpu[i] ?? null, series.memory[i] ?? null, series.unit.cpu, series.unit.memory);
      rows++;
    }
  }
  // In the order of their index (run, probe, time): appended to it rather than inserted all over it.
  for (const e of [...run.probes].sort(byProbeThenTime)) {
    s.insertProbe.add(runId, e.probe, e.pod ?? null, e.uid ?? null, e.instance, e.time, e.source, e.line ?? null, e.offset ?? null);
    rows++;
  }
  for (const sp of run.spans ?? []) {
    s.insertSpan.add(
      runId, sp.pod, sp.uid ?? null, sp.instance, sp.traceId, sp.spanId, sp.parentSpanId ?? null, sp.name, sp.kind,
      sp.service ?? null, sp.start, sp.end, sp.depth, sp.error ? 1 : 0, JSON.stringify(sp.attributes), sp.line ?? null,
    );
    rows++;
  }
  for (const p of run.podStartups) {
    s.insertStartup.add(runId, p.pod, p.uid ?? null, p.instance, p.sloDuration ?? null, p.e2eDuration ?? null, p.flagged ? 1 : 0);
    rows++;
  }
  return rows;
}
