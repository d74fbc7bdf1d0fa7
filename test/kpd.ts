// Runs the real `kpd` command (bin/kpd) as a CI job or a user would, and
// checks what a crash or a failure may leave in a database: every build
// whole or absent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type { DB } from '../lib/db/open';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const KPD = path.join(ROOT, 'bin/kpd');

export interface KpdResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kpd(args: string[], env: Record<string, string> = {}, opts: { user?: string } = {}): KpdResult {
  const argv = [process.execPath, KPD, ...args];
  const [cmd, ...rest] = opts.user ? ['runuser', '-u', opts.user, '--', ...argv] : argv;
  const r = spawnSync(cmd, rest, { encoding: 'utf8', cwd: ROOT, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function kpdJson<T>(args: string[], env: Record<string, string> = {}): T {
  const r = kpd([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`kpd ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** `kpd` in the background, for tests that kill it. */
export function kpdChild(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [KPD, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The database is sound and every build in it is whole: SQLite's own
 * checks pass, nothing points at a missing row, and each build has exactly
 * the runs, metrics and probe events its ingest report counted.
 */
export function expectWholeBuilds(db: DB): void {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  const builds = db.prepare<[], { id: number; report: string }>('SELECT id, report FROM builds').all();
  for (const b of builds) {
    const report = JSON.parse(b.report) as { runs: number; metrics: number; probeEvents: number };
    const got = db
      .prepare<[{ id: number }], { runs: number; metrics: number; probes: number }>(
        `SELECT (SELECT count(*) FROM runs WHERE build_id = @id) AS runs,
                (SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.build_id = @id) AS metrics,
                (SELECT count(*) FROM probe_events p JOIN runs r ON r.id = p.run_id WHERE r.build_id = @id) AS probes`,
      )
      .get({ id: b.id })!;
    expect({ runs: got.runs, metrics: got.metrics, probes: got.probes }).toEqual({
      runs: report.runs,
      metrics: report.metrics,
      probes: report.probeEvents,
    });
  }
}
