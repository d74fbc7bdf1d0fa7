// Read-only commands: `kpd builds` (a job's builds, or one build with its runs
// and ingest report) and `kpd metrics`. They print what the query functions
// return, the same data the API and the pages show.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import type { MetricName } from '../lib/model';
import { buildDetail, buildDetailJson, checkRange, listBuilds } from '../lib/queries/builds';
import { metricSeries } from '../lib/queries/metrics';
import { toIsoOrNull } from '../lib/time';
import { requireTest } from './choices';
import { fmtColumn, plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

const shortTime = (us: number | null | undefined) => toIsoOrNull(us)?.slice(0, 19).replace('T', ' ') ?? null;

export function buildsCommand(db: DB, o: CommonOptions & { job: string; build?: BuildId }, out: Out): number {
  if (o.build !== undefined) return buildCommand(db, o.job, o.build, o, out);
  const builds = listBuilds(db, o.job);
  if (o.json) {
    printJson(out, {
      job: o.job,
      builds: builds.map((b) => ({ ...b, started: toIsoOrNull(b.started) })),
    });
    return 0;
  }
  if (!builds.length) {
    out(`job ${o.job} has no builds`);
    return 0;
  }
  out(
    table([
      ['build', 'started (UTC)', 'result', 'version', 'runs', 'warnings'],
      ...builds.map((b) => [b.number, shortTime(b.started), b.result, b.version, b.runs, b.warnings]),
    ]),
  );
  const warned = builds.filter((b) => b.warnings > 0);
  if (warned.length) out(`read a build's warnings with: kpd builds --job ${o.job} --build ${warned[warned.length - 1].number}`);
  return 0;
}

function buildCommand(db: DB, job: string, number: BuildId, o: CommonOptions, out: Out): number {
  const d = buildDetail(db, job, number);
  if (o.json) {
    printJson(out, buildDetailJson(d));
    return 0;
  }
  const b = d.build;
  out(`${job} build ${b.number}: ${b.result ?? 'no result'}, ${b.version ?? 'no version'}`);
  out(`started ${shortTime(b.started) ?? 'unknown'} UTC, ${b.durationS === null ? 'duration unknown' : `took ${formatDuration(b.durationS)}`}`);
  for (const [name, url] of [['prow', b.links.prow], ['artifacts', b.links.artifacts]] as const) if (url) out(`${name}: ${url}`);
  out('');
  if (d.runs.length) {
    out(
      table([
        ['test', 'image', 'machine', 'status', 'probe events'],
        ...d.runs.map((r) => [r.test, r.image, r.machine, r.status, r.probeEvents]),
      ]),
    );
  }
  out(`${plural(d.runs.length, 'run')}, ${plural(d.report.metrics, 'metric')}, ${plural(d.report.probeEvents, 'probe event')}; ${plural(d.report.warnings.length, 'warning')}${d.report.warnings.length ? ':' : ''}`);
  for (const w of d.report.warnings) out(`  ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`);
  return 0;
}

/** 95 s -> "1m35s", 3725 s -> "1h02m05s". */
export function formatDuration(s: number): string {
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}h${pad(m)}m${pad(sec)}s` : m ? `${m}m${pad(sec)}s` : `${sec}s`;
}

export interface MetricsOptions extends CommonOptions {
  job: string;
  test?: string;
  image?: string;
  machine?: string;
  metric: MetricName;
  from?: BuildId;
  to?: BuildId;
  last?: number;
}

export function metricsCommand(db: DB, o: MetricsOptions, out: Out): number {
  checkRange(o);
  const test = requireTest(db, o, 'metrics');
  const res = metricSeries(db, { ...o, test });
  if (o.json) {
    printJson(out, {
      unit: res.unit,
      series: res.series.map((p) => ({ build: p.build, started: toIsoOrNull(p.started), stats: p.stats })),
    });
    return 0;
  }
  const stats = [...new Set(res.series.flatMap((p) => Object.keys(p.stats)))];
  out(`${o.metric} of ${test} (${res.unit || 'no data'})`);
  if (!res.series.length) {
    out(`no builds of ${test} in that range`);
    return 0;
  }
  const columns = stats.map((s) => fmtColumn(res.series.map((p) => p.stats[s])));
  out(table([['build', ...stats], ...res.series.map((p, i) => [p.build, ...columns.map((c) => c[i])])]));
  return 0;
}
