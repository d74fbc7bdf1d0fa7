// `kpd ingest s3://…` against a real S3 API server (s3rver, path-style),
// serving the same job layout as a local job directory: the values equal a
// local ingest's, only the files the reader reads are downloaded, --last,
// unchanged builds skipped without a download, a 500 retried, a connection
// dropped mid-build (the build left out whole, the next run completing it
// from the cache), a forbidden object and a corrupt gzip as warnings, and
// clear errors for a prefix without builds or a missing bucket.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuildFiles } from '../../ingest/build';
import { openDb } from '../../lib/db/open';
import { buildReport } from '../../lib/queries/builds';
import { tempDir } from '../helpers';
import { buildValues, JOB, kpd, kpdJson, writeJob } from './helpers';
import { S3Fixture } from './s3-server';

const BUCKET = 'ci-logs';

interface Summary {
  builds: number;
  inserted: number;
  replaced: number;
  unchanged: number;
  skipped: number;
  failed: number;
  downloaded: number;
  cached: number;
  results: { number: string; outcome: string; skipped: boolean; downloaded: number; cached: number }[];
}

let dir: string;
let jobDir: string;
let localDb: string;
let s3: S3Fixture;

/** Files of the job that the reader never reads: they must never be downloaded. */
const UNREAD = ['kern.log', 'docker.log'];

/** Uploads the job under `prefix` with, in every build, files the reader does not read beside those it does. */
async function publish(prefix: string): Promise<void> {
  await s3.putDir(BUCKET, prefix, jobDir);
  for (const build of ['1840', '1841', '1842', '1843']) {
    await s3.put(BUCKET, `${prefix}/${build}/podinfo.json`, '{"pod":{}}');
    for (const host of hosts(build)) {
      for (const name of UNREAD) await s3.put(BUCKET, `${prefix}/${build}/artifacts/${host}/${name}`, 'Nov 17 10:40:01 node kernel: noise\n');
    }
  }
}

const hosts = (build: string) =>
  fs.readdirSync(path.join(jobDir, build, 'artifacts'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

/** The keys of the files the reader reads, for the builds given. */
function readerKeys(prefix: string, builds: string[]): string[] {
  return builds.flatMap((b) => listBuildFiles(path.join(jobDir, b)).map((f) => `${prefix}/${b}/${f.rel}`)).sort();
}

function env(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...s3.env(), KPD_CACHE_DIR: path.join(dir, `cache-${name}`), ...extra };
}

const db = (name: string) => path.join(dir, `${name}.db`);
const objectGets = (from: number) => s3.gets(from).filter((k) => !k.endsWith('latest-build.txt'));

beforeAll(async () => {
  dir = tempDir('kpd-s3-');
  jobDir = writeJob(path.join(dir, 'jobs'));
  s3 = await S3Fixture.start(path.join(dir, 's3rver'), [BUCKET]);
  await publish(`logs/${JOB}`);
  localDb = db('local');
  await kpdJson({}, 'ingest', jobDir, '--db', localDb);
}, 120_000);

afterAll(async () => {
  await s3?.stop();
});

describe('kpd ingest s3://BUCKET/PATH/JOB', () => {
  it('reads every build with the same values as a local ingest, downloading only the files the reader reads', async () => {
    const from = s3.requests.length;
    const r = await kpdJson<Summary>(env('a'), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--db', db('a'));
    expect(r).toMatchObject({ builds: 4, inserted: 4, failed: 0, cached: 0 });
    expect(buildValues(db('a'))).toEqual(buildValues(localDb));
    expect(objectGets(from).sort()).toEqual(readerKeys(`logs/${JOB}`, ['1840', '1841', '1842', '1843']));
    expect(s3.requests.slice(from).every((q) => q.signed)).toBe(true);

    const handle = openDb(db('a'));
    const sources = handle.prepare('SELECT number, source FROM builds ORDER BY number').all();
    handle.close();
    expect(sources).toEqual(['1840', '1841', '1842', '1843'].map((n) => ({ number: n, source: `s3://${BUCKET}/logs/${JOB}/${n}` })));
  });

  it('skips unchanged builds without downloading, and re-reads a changed build from the cache and the one changed object', async () => {
    const prefix = `skip/${JOB}`;
    await publish(prefix);
    const url = `s3://${BUCKET}/${prefix}`;
    await kpdJson(env('b'), 'ingest', url, '--db', db('b'));

    const again = s3.requests.length;
    const second = await kpdJson<Summary>(env('b'), 'ingest', url, '--db', db('b'));
    expect(second).toMatchObject({ builds: 4, unchanged: 4, skipped: 4, downloaded: 0, cached: 0 });
    expect(objectGets(again)).toEqual([]);

    const finished = `${prefix}/1842/finished.json`;
    const doc = JSON.parse(fs.readFileSync(path.join(jobDir, '1842/finished.json'), 'utf8'));
    await s3.put(BUCKET, finished, JSON.stringify({ ...doc, result: 'FAILURE', passed: false }));
    const third = s3.requests.length;
    const r = await kpdJson<Summary>(env('b'), 'ingest', url, '--db', db('b'));
    expect(r).toMatchObject({ builds: 4, replaced: 1, skipped: 3, downloaded: 1 });
    expect(r.results.find((b) => b.number === '1842')).toMatchObject({ outcome: 'replaced', downloaded: 1, cached: readerKeys(prefix, ['1842']).length - 1 });
    expect(objectGets(third)).toEqual([finished]);
    expect(buildValues(db('b')).find((b) => b.number === '1842')?.result).toBe('FAILURE');
  });

  it('reads only the newest N builds with --last N', async () => {
    const from = s3.requests.length;
    const r = await kpdJson<Summary>(env('c'), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--last', '2', '--db', db('c'));
    expect(r.results.map((b) => b.number)).toEqual(['1842', '1843']);
    expect(buildValues(db('c'))).toEqual(buildValues(localDb).filter((b) => Number(b.number) >= 1842));
    expect(objectGets(from).sort()).toEqual(readerKeys(`logs/${JOB}`, ['1842', '1843']));
  });

  it('reads one build from its own URL', async () => {
    const r = await kpdJson<Summary>(env('d'), 'ingest', `s3://${BUCKET}/logs/${JOB}/1841/`, '--db', db('d'));
    expect(r.results.map((b) => [b.number, b.outcome])).toEqual([['1841', 'inserted']]);
    expect(buildValues(db('d'))).toEqual(buildValues(localDb).filter((b) => b.number === '1841'));
  });

  it('retries an object that answers 500 and keeps the build whole', async () => {
    const key = readerKeys(`logs/${JOB}`, ['1841']).find((k) => k.includes('/performance-'))!;
    s3.fault(key, { status: 500 }, 1);
    const from = s3.requests.length;
    const r = await kpdJson<Summary>(env('e'), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--db', db('e'));
    s3.clearFaults();
    expect(r).toMatchObject({ builds: 4, inserted: 4, failed: 0 });
    expect(s3.gets(from).filter((k) => k === key)).toHaveLength(2);
    expect(buildValues(db('e'))).toEqual(buildValues(localDb));
  });

  it('leaves out a build whose connection drops mid-download, and the next run completes it from the cache', async () => {
    const key = readerKeys(`logs/${JOB}`, ['1842']).find((k) => k.includes('kubelet.log'))!;
    s3.fault(key, { drop: true });
    const from = s3.requests.length;
    const r = await kpd(env('f', { KPD_REMOTE_RETRIES: '1' }), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--db', db('f'), '--json');
    s3.clearFaults();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kpd: build ${JOB}#1842: ${key.slice(`logs/${JOB}/1842/`.length)}: `);
    expect(r.stderr).toContain('not written (run again to resume)');
    expect(JSON.parse(r.stdout)).toMatchObject({ builds: 4, inserted: 3, failed: 1 });
    expect(s3.gets(from).filter((k) => k === key)).toHaveLength(2);
    expect(buildValues(db('f')).map((b) => b.number)).toEqual(['1840', '1841', '1843']);
    const handle = openDb(db('f'));
    const orphans = handle.prepare("SELECT count(*) AS n FROM runs WHERE build = '1842'").get() as { n: number };
    handle.close();
    expect(orphans.n).toBe(0);

    const resume = s3.requests.length;
    const next = await kpdJson<Summary>(env('f'), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--db', db('f'));
    expect(next).toMatchObject({ builds: 4, inserted: 1, skipped: 3, downloaded: 1 });
    expect(objectGets(resume)).toEqual([key]);
    expect(buildValues(db('f'))).toEqual(buildValues(localDb));
  });

  it('reads a public bucket without credentials: unsigned requests', async () => {
    const from = s3.requests.length;
    const r = await kpdJson<Summary>(
      { ...env('g'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') },
      'ingest',
      `s3://${BUCKET}/logs/${JOB}/1843`,
      '--db',
      db('g'),
    );
    expect(r).toMatchObject({ builds: 1, inserted: 1 });
    const unsigned = s3.requests.slice(from);
    expect(unsigned.length).toBeGreaterThan(0);
    expect(unsigned.every((q) => !q.signed)).toBe(true);
  });

  it('re-parses builds read from a bucket from the cache with kpd reingest', async () => {
    await kpdJson(env('h'), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--db', db('h'));
    const from = s3.requests.length;
    const r = await kpdJson<{ reingested: { number: string; outcome: string }[]; missing: unknown[] }>(
      env('h'),
      'reingest',
      '--job',
      JOB,
      '--db',
      db('h'),
    );
    expect(r.reingested.map((b) => [b.number, b.outcome])).toEqual(['1840', '1841', '1842', '1843'].map((n) => [n, 'replaced']));
    expect(r.missing).toEqual([]);
    expect(s3.requests.slice(from)).toEqual([]);
    expect(buildValues(db('h'))).toEqual(buildValues(localDb));
  });
});

describe('bad input in a bucket', () => {
  it('keeps a build with a forbidden object, with a warning naming it', async () => {
    const key = readerKeys(`logs/${JOB}`, ['1841']).find((k) => k.includes('/performance-'))!;
    s3.fault(key, { status: 403 });
    const r = await kpdJson<Summary>(env('i'), 'ingest', `s3://${BUCKET}/logs/${JOB}`, '--db', db('i'));
    s3.clearFaults();
    expect(r).toMatchObject({ builds: 4, inserted: 4, failed: 0 });
    const handle = openDb(db('i'));
    const report = buildReport(handle, JOB, '1841')!;
    handle.close();
    expect(report.warnings[0]).toEqual({
      file: key.slice(`logs/${JOB}/1841/`.length),
      message: 'not read: the bucket answered access denied (403); the rest of the build is kept',
    });
    const local = buildValues(localDb).find((b) => b.number === '1841')!;
    const remote = buildValues(db('i')).find((b) => b.number === '1841')!;
    expect(remote.runs).toBe(local.runs);
    expect(remote.metrics).toBeLessThan(local.metrics);
    expect(buildValues(db('i')).filter((b) => b.number !== '1841')).toEqual(buildValues(localDb).filter((b) => b.number !== '1841'));
  });

  it('warns about a corrupt gzip object exactly as about the same local file', async () => {
    const prefix = `corrupt/${JOB}`;
    await publish(prefix);
    const rel = listBuildFiles(path.join(jobDir, '1842')).find((f) => f.rel.endsWith('kubelet.log.gz'))!.rel;
    const gz = fs.readFileSync(path.join(jobDir, '1842', rel));
    const corrupt = Buffer.concat([gz.subarray(0, Math.floor(gz.length / 2)), Buffer.from('not gzip any more')]);
    await s3.put(BUCKET, `${prefix}/1842/${rel}`, corrupt);
    const copy = path.join(dir, 'corrupt', JOB, '1842');
    fs.cpSync(path.join(jobDir, '1842'), copy, { recursive: true });
    fs.writeFileSync(path.join(copy, rel), corrupt);

    await kpdJson(env('j'), 'ingest', `s3://${BUCKET}/${prefix}/1842`, '--db', db('j'));
    await kpdJson({}, 'ingest', copy, '--db', db('j-local'));
    const report = (file: string) => {
      const handle = openDb(file);
      const r = buildReport(handle, JOB, '1842')!;
      handle.close();
      return r;
    };
    const remote = report(db('j')).warnings.filter((w) => w.file === rel);
    expect(remote.length).toBeGreaterThan(0);
    expect(remote).toEqual(report(db('j-local')).warnings.filter((w) => w.file === rel));
  });

  it('refuses a prefix with no builds with a clear error and exit 1', async () => {
    const r = await kpd(env('k'), 'ingest', `s3://${BUCKET}/nothing/here`, '--db', db('k'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `kpd: s3://${BUCKET}/nothing/here: no builds (expected numbered build folders, or build-log.txt/started.json/artifacts/ under the prefix)`,
    );
  });

  it('refuses a bucket that does not exist with exit 1', async () => {
    const r = await kpd(env('l'), 'ingest', `s3://no-such-bucket/logs/${JOB}`, '--db', db('l'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`kpd: s3://no-such-bucket/logs/${JOB}: cannot list: bucket not found`);
  });
});
