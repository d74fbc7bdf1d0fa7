// Shared by the bucket tests: kpd run as a child process without blocking
// this one (the S3 and GCS servers answer from this process), the job they
// serve, and what a database holds of a job, to compare a bucket's ingest
// with a local one.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_DEMO, writeDemoJob } from '../../ingest/demo/generate';
import { openDb } from '../../lib/db/open';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const JOB = DEFAULT_DEMO.job;

export interface KpdRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function kpd(env: Record<string, string>, ...args: string[]): Promise<KpdRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/kpd'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function kpdJson<T>(env: Record<string, string>, ...args: string[]): Promise<T> {
  const r = await kpd(env, ...args, '--json');
  if (r.code !== 0) throw new Error(`kpd ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Four builds (1840-1843) of the demo job: the first with build-log blocks and legacy logs, two node configs, gzipped and plain kubelet logs. */
export function writeJob(dir: string): string {
  return writeDemoJob(dir, {
    ...DEFAULT_DEMO,
    ids: 'jenkins',
    builds: 4,
    tests: DEFAULT_DEMO.tests.filter((t) => t.pods <= 35),
    nodes: DEFAULT_DEMO.nodes.slice(0, 2),
    legacyBuilds: 1,
    noisePerPod: 1,
  });
}

export interface BuildValues {
  number: string;
  started_us: number | null;
  finished_us: number | null;
  result: string | null;
  content_hash: string;
  warnings: number;
  runs: number;
  metrics: number;
  stats: number;
  points: number;
  probes: number;
  startups: number;
  statSum: number;
}

/** Everything a build holds, per build: what must be equal whichever way the build was read. */
export function buildValues(dbFile: string, job = JOB): BuildValues[] {
  const db = openDb(dbFile);
  try {
    return db
      .prepare(
        `SELECT b.number, b.started_us, b.finished_us, b.result, b.content_hash, b.warnings,
           (SELECT count(*) FROM runs r WHERE r.build_id = b.id) AS runs,
           (SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.build_id = b.id) AS metrics,
           (SELECT count(*) FROM metric_stats s JOIN metrics m ON m.id = s.metric_id JOIN runs r ON r.id = m.run_id WHERE r.build_id = b.id) AS stats,
           (SELECT count(*) FROM resource_points p JOIN runs r ON r.id = p.run_id WHERE r.build_id = b.id) AS points,
           (SELECT count(*) FROM probe_events e JOIN runs r ON r.id = e.run_id WHERE r.build_id = b.id) AS probes,
           (SELECT count(*) FROM pod_startups u JOIN runs r ON r.id = u.run_id WHERE r.build_id = b.id) AS startups,
           (SELECT round(total(s.value), 6) FROM metric_stats s JOIN metrics m ON m.id = s.metric_id JOIN runs r ON r.id = m.run_id WHERE r.build_id = b.id) AS statSum
         FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = ? ORDER BY b.sort_key`,
      )
      .all(job) as BuildValues[];
  } finally {
    db.close();
  }
}
