// Ingest under bad input and a bad machine: a file no parser can read, a
// build that cannot be read at all, impossible times, a read-only or locked
// database, a full disk. Each failure costs only what it must and is told
// as one line; the database stays sound, every build whole or absent.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, demoBuildId, writeDemoJob, type DemoJobOptions } from '../../ingest/demo/generate';
import { writeBuild } from '../../ingest/load';
import { openDb } from '../../lib/db/open';
import { environmentProblem } from '../../lib/db/problems';
import { buildRecord, tempDir } from '../helpers';
import { expectWholeBuilds, kpd, kpdJson } from '../kpd';

const DEMO: DemoJobOptions = {
  ...DEFAULT_DEMO,
  builds: 3,
  tests: DEFAULT_DEMO.tests.filter((t) => t.name === 'density_create_batch_10_0_0'),
  nodes: DEFAULT_DEMO.nodes.slice(0, 1),
  legacyBuilds: 0,
  noisePerPod: 0,
};
const JOB = DEMO.job;
const [B0, B1, B2] = [0, 1, 2].map((i) => demoBuildId(DEMO, i));

let dir: string;
let jobDir: string;
beforeAll(() => {
  dir = tempDir('kpd-reliability-');
  jobDir = writeDemoJob(path.join(dir, 'jobs'), DEMO);
});

const copyJob = (name: string) => {
  const to = path.join(dir, name, JOB);
  fs.cpSync(jobDir, to, { recursive: true });
  return to;
};

describe('one bad build or file', () => {
  it('costs its file or its build only: the other builds of the job load, the exit code says one failed', () => {
    const job = copyJob('bad-input');
    const perf = fs.readdirSync(path.join(job, B0, 'artifacts')).find((f) => f.startsWith('performance-'))!;
    // A stat 20,000 arrays deep: JSON.stringify of it overflows the stack.
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    fs.writeFileSync(path.join(job, B0, 'artifacts', perf), `{"version":"v2","dataItems":[{"data":{"x":${deep},"Perc50":1},"unit":"ms","labels":{}}],"labels":{}}`);
    // A build that is not a readable archive at all.
    fs.rmSync(path.join(job, B1), { recursive: true });
    fs.writeFileSync(path.join(job, `${B1}.tar.gz`), 'not gzip at all');
    const db = path.join(dir, 'bad-input.db');
    const r = kpd(['ingest', job, '--db', db, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kpd: build ${JOB}#${B1} failed: not a readable \\.tar\\.gz: `));
    const doc = JSON.parse(r.stdout) as { builds: number; inserted: number; failed: number; results: { number: string; outcome: string }[] };
    expect(doc).toMatchObject({ builds: 3, inserted: 2, failed: 1 });
    expect(doc.results.map((b) => [b.number, b.outcome])).toEqual([
      [B0, 'inserted'],
      [B1, 'failed'],
      [B2, 'inserted'],
    ]);
    const handle = openDb(db, { readonly: true });
    const report = JSON.parse(handle.prepare<[string], { report: string }>('SELECT report FROM builds WHERE number = ?').get(B0)!.report);
    expectWholeBuilds(handle);
    handle.close();
    expect(report.warnings).toContainEqual({
      file: `artifacts/${perf}`,
      message: 'dataItems[0]: stat "x" is not a number (an array of 1); dropped',
    });
  });

  it('drops impossible times with a warning, so every read afterwards works', () => {
    const job = copyJob('times');
    const build = path.join(job, B2);
    fs.writeFileSync(path.join(build, 'started.json'), '{"timestamp": 1e20}');
    const series = fs.readdirSync(path.join(build, 'artifacts')).find((f) => f.startsWith('time_series-'))!;
    const ts = JSON.parse(fs.readFileSync(path.join(build, 'artifacts', series), 'utf8'));
    ts.op_series.create[0] = 1e29;
    ts.resource_series.kubelet.ts[0] = '9'.repeat(19);
    fs.writeFileSync(path.join(build, 'artifacts', series), JSON.stringify(ts));
    const db = path.join(dir, 'times.db');
    kpdJson(['ingest', build, '--db', db]);
    const { builds } = kpdJson<{ builds: { number: string; started: string | null; warnings: number }[] }>(['builds', '--job', JOB, '--db', db]);
    expect(builds).toHaveLength(1);
    // The start comes from the build's dated facts instead, within the century.
    expect(builds[0].started).toMatch(/^20\d\d-/);
    const handle = openDb(db, { readonly: true });
    const report = JSON.parse(handle.prepare<[], { report: string }>('SELECT report FROM builds').get()!.report) as { warnings: { file: string; message: string }[] };
    handle.close();
    expect(report.warnings).toContainEqual({ file: 'started.json', message: 'no build start time; using the earliest dated fact in the build' });
    expect(report.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^"timestamp" is not a time between 2000 and 2100/));
    expect(report.warnings.map((w) => w.message).filter((m) => /outside 2000–2100 dropped/.test(m))).toHaveLength(2);
    expect(kpd(['metrics', '--job', JOB, '--test', 'density_create_batch_10_0_0', '--metric', 'latency', '--db', db]).code).toBe(0);
  });
});

describe('a database the user may not write', () => {
  it('is read by read commands and refused by writes with one line; a missing one is never created', () => {
    const folder = tempDir('kpd-readonly-');
    const db = path.join(folder, 'kpd.db');
    kpdJson(['ingest', path.join(jobDir, B0), '--db', db]);
    // Another user's file in a folder they cannot write: as root, run the commands as nobody; otherwise take the rights away.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(db, 0o444);
    fs.chmodSync(folder, 0o555);
    const user = asRoot ? { user: 'nobody' } : {};
    try {
      const builds = kpd(['builds', '--job', JOB, '--db', db, '--json'], {}, user);
      expect(builds.stderr).toBe('');
      expect(JSON.parse(builds.stdout).builds.map((b: { number: string }) => b.number)).toEqual([B0]);
      const write = kpd(['ingest', path.join(jobDir, B1), '--db', db], {}, user);
      expect(write.code).toBe(1);
      expect(write.stderr).toMatch(/^kpd: (database .* is read-only|cannot open or write .*): /);
      expect(write.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      fs.chmodSync(folder, 0o755);
      fs.chmodSync(db, 0o644);
    }
    const missing = path.join(folder, 'typo.db');
    const r = kpd(['builds', '--job', JOB, '--db', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kpd: no database at ${missing} (a typo in --db or $KPD_DB? kpd ingest PATH or kpd demo creates one)\n`);
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('a database locked by another process', () => {
  it('makes a write wait, then say so in one line; reads go on meanwhile', () => {
    const db = path.join(dir, 'locked.db');
    kpdJson(['ingest', path.join(jobDir, B0), '--db', db]);
    const holder = openDb(db);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('INSERT INTO jobs (name) VALUES (?)').run('holding-the-lock');
    try {
      const write = kpd(['ingest', path.join(jobDir, B1), '--db', db], { KPD_BUSY_TIMEOUT_MS: '500' });
      expect(write.code).toBe(1);
      expect(write.stderr).toBe(`kpd: database ${db} is locked by another process (waited 0.5 s); try again when it is done\n`);
      const read = kpd(['builds', '--job', JOB, '--db', db]);
      expect(read.code).toBe(0);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const handle = openDb(db, { readonly: true });
    expectWholeBuilds(handle);
    handle.close();
  });
});

describe('a full disk', () => {
  let mount: string | undefined;
  beforeAll(() => {
    // A small tmpfs where the test may mount one (root); otherwise SQLite's own SQLITE_FULL, from a page limit.
    const m = tempDir('kpd-full-');
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=640k', 'tmpfs', m]).status === 0) mount = m;
  });
  afterAll(() => {
    if (mount) spawnSync('umount', [mount]);
  });

  it('stops the ingest with one line naming it, and keeps every build written before whole', () => {
    if (mount) {
      const db = path.join(mount, 'kpd.db');
      const r = kpd(['ingest', jobDir, '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^kpd: (out of disk space writing .*|database .* is locked.*)\n$/);
      expect(r.stderr).toContain('out of disk space');
      const handle = openDb(db, { readonly: true });
      expectWholeBuilds(handle);
      handle.close();
    } else {
      const handle = openDb(path.join(tempDir(), 'kpd.db'));
      handle.pragma(`max_page_count = ${(handle.pragma('page_count', { simple: true }) as number) + 3}`);
      let failure: unknown;
      try {
        writeBuild(handle, buildRecord('1', { report: { files: [], warnings: [], runs: 1, metrics: 2, probeEvents: 2 } }));
        for (let n = 2; n < 200; n++) writeBuild(handle, buildRecord(String(n), { report: { files: [], warnings: [], runs: 1, metrics: 2, probeEvents: 2 } }));
      } catch (e) {
        failure = e;
      }
      expect(environmentProblem(failure, 'kpd.db')?.message).toBe('out of disk space writing database kpd.db');
      expectWholeBuilds(handle);
      handle.close();
    }
  });
});
