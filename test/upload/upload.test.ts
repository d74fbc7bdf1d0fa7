// CI uploads against a real running server (next start): good uploads and
// their reports, idempotence and conflicts, tokens, size limits, hostile
// archives, concurrent uploads, and the CLI round trip a CI script makes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_TESTS, writeDemoJob } from '../../ingest/demo/generate';
import { packBuildDir } from '../../cli/upload-client';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const JOB = DEFAULT_DEMO.job;
const TOKEN = 'tok-env-5b0c1e';
const FILE_TOKEN = 'tok-file-93aa7d';
const MAX_BYTES = 200_000;
const MAX_UNPACKED = 5_000_000;
const MAX_ENTRIES = 100;

let dir: string;
let jobDir: string;
let uploads: string;
let server: RunningServer;

beforeAll(async () => {
  dir = tempDir('kpd-upload-');
  jobDir = writeDemoJob(path.join(dir, 'jobs'), {
    ...DEFAULT_DEMO,
    ids: 'jenkins',
    builds: 12,
    nodes: DEFAULT_DEMO.nodes.slice(0, 1),
    tests: DEMO_TESTS.filter((t) => t.name === 'density_create_batch_10_0_0'),
    legacyBuilds: 0,
    noisePerPod: 0,
  });
  uploads = path.join(dir, 'kept');
  const tokens = path.join(dir, 'tokens');
  fs.writeFileSync(tokens, `# CI tokens\n\n${FILE_TOKEN}\n`);
  server = await startServer(path.join(dir, 'kpd.db'), {
    KPD_UPLOAD_TOKEN: TOKEN,
    KPD_UPLOAD_TOKENS_FILE: tokens,
    KPD_UPLOADS_DIR: uploads,
    KPD_UPLOAD_MAX_BYTES: String(MAX_BYTES),
    KPD_UPLOAD_MAX_UNPACKED_BYTES: String(MAX_UNPACKED),
    KPD_UPLOAD_MAX_ENTRIES: String(MAX_ENTRIES),
  });
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

/**
 * The Prow ID a generated build directory is uploaded as: consecutive
 * directories become IDs that differ in the last digit only (…559808,
 * …559809), which a JavaScript number cannot tell apart.
 */
const ID = (dirNumber: number) => String(1853849370541559808n + BigInt(dirNumber - 1840));

async function archiveOf(build: number): Promise<Buffer> {
  const file = path.join(dir, `${build}-${randomBytes(4).toString('hex')}.tar.gz`);
  await packBuildDir(path.join(jobDir, String(build)), file);
  return fs.readFileSync(file);
}

type Entry = { name: string; body?: Buffer; type?: 'file' | 'symlink' | 'link'; linkname?: string };

async function hostile(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = pipeline(pack, zlib.createGzip(), async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) chunks.push(c);
  });
  for (const e of entries) {
    if (e.type === 'symlink' || e.type === 'link') pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name }, e.body ?? Buffer.from('x'));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function post(build: number | string, body: Buffer, opts: { token?: string | null; query?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/gzip' };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`${server.url}/api/v1/jobs/${JOB}/builds/${build}${opts.query ?? ''}`, { method: 'POST', headers, body: new Uint8Array(body) });
}

async function buildNumbers(): Promise<string[]> {
  const r = await fetch(`${server.url}/api/v1/jobs/${JOB}/builds`);
  if (r.status === 404) return [];
  const doc = (await r.json()) as { builds: { number: string }[] };
  return doc.builds.map((b) => b.number);
}

interface UploadBody {
  job: string;
  number: string;
  outcome: string;
  runs: number;
  rows: number;
  warnings: number;
  archive: string;
  report: { files: { file: string; kind: string }[]; runs: number };
}

describe('a good upload', () => {
  it('is ingested (201), answers with the ingest report and keeps the archive', async () => {
    const archive = await archiveOf(1840);
    const r = await post(ID(1840), archive);
    expect(r.status).toBe(201);
    const body = (await r.json()) as UploadBody;
    expect(body).toMatchObject({ job: JOB, number: ID(1840), outcome: 'inserted', runs: 1, warnings: 0 });
    expect(body.report.runs).toBe(1);
    expect(body.report.files.map((f) => f.kind).sort()).toEqual([
      'build-log',
      'finished',
      'junit',
      'kubelet-log',
      'kubelet-traces',
      'perfdata',
      'started',
      'timeseries',
    ]);
    // Where the archive is kept, relative to the uploads directory: the server's own paths stay its own.
    expect(body.archive).toBe(`${JOB}/${ID(1840)}.tar.gz`);
    expect(fs.readFileSync(path.join(uploads, body.archive)).equals(archive)).toBe(true);
    expect(await buildNumbers()).toContain(ID(1840));
  });

  it('accepts a token from the tokens file too, and keeps a build whose ID differs in the last digit apart', async () => {
    const r = await post(ID(1841), await archiveOf(1841), { token: FILE_TOKEN });
    expect(r.status).toBe(201);
    expect(ID(1841)).toBe('1853849370541559809');
    expect(await buildNumbers()).toEqual(['1853849370541559808', '1853849370541559809']);
  });

  it('changes nothing when the same content comes again (200, unchanged)', async () => {
    const r = await post(ID(1840), await archiveOf(1840));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ number: ID(1840), outcome: 'unchanged', rows: 0 });
  });

  it('refuses different content for an existing build (409) unless ?replace=true', async () => {
    const other = await archiveOf(1842);
    const conflict = await post(ID(1840), other);
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: string }).error).toBe(
      `build ${JOB}#${ID(1840)} exists with different content; replace it explicitly: upload again with ?replace=true`,
    );
    expect(fs.readFileSync(path.join(uploads, JOB, `${ID(1840)}.tar.gz`)).equals(await archiveOf(1840))).toBe(true);

    const replaced = await post(ID(1840), other, { query: '?replace=true' });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ number: ID(1840), outcome: 'replaced' });
    expect(fs.readFileSync(path.join(uploads, JOB, `${ID(1840)}.tar.gz`)).equals(other)).toBe(true);
    // Put the real build back for the tests that follow.
    expect((await post(ID(1840), await archiveOf(1840), { query: '?replace=true' })).status).toBe(200);
  });
});

describe('tokens', () => {
  it('refuses an upload without a token (401) and asks for a bearer token', async () => {
    const r = await post(ID(1850), await archiveOf(1850), { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="kpd uploads"');
    expect(await r.json()).toEqual({ error: 'an upload token is required: Authorization: Bearer <token>' });
  });

  it('refuses a wrong token (401), also one that is a prefix of the right one', async () => {
    for (const token of ['nope', TOKEN.slice(0, -1), TOKEN + 'x']) {
      const r = await post(ID(1850), await archiveOf(1850), { token });
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: 'wrong upload token' });
    }
    expect(await buildNumbers()).not.toContain(ID(1850));
  });

  it('lets anyone read the dashboard API without a token', async () => {
    const r = await fetch(`${server.url}/api/v1/jobs/${JOB}/builds`);
    expect(r.status).toBe(200);
  });
});

describe('limits', () => {
  it('refuses a body over the size limit (413), declared or streamed', async () => {
    const big = randomBytes(MAX_BYTES + 1);
    const declared = await post(ID(1851), big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: `upload of ${MAX_BYTES + 1} bytes is over the limit of ${MAX_BYTES} bytes` });

    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(randomBytes(MAX_BYTES / 2));
        c.close();
      },
    });
    const streamed = await fetch(`${server.url}/api/v1/jobs/${JOB}/builds/${ID(1851)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual({ error: `upload is over the limit of ${MAX_BYTES} bytes` });
    expect(await buildNumbers()).not.toContain(ID(1851));
  });

  it('refuses a gzip bomb: small on the wire, over the unpacked limit (413)', async () => {
    const bomb = await hostile([{ name: 'build-log.txt', body: Buffer.alloc(MAX_UNPACKED * 4) }]);
    expect(bomb.length).toBeLessThan(MAX_BYTES);
    const r = await post(ID(1852), bomb);
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: `archive refused: archive unpacks to more than ${MAX_UNPACKED} bytes; refused` });
    expect(await buildNumbers()).not.toContain(ID(1852));
  });

  it('refuses an archive with too many entries (413)', async () => {
    const many = await hostile(
      Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ name: `artifacts/junit_${i}.xml`, body: Buffer.from('<x/>') })),
    );
    const r = await post(ID(1853), many);
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: `archive refused: archive has more than ${MAX_ENTRIES} entries; refused` });
  });
});

describe('hostile and broken archives', () => {
  const cases: Array<[string, Entry[], string]> = [
    ['a ../ entry', [{ name: '../../evil/build-log.txt' }], 'entry "../../evil/build-log.txt" points outside the build directory'],
    ['an absolute entry', [{ name: '/etc/cron.d/build-log.txt' }], 'entry "/etc/cron.d/build-log.txt" has an absolute path'],
    ['a symlink', [{ name: 'build-log.txt', type: 'symlink', linkname: '/etc/passwd' }], 'entry "build-log.txt" is a symlink; only regular files are accepted'],
    ['a hard link', [{ name: 'started.json', type: 'link', linkname: 'build-log.txt' }], 'entry "started.json" is a link; only regular files are accepted'],
  ];
  for (const [what, entries, message] of cases) {
    it(`refuses ${what} (400) and writes nothing`, async () => {
      const r = await post(ID(1854), await hostile(entries));
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({ error: `archive refused: ${message}` });
      expect(await buildNumbers()).not.toContain(ID(1854));
      expect(fs.existsSync(path.join(uploads, JOB, `${ID(1854)}.tar.gz`))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'evil'))).toBe(false);
    });
  }

  it('refuses a body that is not a .tar.gz (400)', async () => {
    const r = await post(ID(1855), Buffer.from('definitely not gzip'));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/^archive refused: not a readable \.tar\.gz: /);
  });

  it('refuses a job name that is not one path component, and a build that is not a number (400)', async () => {
    const badJob = await fetch(`${server.url}/api/v1/jobs/..%2F..%2Fetc/builds/1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new Uint8Array(await archiveOf(1841)),
    });
    expect(badJob.status).toBe(400);
    const badBuild = await post('12a', await archiveOf(1841));
    expect(badBuild.status).toBe(400);
    expect(await badBuild.json()).toEqual({
      error:
        'the build in the URL must be 1 to 19 digits without a sign or leading zero (a Prow build ID or a build number), got "12a": not only digits',
    });
    for (const bad of [`${ID(1841)}0`, `0${ID(1841)}`, '-1841', '+1841', '1e3']) {
      const r = await post(encodeURIComponent(bad), await archiveOf(1841));
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { error: string }).error, bad).toMatch(/^the build in the URL must be 1 to 19 digits/);
    }
  });

  it('leaves no received files behind', () => {
    expect(fs.readdirSync(path.join(uploads, JOB, '.incoming'))).toEqual([]);
  });
});

describe('concurrent uploads', () => {
  it('lands all of 8 different builds sent at once', async () => {
    const dirs = [1842, 1843, 1844, 1845, 1846, 1847, 1848, 1849];
    const archives = await Promise.all(dirs.map(archiveOf));
    const answers = await Promise.all(dirs.map((n, i) => post(ID(n), archives[i])));
    expect(answers.map((a) => a.status)).toEqual(dirs.map(() => 201));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as UploadBody[];
    expect(bodies.map((b) => b.number)).toEqual(dirs.map(ID));
    expect(await buildNumbers()).toEqual([1840, 1841, ...dirs].map(ID));
  });
});

function kpd(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kpd'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the CI script: kpd upload, then kpd slo check and kpd regressions against the server', () => {
  it('uploads a build directory with the token from the environment and gates on the SLOs', async () => {
    const up = kpd(['upload', path.join(jobDir, '1850'), '--server', server.url, '--job', JOB, '--build', ID(1850), '--json'], {
      KPD_UPLOAD_TOKEN: TOKEN,
    });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ job: JOB, number: ID(1850), outcome: 'inserted', runs: 1 });

    const check = kpd(['slo', 'check', '--server', server.url, '--job', JOB, '--json']);
    expect(check.code).toBe(0);
    const doc = JSON.parse(check.stdout) as { ok: boolean; build: string; results: { slo: string; test: string; ok: boolean }[] };
    const api = await (await fetch(`${server.url}/api/v1/jobs/${JOB}/slo`)).json();
    expect(doc).toEqual(api);
    expect(doc.ok).toBe(true);
    expect(doc.build).toBe(ID(1850));
    expect(doc.results.map((r) => [r.slo, r.test, r.ok])).toEqual([['pod-startup-p99', 'density_create_batch_10_0_0', true]]);

    const regressions = kpd(['regressions', '--server', server.url, '--job', JOB, '--json']);
    expect(regressions.code).toBe(0);
    expect(JSON.parse(regressions.stdout)).toEqual(await (await fetch(`${server.url}/api/v1/jobs/${JOB}/regressions`)).json());
  });

  it('says why an upload was refused and exits 1', () => {
    const r = kpd(['upload', path.join(jobDir, '1851'), '--server', server.url, '--job', JOB, '--build', ID(1851)], {
      KPD_UPLOAD_TOKEN: 'wrong',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kpd: upload of ${JOB}#${ID(1851)} refused (401): wrong upload token\n`);
  });

  it('re-parses a kept upload archive with kpd reingest', () => {
    const r = kpd(['reingest', '--job', JOB, '--build', ID(1841), '--db', path.join(dir, 'kpd.db'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { reingested: { number: string; outcome: string }[]; missing: unknown[] };
    expect(doc.reingested.map((b) => [b.number, b.outcome])).toEqual([[ID(1841), 'replaced']]);
    expect(doc.missing).toEqual([]);
  });
});
