// bin/kpd runs the CLI compiled by esbuild (bin/build.mjs): it answers
// exactly as the TypeScript sources run through tsx do, and a source newer
// than the build makes the next kpd compile again rather than run stale code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, writeDemoJob } from '../../ingest/demo/generate';
import { tempDir } from '../helpers';
import { kpd, ROOT } from '../kpd';

/** The same command through tsx, from the sources. */
function fromSources(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/main.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let db: string;
let jobDir: string;
beforeAll(() => {
  const dir = tempDir('kpd-compiled-');
  jobDir = writeDemoJob(path.join(dir, 'jobs'), {
    ...DEFAULT_DEMO,
    builds: 2,
    tests: DEFAULT_DEMO.tests.filter((t) => t.name === 'density_create_batch_10_0_0'),
    nodes: DEFAULT_DEMO.nodes.slice(0, 1),
    legacyBuilds: 0,
  });
  db = path.join(dir, 'kpd.db');
  expect(kpd(['ingest', jobDir, '--db', db]).code).toBe(0);
}, 120_000);

describe('the compiled kpd', () => {
  it('prints what the sources print, for read commands, a log, an error and the help', () => {
    const log = fs.readdirSync(path.join(jobDir, fs.readdirSync(jobDir).find((f) => /^\d+$/.test(f))!, 'artifacts'), { recursive: true, withFileTypes: true })
      .find((f) => f.isFile() && f.name.startsWith('kubelet.log'))!;
    const commands = [
      ['builds', '--job', DEFAULT_DEMO.job, '--db', db, '--json'],
      ['metrics', '--job', DEFAULT_DEMO.job, '--test', 'density_create_batch_10_0_0', '--metric', 'kubelet_cpu', '--db', db],
      ['probes', path.join(log.parentPath, log.name), '--json'],
      ['builds', '--job', 'no-such-job', '--db', db],
      ['trace', '--help'],
    ];
    for (const args of commands) {
      const compiled = kpd(args);
      expect(compiled, args.join(' ')).toEqual(fromSources(args));
    }
  }, 120_000);

  it('compiles again when a source is newer than its build, and runs the new build', () => {
    const current = () => fs.readFileSync(path.join(ROOT, 'dist/current'), 'utf8');
    expect(kpd(['--version']).code).toBe(0);
    const before = current();
    const source = path.join(ROOT, 'lib/errors.ts');
    const now = new Date();
    fs.utimesSync(source, now, now);
    expect(kpd(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(current()).not.toBe(before);
  }, 120_000);
});
