// Global setup of the browser tests: a database filled by `kpd demo`, the
// production build (rebuilt only when stale) served by `next start` on a free
// port, taking one upload token; its address is provided to the tests as
// `baseUrl`, the token as `uploadToken`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer } from '../server-harness';
import { tempDir } from '../helpers';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dbFile: string;
    /** An upload token the server takes, named "browser", for pages that write (alert states). */
    uploadToken: string;
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
  const token = `tok-browser-${randomBytes(6).toString('hex')}`;
  const tokens = path.join(dir, 'tokens');
  fs.writeFileSync(tokens, `browser:${token}\n`);
  const server = await startServer(db, { KPD_UPLOAD_TOKENS_FILE: tokens, KPD_UPLOAD_TOKEN: '' });
  project.provide('baseUrl', server.url);
  project.provide('dbFile', db);
  project.provide('uploadToken', token);
  return () => server.stop();
}
