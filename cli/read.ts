// Read-only commands: `kpd builds` and `kpd metrics`. They print what the
// query functions return, the same data the API and the pages show.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import type { MetricName } from '../lib/model';
import { listBuilds } from '../lib/queries/builds';
import { metricSeries } from '../lib/queries/metrics';
import { toIsoOrNull } from '../lib/time';
import { fmt, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

export function buildsCommand(db: DB, o: CommonOptions & { job: string }, out: Out): number {
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
      ...builds.map((b) => [b.number, toIsoOrNull(b.started)?.slice(0, 19).replace('T', ' '), b.result, b.version, b.runs, b.warnings]),
    ], new Set([4, 5])),
  );
  return 0;
}

export interface MetricsOptions extends CommonOptions {
  job: string;
  test: string;
  image?: string;
  machine?: string;
  metric: MetricName;
  from?: BuildId;
  to?: BuildId;
  last?: number;
}

export function metricsCommand(db: DB, o: MetricsOptions, out: Out): number {
  const res = metricSeries(db, o);
  if (o.json) {
    printJson(out, {
      unit: res.unit,
      series: res.series.map((p) => ({ build: p.build, started: toIsoOrNull(p.started), stats: p.stats })),
    });
    return 0;
  }
  const stats = [...new Set(res.series.flatMap((p) => Object.keys(p.stats)))];
  out(`${o.metric} of ${o.test} (${res.unit || 'no data'})`);
  out(table([['build', ...stats], ...res.series.map((p) => [p.build, ...stats.map((s) => fmt(p.stats[s]))])]));
  return 0;
}
