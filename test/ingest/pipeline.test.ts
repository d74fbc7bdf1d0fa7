// The whole ingest path through the kpd CLI: generated builds in the real
// on-disk layout, bad input, archives, and the JSON shapes of the contract.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, demoBuildId, writeDemoJob, type DemoJobOptions } from '../../ingest/demo/generate';
import { tempDir } from '../helpers';
import { openDb } from '../../lib/db/open';
import { buildReport } from '../../lib/queries/builds';

const ROOT = path.resolve(import.meta.dirname, '../..');
const JOB = DEFAULT_DEMO.job;

function kpd(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kpd'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function kpdJson<T>(...args: string[]): T {
  const r = kpd(...args, '--json');
  if (r.code !== 0) throw new Error(`kpd ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

let dir: string;
let jobDir: string;
const DEMO: DemoJobOptions = {
  ...DEFAULT_DEMO,
  builds: 3,
  tests: DEFAULT_DEMO.tests.filter((t) => t.pods <= 35),
  nodes: DEFAULT_DEMO.nodes.slice(0, 2),
  legacyBuilds: 1,
  noisePerPod: 1,
};
/** The three builds' Prow IDs, 19 digits each. */
const [B0, B1, B2] = [0, 1, 2].map((i) => demoBuildId(DEMO, i));

beforeAll(() => {
  dir = tempDir();
  jobDir = writeDemoJob(path.join(dir, 'jobs'), DEMO);
});

interface Summary {
  builds: number;
  inserted: number;
  unchanged: number;
  replaced: number;
  runs: number;
  warnings: number;
}

describe('kpd ingest of a job directory', () => {
  it('ingests every build once and is idempotent', () => {
    const db = path.join(dir, 'a.db');
    const first = kpdJson<Summary>('ingest', jobDir, '--db', db);
    expect(first).toMatchObject({ builds: 3, inserted: 3, unchanged: 0, runs: 3 * 3 * 2 });
    const again = kpdJson<Summary>('ingest', jobDir, '--db', db);
    expect(again).toMatchObject({ builds: 3, inserted: 0, unchanged: 3, replaced: 0 });

    const builds = kpdJson<{
      job: string;
      builds: { number: string; started: string; result: string; version: string | null; commit: string | null; runs: number; warnings: number }[];
    }>(
      'builds',
      '--job',
      JOB,
      '--db',
      db,
    );
    expect(builds.job).toBe(JOB);
    expect(builds.builds.map((b) => [b.number, b.runs])).toEqual([
      [B0, 6],
      [B1, 6],
      [B2, 6],
    ]);
    expect(B0).toMatch(/^\d{19}$/);
    const started = JSON.parse(fs.readFileSync(path.join(jobDir, B1, 'started.json'), 'utf8'));
    expect(builds.builds[1].started).toBe(new Date(started.timestamp * 1000).toISOString().replace('.000Z', '.000000Z'));
    // The first build is of the bootstrap.py era (version in finished.json only); the others name their commit.
    expect(builds.builds[0].version).toMatch(/^v1\.32\.0-alpha\.1\.\d+\+[0-9a-f]{12}$/);
    expect(builds.builds[0].commit).toBe(builds.builds[0].version!.split('+')[1]);
    expect(builds.builds[1]).toMatchObject({ version: started['repo-version'], commit: started['repo-commit'], result: expect.any(String) });
  });

  it('prints for `metrics` exactly the stats of the perf data files, in build order', () => {
    const db = path.join(dir, 'b.db');
    kpdJson('ingest', jobDir, '--db', db);
    const file = fs
      .readdirSync(path.join(jobDir, B2, 'artifacts'))
      .find((f) => f.startsWith('performance-n1-standard-2') && f.endsWith('density_create_batch_35_0_0.json'))!;
    const perf = JSON.parse(fs.readFileSync(path.join(jobDir, B2, 'artifacts', file), 'utf8'));
    const latency = perf.dataItems.find((i: { labels: { datatype: string } }) => i.labels.datatype === 'latency');
    const res = kpdJson<{ unit: string; series: { build: string; stats: Record<string, number> }[] }>(
      'metrics', '--job', JOB, '--test', 'density_create_batch_35_0_0', '--image', 'cos-stable-117-18613-0-79',
      '--machine', 'cpu:2core,memory:7.5GB', '--metric', 'latency', '--db', db,
    );
    expect(res.unit).toBe('ms');
    expect(res.series.map((p) => p.build)).toEqual([B0, B1, B2]);
    expect(res.series[2].stats).toEqual(latency.data);
    const from = kpdJson<{ series: { build: string }[] }>(
      'metrics', '--job', JOB, '--test', 'density_create_batch_35_0_0', '--image', 'cos-stable-117-18613-0-79',
      '--machine', 'cpu:2core,memory:7.5GB', '--metric', 'latency', '--from', B1, '--db', db,
    );
    expect(from.series.map((p) => p.build)).toEqual([B1, B2]);
  });

  it('lists the choices when a selection is ambiguous, and exits 1', () => {
    const db = path.join(dir, 'c.db');
    kpdJson('ingest', jobDir, '--db', db);
    const r = kpd('metrics', '--job', JOB, '--test', 'density_create_batch_10_0_0', '--metric', 'latency', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ran on 2 node configs; choose one of:');
    expect(r.stderr).toContain("--image 'ubuntu-gke-2204-1-28-v20241030' --machine 'cpu:4core,memory:15GB'");
  });

  it('refuses a path that is not a job or build directory with exit 1', () => {
    const empty = tempDir();
    const r = kpd('ingest', empty, '--db', path.join(dir, 'd.db'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a job or build directory/);
  });
});

describe('bad input', () => {
  it('keeps the rest of a build when a file is malformed, binary or missing, with warnings naming file and line', () => {
    const build = path.join(dir, 'bad', JOB, B1);
    fs.cpSync(path.join(jobDir, B1), build, { recursive: true });
    const perfFile = fs.readdirSync(path.join(build, 'artifacts')).filter((f) => f.startsWith('performance-'))[0];
    fs.writeFileSync(path.join(build, 'artifacts', perfFile), '{\n  "version": "v2",\n  "dataItems": [ oops\n');
    fs.writeFileSync(path.join(build, 'artifacts/junit_01.xml'), Buffer.from([0x1f, 0x8b, 0, 0, 0xff, 0, 1, 2, 3]));
    const db = path.join(dir, 'e.db');
    const r = kpdJson<Summary & { results: { warnings: number }[] }>('ingest', build, '--db', db);
    expect(r).toMatchObject({ builds: 1, inserted: 1 });
    const { builds } = kpdJson<{ builds: { runs: number; warnings: number }[] }>('builds', '--job', JOB, '--db', db);
    expect(builds[0].warnings).toBe(2);
    expect(builds[0].runs).toBe(6);
    const handle = openDb(db);
    const report = buildReport(handle, JOB, B1)!;
    handle.close();
    expect(report.warnings).toContainEqual(expect.objectContaining({ file: `artifacts/${perfFile}`, line: 3 }));
    expect(report.warnings).toContainEqual({ file: 'artifacts/junit_01.xml', line: 1, message: 'binary data where text was expected; file skipped' });
    expect(report.runs).toBe(6);
  });
});

describe('archives', () => {
  it('ingests a build .tar.gz with the same content hash as its directory', () => {
    const db = path.join(dir, 'f.db');
    kpdJson('ingest', path.join(jobDir, B0), '--db', db);
    const tarball = path.join(dir, `${B0}.tar.gz`);
    expect(spawnSync('tar', ['-czf', tarball, '-C', jobDir, B0]).status).toBe(0);
    const r = kpdJson<Summary>('ingest', tarball, '--job', JOB, '--db', db);
    expect(r).toMatchObject({ builds: 1, unchanged: 1 });
  });

  it('refuses an archive with an entry outside the build directory', async () => {
    const tarball = path.join(dir, '77.tar.gz');
    const pack = tar.pack();
    pack.entry({ name: 'build-log.txt' }, 'Running Suite: E2eNode Suite\n');
    pack.entry({ name: '../../etc/cron.d/evil' }, '* * * * * root true\n');
    pack.finalize();
    await pipeline(pack, zlib.createGzip(), fs.createWriteStream(tarball));
    const r = kpd('ingest', tarball, '--job', JOB, '--db', path.join(dir, 'g.db'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kpd: build ${JOB}#77 failed: entry "../../etc/cron.d/evil" points outside the build directory\n`);
  });

  it('refuses an archive holding a link', async () => {
    const tarball = path.join(dir, '78.tar.gz');
    const pack = tar.pack();
    pack.entry({ name: 'build-log.txt', type: 'symlink', linkname: '/etc/passwd' });
    pack.finalize();
    await pipeline(pack, zlib.createGzip(), fs.createWriteStream(tarball));
    const r = kpd('ingest', tarball, '--job', JOB, '--db', path.join(dir, 'h.db'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kpd: build ${JOB}#78 failed: entry "build-log.txt" is a symlink; only regular files are accepted\n`);
  });
});

describe('build IDs on the command line', () => {
  it('takes exact 19-digit IDs and refuses one with 20 digits, a leading zero, a sign or letters', () => {
    const db = path.join(dir, 'i.db');
    kpdJson('ingest', jobDir, '--db', db);
    const sel = ['--job', JOB, '--test', 'density_create_batch_35_0_0', '--image', 'cos-stable-117-18613-0-79', '--machine', 'cpu:2core,memory:7.5GB'];
    const trace = kpdJson<{ build: string; count: number }>('trace', ...sel, '--build', B2, '--from', 'create', '--to', 'running', '--db', db);
    expect(trace).toMatchObject({ build: B2, count: 35 });
    for (const bad of [`${B2}0`, `0${B2.slice(1)}`, '-5', '+5', '12ab']) {
      const r = kpd('trace', ...sel, '--build', bad, '--from', 'create', '--to', 'running', '--db', db);
      expect(r.code, bad).toBe(1);
      expect(r.stderr, bad).toMatch(/--build must be 1 to 19 digits without a sign or leading zero/);
    }
    const missing = kpd('slo', 'check', '--job', JOB, '--build', String(BigInt(B2) + 1n), '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no build ${BigInt(B2) + 1n} in job ${JOB}`);
  }, 180_000);
});
