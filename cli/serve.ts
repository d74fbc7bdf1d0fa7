// `kpd serve` (and `npm start`): fills an empty database with the committed
// samples, builds the Next.js app when the build is missing or older than the
// sources, then serves it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dbPath, openDb } from '../lib/db/open';
import { ingestBuilds } from '../ingest/ingest';
import { discoverBuilds } from '../ingest/sources/local';
import type { CommonOptions } from './options';

const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLES = path.join(ROOT, 'data/samples');
const NEXT = path.join(ROOT, 'node_modules/.bin/next');
export const KEEP_ALIVE_MS = 65_000;
const SOURCES = ['app', 'lib', 'ingest', 'next.config.ts', 'package.json', 'tsconfig.json'];

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

export async function serveCommand(o: CommonOptions & { port: number; dev?: boolean }): Promise<number> {
  const file = path.resolve(dbPath(o.db));
  await seedIfEmpty(file, (s) => process.stderr.write(s + '\n'));
  const env = { ...process.env, KPD_DB: file, NEXT_TELEMETRY_DISABLED: '1' };
  if (!o.dev && !buildIsFresh()) {
    process.stderr.write('kpd: building the dashboard (next build)…\n');
    const b = spawnSync(NEXT, ['build'], { cwd: ROOT, env, stdio: 'inherit' });
    if (b.status !== 0) return b.status ?? 1;
  }
  process.stderr.write(`kpd: dashboard on http://localhost:${o.port} (database ${file})\n`);
  // Idle connections live longer than the 5 s default: a CI client or a proxy that pauses between requests
  // must not reuse a socket the server has just closed.
  const args = o.dev ? ['dev', '-p', String(o.port)] : ['start', '-p', String(o.port), '--keepAliveTimeout', String(KEEP_ALIVE_MS)];
  const child = spawn(NEXT, args, { cwd: ROOT, env, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}
