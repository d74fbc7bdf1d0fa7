// Following jobs: data/jobs.json validated with errors that name the place,
// `kpd sync` passes against a real S3 API server (s3rver) that read only new
// or changed builds, record each job's outcome and error (one failing job
// never stops the others), and never overwrite a build another source wrote.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobsConfig, JobsConfigError } from '../../ingest/sync/config';
import { openDb } from '../../lib/db/open';
import { listBuilds } from '../../lib/queries/builds';
import { jobSyncStates } from '../../lib/queries/sync';
import { tempDir } from '../helpers';
import { buildValues, JOB, kpd, kpdJson, writeJob } from './helpers';
import { S3Fixture } from './s3-server';

const BUCKET = 'ci-logs';

describe('the jobs file', () => {
  const good = {
    name: JOB,
    source: `gs://kubernetes-ci-logs/logs/${JOB}`,
    last: 100,
    displayName: 'Kubelet benchmark',
    prowUrl: 'https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}',
    artifactsUrl: 'https://gcsweb.k8s.io/gcs/{bucket}/logs/{job}/{build}/',
  };

  it('reads each followed job', () => {
    expect(parseJobsConfig(JSON.stringify({ jobs: [good, { name: 'other', source: 's3://perf/ci/other', last: 5 }] }), 'jobs.json')).toEqual([
      good,
      { name: 'other', source: 's3://perf/ci/other', last: 5 },
    ]);
  });

  it.each([
    ['broken JSON', '{"jobs": [', 'jobs.json: line 1, column 11: invalid JSON: Unexpected end of JSON input'],
    ['an unknown top-level key', { job: [] }, 'jobs.json: job: unknown key (expected "jobs")'],
    ['jobs that are not a list', { jobs: {} }, 'jobs.json: jobs: expected an array, got an object'],
    ['a misspelt key', { jobs: [{ ...good, lats: 3 }] }, 'jobs.json: jobs[0].lats: unknown key (expected one of name, source, last, displayName, prowUrl, artifactsUrl)'],
    ['a source that is not a bucket', { jobs: [{ ...good, source: 'https://example.com/logs' }] }, 'jobs.json: jobs[0].source: https://example.com/logs: not a bucket URL (expected gs://BUCKET/PATH or s3://BUCKET/PATH)'],
    ['a source path with ..', { jobs: [{ ...good, source: 'gs://kubernetes-ci-logs/logs/../x' }] }, 'jobs.json: jobs[0].source: gs://kubernetes-ci-logs/logs/../x: the path may not hold empty, "." or ".." segments'],
    ['last 0', { jobs: [{ ...good, last: 0 }] }, 'jobs.json: jobs[0].last: expected how many of the newest builds to read, a whole number ≥ 1, got the number 0'],
    ['last as a string', { jobs: [{ ...good, last: '10' }] }, 'jobs.json: jobs[0].last: expected how many of the newest builds to read, a whole number ≥ 1, got the string "10"'],
    ['a job followed twice', { jobs: [good, good] }, `jobs.json: jobs[1].name: duplicate job "${JOB}"`],
    ['a name that is a path', { jobs: [{ ...good, name: '../etc' }] }, 'jobs.json: jobs[0].name: job name "../etc" is not allowed: use letters, digits, ".", "_" and "-" (at most 200), starting with a letter or digit'],
    ['an unknown placeholder', { jobs: [{ ...good, prowUrl: 'https://prow.k8s.io/view/{bucket}/{buildId}' }] }, 'jobs.json: jobs[0].prowUrl: unknown placeholder {buildId} (use {bucket}, {job}, {build})'],
    ['a link that is not a URL', { jobs: [{ ...good, artifactsUrl: 'gcsweb/{build}' }] }, 'jobs.json: jobs[0].artifactsUrl: expected an http(s) URL template, got "gcsweb/{build}"'],
    ['an empty display name', { jobs: [{ ...good, displayName: '' }] }, 'jobs.json: jobs[0].displayName: expected a non-empty string'],
  ])('refuses %s, naming the place', (_, doc, message) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    expect(() => parseJobsConfig(text, 'jobs.json')).toThrow(new JobsConfigError(message));
  });
});

describe('kpd sync', () => {
  let dir: string;
  let jobDir: string;
  let s3: S3Fixture;

  beforeAll(async () => {
    dir = tempDir('kpd-sync-');
    jobDir = writeJob(path.join(dir, 'jobs'));
    s3 = await S3Fixture.start(path.join(dir, 's3rver'), [BUCKET]);
  }, 60_000);

  afterAll(async () => {
    await s3?.stop();
  });

  const env = (name: string) => ({ ...s3.env(), KPD_CACHE_DIR: path.join(dir, `cache-${name}`) });

  function jobsFile(name: string, jobs: object[]): string {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ jobs }));
    return file;
  }

  interface Pass {
    jobs: { job: string; outcome: string; error: string | null; builds: number; newBuilds: number; unchanged: number; running: number; results: { number: string; outcome: string; skipped: boolean }[] }[];
  }

  it('reads new builds of each job, records how each went, and goes on past a job that fails', async () => {
    const prefix = `a/${JOB}`;
    for (const b of ['1840', '1841', '1842']) await s3.putDir(BUCKET, `${prefix}/${b}`, path.join(jobDir, b));
    const file = jobsFile('a', [
      { name: 'gone', source: `s3://${BUCKET}/nothing/gone` },
      {
        name: JOB,
        source: `s3://${BUCKET}/${prefix}`,
        last: 2,
        displayName: 'Kubelet benchmark',
        prowUrl: 'https://prow.example.com/view/s3/{bucket}/a/{job}/{build}',
      },
    ].map((j) => ({ last: 10, ...j })));
    const db = path.join(dir, 'a.db');

    const first = await kpd(env('a'), 'sync', '--jobs', file, '--db', db, '--json');
    expect(first.code).toBe(1);
    const pass = JSON.parse(first.stdout) as Pass;
    expect(pass.jobs.map((j) => [j.job, j.outcome, j.builds, j.newBuilds])).toEqual([
      ['gone', 'failed', 0, 0],
      [JOB, 'ok', 2, 2],
    ]);
    expect(pass.jobs[0].error).toBe(
      `s3://${BUCKET}/nothing/gone: no builds (expected numbered build folders, or build-log.txt/started.json/artifacts/ under the prefix)`,
    );
    expect(buildValues(db).map((b) => b.number)).toEqual(['1841', '1842']);

    await s3.putDir(BUCKET, `${prefix}/1843`, path.join(jobDir, '1843'));
    await s3.delete(BUCKET, `${prefix}/1843/finished.json`);
    const running = JSON.parse((await kpd(env('a'), 'sync', '--jobs', file, '--db', db, '--json')).stdout) as Pass;
    expect(running.jobs[1]).toMatchObject({ outcome: 'ok', builds: 2, newBuilds: 0, unchanged: 1, running: 1 });
    expect(buildValues(db).map((b) => b.number)).toEqual(['1841', '1842']);

    await s3.put(BUCKET, `${prefix}/1843/finished.json`, fs.readFileSync(path.join(jobDir, '1843/finished.json')));
    const from = s3.requests.length;
    const second = JSON.parse((await kpd(env('a'), 'sync', '--jobs', file, '--db', db, '--json')).stdout) as Pass;
    expect(second.jobs[1]).toMatchObject({ outcome: 'ok', builds: 2, newBuilds: 1, unchanged: 1, running: 0, error: null });
    expect(new Set(s3.gets(from).filter((k) => k.startsWith(prefix)).map((k) => k.split('/')[2]))).toEqual(new Set(['1843']));
    expect(buildValues(db).map((b) => b.number)).toEqual(['1841', '1842', '1843']);

    const handle = openDb(db);
    const states = jobSyncStates(handle);
    const links = listBuilds(handle, JOB).find((b) => b.number === '1843')!.links;
    handle.close();
    expect(states.map((s) => [s.job, s.outcome, s.newBuilds, s.displayName])).toEqual([
      [JOB, 'ok', 1, 'Kubelet benchmark'],
      ['gone', 'failed', 0, null],
    ]);
    expect(states[1].error).toContain('no builds');
    expect(states[0].lastOk).toBe(states[0].finished);
    expect(states[1].lastOk).toBeNull();
    expect(links).toEqual({ prow: `https://prow.example.com/view/s3/${BUCKET}/a/${JOB}/1843`, artifacts: null });
  });

  it('leaves a build that another source wrote with other content alone, where kpd ingest replaces it', async () => {
    const prefix = `b/${JOB}`;
    await s3.putDir(BUCKET, `${prefix}/1843`, path.join(jobDir, '1843'));
    const uploaded = path.join(dir, 'uploaded', JOB, '1843');
    fs.cpSync(path.join(jobDir, '1843'), uploaded, { recursive: true });
    const finished = JSON.parse(fs.readFileSync(path.join(uploaded, 'finished.json'), 'utf8'));
    fs.writeFileSync(path.join(uploaded, 'finished.json'), JSON.stringify({ ...finished, result: 'ABORTED' }));
    const db = path.join(dir, 'b.db');
    await kpdJson({}, 'ingest', uploaded, '--db', db);
    const file = jobsFile('b', [{ name: JOB, source: `s3://${BUCKET}/${prefix}`, last: 5 }]);

    const pass = await kpdJson<Pass>(env('b'), 'sync', '--jobs', file, '--db', db);
    expect(pass.jobs[0].results.map((r) => [r.number, r.outcome])).toEqual([['1843', 'kept']]);
    expect(buildValues(db)[0].result).toBe('ABORTED');
    const again = s3.requests.length;
    const second = await kpdJson<Pass>(env('b'), 'sync', '--jobs', file, '--db', db);
    expect(second.jobs[0].results).toMatchObject([{ number: '1843', outcome: 'unchanged', skipped: true }]);
    expect(s3.gets(again).filter((k) => k.startsWith(prefix))).toEqual([]);

    const ingest = await kpdJson<{ results: { outcome: string }[] }>(env('b'), 'ingest', `s3://${BUCKET}/${prefix}`, '--db', db);
    expect(ingest.results.map((r) => r.outcome)).toEqual(['replaced']);
    expect(buildValues(db)[0].result).toBe(finished.result);
  });

  it('says which file and place is wrong when the jobs file is broken, and exits 1', async () => {
    const file = jobsFile('c', [{ name: JOB, source: `s3://${BUCKET}/x`, last: -1 }]);
    const r = await kpd(env('c'), 'sync', '--jobs', file, '--db', path.join(dir, 'c.db'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`kpd: ${file}: jobs[0].last: expected how many of the newest builds to read, a whole number ≥ 1, got the number -1`);
    const missing = await kpd(env('c'), 'sync', '--jobs', path.join(dir, 'none.json'), '--db', path.join(dir, 'c.db'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`kpd: ${path.join(dir, 'none.json')}: no such file: list the jobs to follow there (see the README)`);
  });
});
