// `kpd serve` (and `npm start`): fills an empty database with the committed
// samples, builds the Next.js app when the build is missing or older than the
// sources, then serves it. With --sync, this process also keeps the followed
// jobs in step with their buckets while the server (a child process) runs;
// each build it writes is one IMMEDIATE transaction, so the server's uploads
// and the sync never interleave inside a build.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dbPath, openDb } from '../lib/db/open';
import { ingestBuilds } from '../ingest/ingest';
import { discoverBuilds } from '../ingest/sources/local';
import { remoteSettingsFromEnv } from '../ingest/remote';
import { jobsFile, loadJobsConfig } from '../ingest/sync/config';
import { startSyncLoop, type SyncLoop } from '../ingest/sync/sync';
import type { CommonOptions } from './options';

export interface ServeOptions extends CommonOptions {
  port: number;
  dev?: boolean;
  sync?: boolean;
  /** Milliseconds between sync passes. */
  every: number;
  jobs?: string;
}

/** How long a sync pass may take to reach the end of its job once the server has stopped. */
const SYNC_STOP_GRACE_MS = 5000;

const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLES = path.join(ROOT, 'data/samples');
const NEXT = path.join(ROOT, 'node_modules/.bin/next');
const SOURCES = ['app', 'lib', 'next.config.ts', 'package.json', 'tsconfig.json'];

/** Ingests every job directory under data/samples when the database has no builds. */
export async function seedIfEmpty(file: string, log: (s: string) => void): Promise<void> {
  const db = openDb(file);
  try {
    const { n } = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM builds').get()!;
    if (n > 0 || !fs.existsSync(SAMPLES)) return;
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

export async function serveCommand(o: ServeOptions): Promise<number> {
  const file = path.resolve(dbPath(o.db));
  const jobs = jobsFile(o.jobs);
  // A broken jobs file is reported before anything starts, not in the first pass.
  if (o.sync) loadJobsConfig(jobs);
  // A server that follows real jobs starts from them, not from demo samples.
  if (!o.sync) await seedIfEmpty(file, (s) => process.stderr.write(s + '\n'));
  const env = { ...process.env, KPD_DB: file, NEXT_TELEMETRY_DISABLED: '1' };
  if (!o.dev && !buildIsFresh()) {
    process.stderr.write('kpd: building the dashboard (next build)…\n');
    const b = spawnSync(NEXT, ['build'], { cwd: ROOT, env, stdio: 'inherit' });
    if (b.status !== 0) return b.status ?? 1;
  }
  process.stderr.write(`kpd: dashboard on http://localhost:${o.port} (database ${file})\n`);
  const child = spawn(NEXT, [o.dev ? 'dev' : 'start', '-p', String(o.port)], { cwd: ROOT, env, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  const sync = o.sync ? startSync(file, jobs, o.every) : undefined;
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 0)));
  if (sync) {
    const idle = await Promise.race([sync.loop.stop().then(() => true), sleep(SYNC_STOP_GRACE_MS).then(() => false)]);
    // Downloads still in flight would hold the process open; what was written is whole (one transaction per build).
    if (!idle) process.exit(code);
    sync.db.close();
  }
  return code;
}

function startSync(file: string, jobs: string, everyMs: number): { loop: SyncLoop; db: ReturnType<typeof openDb> } {
  const db = openDb(file);
  process.stderr.write(`kpd: syncing the jobs of ${jobs} every ${Math.round(everyMs / 1000)} s\n`);
  const loop = startSyncLoop({
    db,
    loadJobs: () => loadJobsConfig(jobs),
    settings: () => remoteSettingsFromEnv(),
    everyMs,
    log: (line) => process.stderr.write(`kpd sync: ${line}\n`),
  });
  return { loop, db };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
