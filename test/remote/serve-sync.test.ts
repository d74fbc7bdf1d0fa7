// `kpd serve --sync` against a real S3 API server (s3rver): the server
// process syncs the followed job every few seconds next to the dashboard,
// and a build added to the bucket appears in /api/v1/jobs after the next
// pass, with the job's sync state.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers';
import { ensureNextBuild, freePort } from '../server-harness';
import { JOB, writeJob } from './helpers';
import { S3Fixture } from './s3-server';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUCKET = 'ci-logs';

let dir: string;
let jobDir: string;
let s3: S3Fixture;
let child: ChildProcess;
let url: string;
let log = '';

interface JobsDoc {
  jobs: { job: string; builds: number; latest: { number: string } | null; sync: { outcome: string; source: string; lastSync: string } | null }[];
  followed: { job: string; outcome: string | null; displayName: string | null }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (child.exitCode !== null) throw new Error(`kpd serve exited ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s:\n${log}`);
    await sleep(300);
  }
}

const jobsDoc = async () => (await (await fetch(`${url}/api/v1/jobs`)).json()) as JobsDoc;

beforeAll(async () => {
  await ensureNextBuild();
  dir = tempDir('kpd-serve-sync-');
  jobDir = writeJob(path.join(dir, 'jobs'));
  s3 = await S3Fixture.start(path.join(dir, 's3rver'), [BUCKET]);
  for (const b of ['1840', '1841', '1842']) await s3.putDir(BUCKET, `logs/${JOB}/${b}`, path.join(jobDir, b));
  const jobs = path.join(dir, 'jobs.json');
  fs.writeFileSync(jobs, JSON.stringify({ jobs: [{ name: JOB, source: `s3://${BUCKET}/logs/${JOB}`, last: 10, displayName: 'Kubelet benchmark' }] }));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/kpd'), 'serve', '--port', String(port), '--sync', '--every', '2s', '--jobs', jobs, '--db', path.join(dir, 'kpd.db')],
    { cwd: ROOT, env: { ...process.env, ...s3.env(), KPD_CACHE_DIR: path.join(dir, 'cache') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
}, 600_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await s3?.stop();
});

it('shows a build added to the bucket after the next sync pass', async () => {
  const first = await until('the first pass', async () => {
    const doc = await jobsDoc();
    // The pass records how the job went once its last build is written.
    return doc.jobs.find((j) => j.job === JOB && j.builds === 3 && j.sync?.outcome) ? doc : undefined;
  });
  const job = first.jobs.find((j) => j.job === JOB)!;
  expect(job.latest?.number).toBe('1842');
  expect(job.sync).toMatchObject({ outcome: 'ok', source: `s3://${BUCKET}/logs/${JOB}` });
  expect(first.followed).toMatchObject([{ job: JOB, outcome: 'ok', displayName: 'Kubelet benchmark' }]);

  await s3.putDir(BUCKET, `logs/${JOB}/1843`, path.join(jobDir, '1843'));
  const after = await until('the new build', async () => {
    const doc = await jobsDoc();
    return doc.jobs.find((j) => j.job === JOB && j.builds === 4) ? doc : undefined;
  });
  expect(after.jobs.find((j) => j.job === JOB)?.latest?.number).toBe('1843');
  // The pass says how the job went once the job is done, a moment after its last build is written.
  const said = new RegExp(`kpd sync: ${JOB} \\(s3://${BUCKET}/logs/${JOB}\\): 4 builds, 1 new or changed, 3 unchanged`);
  await until('the pass to report the job', async () => (said.test(log) ? true : undefined));
}, 180_000);
