// What a job offers to choose from on the Builds, Comparison and Tracing
// pages: its tests (short name, Ginkgo description, parsed options) and, per
// test, only the node configs it actually ran on.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import type { NodeConfig, TestOptions } from '../model';
import { jobId } from './selection';

export interface ConfigChoice extends NodeConfig {
  /** Builds of the job with a run of this test on this config. */
  builds: number;
  firstBuild: BuildId;
  lastBuild: BuildId;
}

export interface TestChoice {
  name: string;
  description: string | null;
  options: TestOptions;
  configs: ConfigChoice[];
}

export interface JobOptions {
  job: string;
  tests: TestChoice[];
}

interface Row {
  name: string;
  description: string | null;
  options: string;
  image: string;
  machine: string;
  builds: number;
  first: BuildId;
  last: BuildId;
}

export function jobOptions(db: DB, job: string): JobOptions {
  const id = jobId(db, job);
  const rows = db
    .prepare<[number], Row>(
      `SELECT t.name, t.description, t.options, n.image, n.machine,
              (SELECT count(*) FROM runs r WHERE r.series_id = s.id) AS builds,
              (SELECT build FROM runs r WHERE r.series_id = s.id ORDER BY build_key LIMIT 1) AS first,
              (SELECT build FROM runs r WHERE r.series_id = s.id ORDER BY build_key DESC LIMIT 1) AS last
       FROM series s
       JOIN tests t ON t.id = s.test_id
       JOIN node_configs n ON n.id = s.node_config_id
       WHERE s.job_id = ? AND EXISTS (SELECT 1 FROM runs r WHERE r.series_id = s.id)
       ORDER BY t.name, n.image, n.machine`,
    )
    .all(id);
  const tests: TestChoice[] = [];
  for (const r of rows) {
    let t = tests[tests.length - 1];
    if (!t || t.name !== r.name) {
      t = { name: r.name, description: r.description, options: JSON.parse(r.options) as TestOptions, configs: [] };
      tests.push(t);
    }
    t.configs.push({ image: r.image, machine: r.machine, builds: r.builds, firstBuild: r.first, lastBuild: r.last });
  }
  return { job, tests: tests.sort(byOptions) };
}

/** Density tests by operation, mode and pod counts numerically, then resource tests, then the rest by name. */
function byOptions(a: TestChoice, b: TestChoice): number {
  const kinds = ['density', 'resource', 'other'];
  const k = kinds.indexOf(a.options.kind) - kinds.indexOf(b.options.kind);
  if (k) return k;
  const oa = a.options;
  const ob = b.options;
  if (oa.kind === 'density' && ob.kind === 'density') {
    return (
      oa.operation.localeCompare(ob.operation) ||
      oa.mode.localeCompare(ob.mode) ||
      oa.pods - ob.pods ||
      oa.backgroundPods - ob.backgroundPods ||
      oa.intervalMs - ob.intervalMs ||
      (oa.qps ?? -1) - (ob.qps ?? -1)
    );
  }
  if (oa.kind === 'resource' && ob.kind === 'resource') return oa.pods - ob.pods;
  return a.name.localeCompare(b.name);
}

/**
 * Fills in a partial selection from what exists: the first test (in option
 * order) when none is given, then the first node config the test ran on
 * that agrees with the image and machine given. Null when nothing matches.
 */
export function pickSeries(
  opts: JobOptions,
  want: { test?: string; image?: string; machine?: string },
): { test: TestChoice; config: ConfigChoice } | null {
  const test = want.test === undefined ? opts.tests[0] : opts.tests.find((t) => t.name === want.test);
  if (!test) return null;
  const config =
    test.configs.find(
      (c) => (want.image === undefined || c.image === want.image) && (want.machine === undefined || c.machine === want.machine),
    ) ?? null;
  return config ? { test, config } : null;
}
