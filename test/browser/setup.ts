// Global setup of the browser tests: a database filled by `kpd demo`, the
// production build (rebuilt only when stale) served by `next start` on a free
// port; its address is provided to the tests as `baseUrl`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer } from '../server-harness';
import { tempDir } from '../helpers';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dbFile: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  const dir = tempDir('kpd-browser-');
  const db = path.join(dir, 'kpd.db');
  const demo = spawnSync(process.execPath, ['bin/kpd', 'demo', '--builds', '12', '--db', db, '--out', path.join(dir, 'demo'), '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (demo.status !== 0) throw new Error(`kpd demo failed:\n${demo.stderr}`);
  const server = await startServer(db);
  project.provide('baseUrl', server.url);
  project.provide('dbFile', db);
  return () => server.stop();
}
