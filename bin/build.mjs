// Compiles the kpd command (and the worker threads it starts) from
// TypeScript to JavaScript with esbuild, into dist/<build>/, and says which
// build is current in dist/current. bin/kpd runs the current build and
// rebuilds first when any source is newer: a stale build is never run.
// Builds are kept side by side, so a running `kpd serve` keeps loading its
// own lazily imported chunks while a newer build is made; old ones go after a
// week.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const CURRENT = path.join(DIST, 'current');
const LOCK = path.join(DIST, '.lock');
const SOURCES = ['cli', 'lib', 'ingest', 'package.json', 'tsconfig.json'];

/** Entry points: the command, and every worker thread's entry, named as lib/threads.ts's callers expect. */
const ENTRIES = {
  kpd: 'cli/main.ts',
  'writer-worker': 'ingest/writer/worker.ts',
  'sync-worker': 'ingest/sync/worker.ts',
  'fetch-worker': 'ingest/sources/remote/fetch-worker.ts',
  'kubelet-worker': 'ingest/parsers/kubelet/kubelet-worker.ts',
};

const KEEP_MS = 7 * 24 * 3600_000;
const STALE_LOCK_MS = 120_000;

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const ent of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, ent)));
  return newest;
}

/** The current build's folder when it is newer than every source; undefined when there is none or it is stale. */
export function freshBuild() {
  let id;
  try {
    id = fs.readFileSync(CURRENT, 'utf8').trim();
  } catch {
    return undefined;
  }
  const dir = path.join(DIST, id);
  const stamp = path.join(dir, '.built');
  if (!id || !fs.existsSync(stamp)) return undefined;
  const built = fs.statSync(stamp).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(ROOT, s)) <= built) ? dir : undefined;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One builder at a time across processes (tests start many kpd at once): a lock folder, taken over when its owner died long ago. */
async function withLock(fn) {
  fs.mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

export async function build() {
  const { default: esbuild } = await import('esbuild');
  const id = `b${Date.now()}-${process.pid}`;
  const out = path.join(DIST, id);
  const started = Date.now();
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // The stamp dates the build from its start: a source saved while it ran makes it stale.
  fs.writeFileSync(path.join(out, '.built'), '');
  fs.utimesSync(path.join(out, '.built'), new Date(started), new Date(started));
  fs.writeFileSync(`${CURRENT}.tmp-${process.pid}`, id);
  fs.renameSync(`${CURRENT}.tmp-${process.pid}`, CURRENT);
  for (const old of fs.readdirSync(DIST)) {
    const p = path.join(DIST, old);
    if (old === id || !old.startsWith('b')) continue;
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > KEEP_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
  return out;
}

/** The folder of a current build, made first when there is none or it is stale. */
export async function ensureBuilt() {
  return freshBuild() ?? (await withLock(async () => freshBuild() ?? (await build())));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = await withLock(build);
  process.stdout.write(`kpd: compiled into ${path.relative(ROOT, dir)}\n`);
}
