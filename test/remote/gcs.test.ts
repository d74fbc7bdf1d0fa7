// `kpd ingest gs://…` against a stand-in for the GCS JSON API (no GCS
// emulator installs here; see gcs-server.ts), reached through
// STORAGE_EMULATOR_HOST: the values equal a local ingest's, only the files
// the reader reads are downloaded, listings are paged, unchanged builds are
// skipped and a rewritten object (a new generation) is read again, a 503 is
// retried, and a missing bucket is a clear error.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuildFiles } from '../../ingest/build';
import { tempDir } from '../helpers';
import { FakeGcs } from './gcs-server';
import { buildValues, JOB, kpd, kpdJson, writeJob } from './helpers';

const BUCKET = 'kubernetes-ci-logs';
const PREFIX = `logs/${JOB}`;
const BUILDS = ['1840', '1841', '1842', '1843'];

interface Summary {
  builds: number;
  inserted: number;
  replaced: number;
  skipped: number;
  failed: number;
  downloaded: number;
  results: { number: string; outcome: string }[];
}

let dir: string;
let jobDir: string;
let localDb: string;
let gcs: FakeGcs;

const readerKeys = (builds: string[]) =>
  builds.flatMap((b) => listBuildFiles(path.join(jobDir, b)).map((f) => `${PREFIX}/${b}/${f.rel}`)).sort();
const env = (name: string, extra: Record<string, string> = {}) => ({ ...gcs.env(), KPD_CACHE_DIR: path.join(dir, `cache-${name}`), ...extra });
const db = (name: string) => path.join(dir, `${name}.db`);
const objectMedia = (from: number) => gcs.media(from).filter((k) => !k.endsWith('latest-build.txt'));

beforeAll(async () => {
  dir = tempDir('kpd-gcs-');
  jobDir = writeJob(path.join(dir, 'jobs'));
  gcs = await FakeGcs.start([BUCKET]);
  gcs.putDir(BUCKET, PREFIX, jobDir);
  for (const b of BUILDS) gcs.put(BUCKET, `${PREFIX}/${b}/artifacts/kern.log`, 'unread\n');
  localDb = db('local');
  await kpdJson({}, 'ingest', jobDir, '--db', localDb);
}, 120_000);

afterAll(async () => {
  await gcs?.stop();
});

describe('kpd ingest gs://BUCKET/PATH/JOB', () => {
  it('reads every build with the same values as a local ingest, through paged listings, downloading only what the reader reads', async () => {
    const from = gcs.requests.length;
    const r = await kpdJson<Summary>(env('a'), 'ingest', `gs://${BUCKET}/${PREFIX}`, '--db', db('a'));
    expect(r).toMatchObject({ builds: 4, inserted: 4, failed: 0 });
    expect(buildValues(db('a'))).toEqual(buildValues(localDb));
    expect(objectMedia(from).sort()).toEqual(readerKeys(BUILDS));
    expect(gcs.requests.slice(from).some((q) => q.kind === 'list' && q.pageToken !== null)).toBe(true);
  });

  it('skips unchanged builds without downloading, and reads again an object with a new generation', async () => {
    const prefix = `skip/${JOB}`;
    gcs.putDir(BUCKET, prefix, jobDir);
    const url = `gs://${BUCKET}/${prefix}`;
    await kpdJson(env('b'), 'ingest', url, '--db', db('b'));
    const again = gcs.requests.length;
    expect(await kpdJson<Summary>(env('b'), 'ingest', url, '--db', db('b'))).toMatchObject({ skipped: 4, downloaded: 0 });
    expect(objectMedia(again)).toEqual([]);

    const key = `${prefix}/1843/build-log.txt`;
    gcs.put(BUCKET, key, 'rewritten by a retried upload\n');
    const third = gcs.requests.length;
    const r = await kpdJson<Summary>(env('b'), 'ingest', url, '--db', db('b'));
    expect(r).toMatchObject({ replaced: 1, skipped: 3, downloaded: 1 });
    expect(objectMedia(third)).toEqual([key]);
  });

  it('retries an object that answers 503', async () => {
    const key = readerKeys(['1842']).find((k) => k.includes('/time_series-'))!;
    gcs.fault(key, 503, 1);
    const from = gcs.requests.length;
    const r = await kpdJson<Summary>(env('c'), 'ingest', `gs://${BUCKET}/${PREFIX}`, '--db', db('c'));
    expect(r).toMatchObject({ builds: 4, inserted: 4, failed: 0 });
    expect(gcs.media(from).filter((k) => k === key)).toHaveLength(2);
    expect(buildValues(db('c'))).toEqual(buildValues(localDb));
  });

  it('refuses a bucket that does not exist with exit 1', async () => {
    const r = await kpd(env('d'), 'ingest', `gs://no-such-bucket/${PREFIX}`, '--db', db('d'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`kpd: gs://no-such-bucket/${PREFIX}: cannot list: bucket not found`);
  });
});
