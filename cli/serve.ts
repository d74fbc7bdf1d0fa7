// `kpd serve` (and `npm start`): fills an empty database with the committed
// samples, builds the Next.js app when the build is missing or older than the
// sources, then serves it (cli/server/http.ts) until SIGINT or SIGTERM. With
// --sync, a thread of its own keeps the followed jobs in step with their
// buckets (cli/server/sync-thread.ts); each build it writes is one IMMEDIATE
// transaction, so it and the uploads never interleave inside a build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dbPath, openDb } from '../lib/db/open';
import type { CommonOptions } from './options';
import { projectRoot } from './paths';
import { startDashboard } from './server/http';
import { startSyncThread } from './server/sync-thread';
import { jobsFile, loadJobsConfig } from '../ingest/sync/config';
import { environmentProblem } from '../lib/db/problems';

const ROOT = projectRoot(import.meta.url);
const SAMPLES = path.join(ROOT, 'data/samples');
const NEXT = path.join(ROOT, 'node_modules/.bin/next');
const SOURCES = ['app', 'lib', 'ingest', 'next.config.ts', 'package.json', 'tsconfig.json'];

/** Ingests every job directory under data/samples when the database has no builds. */
export async function seedIfEmpty(file: string, log: (s: string) => void): Promise<void> {
  const db = openDb(file);
  try {
    const { n } = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM builds').get()!;
    if (n > 0 || !fs.existsSync(SAMPLES)) return;
    // The parsers load only when there is something to read: a server on a full database starts without them.
    const [{ ingestBuilds }, { discoverBuilds }] = await Promise.all([import('../ingest/ingest'), import('../ingest/sources/local')]);
    for (const job of fs.readdirSync(SAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const results = await ingestBuilds(db, discoverBuilds(path.join(SAMPLES, job.name)));
      log(`kpd: empty database; ingested ${results.length} sample builds of ${job.name}`);
    }
  } finally {
    db.close();
  }
}

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const ent of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, ent)));
  return newest;
}

/** True when .next holds a production build newer than every source file. */
export function buildIsFresh(): boolean {
  const id = path.join(ROOT, '.next/BUILD_ID');
  if (!fs.existsSync(id)) return false;
  const built = fs.statSync(id).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(ROOT, s)) <= built);
}

export interface ServeOptions extends CommonOptions {
  port: number;
  hostname?: string;
  /** false: an empty database stays empty (`--no-samples`). */
  samples?: boolean;
  dev?: boolean;
  /** Keep the followed jobs (`jobs`) in step with their buckets, a pass every `every` ms. */
  sync?: boolean;
  every: number;
  jobs?: string;
}

export async function serveCommand(o: ServeOptions): Promise<number> {
  const file = path.resolve(dbPath(o.db));
  const jobs = jobsFile(o.jobs);
  // A broken jobs file is reported before anything starts, not in the first pass.
  if (o.sync) loadJobsConfig(jobs);
  try {
    // A server that follows real jobs starts from them, not from the samples.
    if (o.samples === false || o.sync) openDb(file).close();
    else await seedIfEmpty(file, (s) => process.stderr.write(s + '\n'));
  } catch (e) {
    const problem = environmentProblem(e, file);
    if (problem?.kind !== 'readonly' && problem?.kind !== 'denied') throw e;
    process.stderr.write(`kpd: ${problem.message}; serving it as it is (uploads will be refused)\n`);
  }
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  if (!o.dev && !buildIsFresh()) {
    process.stderr.write('kpd: building the dashboard (next build)…\n');
    const b = spawnSync(NEXT, ['build'], { cwd: ROOT, env: { ...process.env, KPD_DB: file }, stdio: 'inherit' });
    if (b.status !== 0) return b.status ?? 1;
  }
  const dashboard = await startDashboard({ port: o.port, hostname: o.hostname, dbFile: file, dev: o.dev, dir: ROOT });
  process.stderr.write(`kpd: dashboard on ${dashboard.url} (database ${file})\n`);
  const sync = o.sync ? startSyncThread({ dbFile: file, jobsFile: jobs, everyMs: o.every }, (line) => process.stderr.write(`kpd sync: ${line}\n`)) : undefined;
  if (sync) process.stderr.write(`kpd: syncing the jobs of ${jobs} every ${Math.round(o.every / 1000)} s\n`);
  return new Promise((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        Promise.all([dashboard.close(), sync?.stop()]).then(() => resolve(0), () => resolve(1));
      });
    }
  });
}
