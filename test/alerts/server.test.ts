// Alerts on a real running server (`kpd serve`, its writer thread): builds
// uploaded one by one from CI raise an alert once the regression has enough
// builds after it, announced to a webhook (a real local HTTP server) by the
// writer thread; states set through PATCH (via `kpd alerts set --server`)
// record the token's name and survive later uploads; the overview lists the
// new alerts beside the raw change points.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_NODES, DEMO_TESTS, writeDemoJob } from '../../ingest/demo/generate';
import { packBuildDir } from '../../cli/upload-client';
import type { Alert } from '../../lib/queries/alerts';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';
import { kpd, kpdJson } from '../kpd';

const JOB = 'ci-node-density-alerts';
const BUILDS = 26;
const AT = 16;
const FIRST = 4100;
const UPLOADER = 'tok-uploader-51d2aa';
const TRIAGER = 'tok-triager-9e03bc';
const TEST = 'density_create_batch_10_0_0';

let dir: string;
let jobDir: string;
let server: RunningServer;
let hook: http.Server;
const posted: { text: string }[] = [];

beforeAll(async () => {
  dir = tempDir('kpd-alerts-server-');
  jobDir = writeDemoJob(path.join(dir, 'jobs'), {
    ...DEFAULT_DEMO,
    job: JOB,
    ids: 'jenkins',
    firstBuild: FIRST,
    builds: BUILDS,
    regressionAt: AT,
    nodes: DEMO_NODES.slice(0, 1),
    tests: DEMO_TESTS.filter((t) => t.name === TEST),
    legacyBuilds: 0,
    noisePerPod: 0,
    traceEvery: 0,
  });
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      posted.push(JSON.parse(body) as { text: string });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const tokens = path.join(dir, 'tokens');
  fs.writeFileSync(tokens, `ci-uploader:${UPLOADER}\nrelease-team:${TRIAGER}\n`);
  server = await startServer(path.join(dir, 'kpd.db'), {
    KPD_UPLOAD_TOKENS_FILE: tokens,
    KPD_UPLOAD_TOKEN: '',
    KPD_UPLOADS_DIR: path.join(dir, 'kept'),
    KPD_ALERT_WEBHOOK: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/secret`,
    KPD_PUBLIC_URL: 'https://perf.example.com',
  });
  for (let i = 0; i < BUILDS - 1; i++) await upload(i);
}, 600_000);

afterAll(async () => {
  await server?.stop();
  hook?.close();
});

async function upload(i: number): Promise<void> {
  const archive = path.join(dir, `${FIRST + i}.tar.gz`);
  await packBuildDir(path.join(jobDir, String(FIRST + i)), archive);
  const r = await fetch(`${server.url}/api/v1/jobs/${JOB}/builds/${FIRST + i}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${UPLOADER}`, 'content-type': 'application/gzip' },
    body: new Uint8Array(fs.readFileSync(archive)),
  });
  expect([i, r.status]).toEqual([i, 201]);
}

async function alerts(query = ''): Promise<Alert[]> {
  const r = await fetch(`${server.url}/api/v1/jobs/${JOB}/alerts${query}`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { alerts: Alert[] }).alerts;
}

/** The webhook is told after the upload's answer: wait for it. */
async function posts(n: number): Promise<void> {
  for (let t = 0; posted.length < n && t < 100; t++) await new Promise((r) => setTimeout(r, 100));
}

describe('alerts from uploads', () => {
  it('raise one alert at the regressed build, announced once by the writer', async () => {
    const all = await alerts();
    expect(all.map((a) => [a.build, a.test, a.state, a.regression])).toEqual([[String(FIRST + AT), TEST, 'new', true]]);
    expect(all[0].previousBuild).toBe(String(FIRST + AT - 1));
    await posts(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(posted).toHaveLength(1);
    expect(posted[0].text).toMatch(new RegExp(`^\\*New regression alert\\* in ${JOB}\\n• build ${FIRST + AT}: ${TEST} on ${DEMO_NODES[0].image} / `));
    expect(posted[0].text).toContain(`<https://perf.example.com/jobs/${JOB}/regressions?state=new|All new alerts of ${JOB}>`);
  });

  it('are listed by `kpd alerts --server` as the API lists them', async () => {
    expect(kpdJson<{ alerts: Alert[] }>(['alerts', '--job', JOB, '--server', server.url]).alerts).toEqual(await alerts());
  });

  it("take a state from `kpd alerts set --server` with the triager's token, recorded by its name", async () => {
    const [a] = await alerts();
    const r = kpd(['alerts', 'set', String(a.id), '--state', 'acknowledged', '--note', 'slower sandbox start', '--server', server.url, '--job', JOB, '--json'], {
      KPD_UPLOAD_TOKEN: TRIAGER,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ id: a.id, state: 'acknowledged', note: 'slower sandbox start', setBy: 'release-team' });
    expect((await alerts('?state=acknowledged')).map((x) => x.id)).toEqual([a.id]);
    expect(await alerts('?state=new')).toEqual([]);
  });

  it('refuse a state without a token (401), through the CLI too', async () => {
    const [a] = await alerts();
    const r = await fetch(`${server.url}/api/v1/jobs/${JOB}/alerts`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: a.id, state: 'fixed' }),
    });
    expect(r.status).toBe(401);
    const cli = kpd(['alerts', 'set', String(a.id), '--state', 'fixed', '--server', server.url, '--job', JOB], { KPD_UPLOAD_TOKEN: 'tok-guess' });
    expect(cli).toMatchObject({ code: 1, stderr: `kpd: setting alert ${a.id} refused (401): wrong upload token\n` });
    expect((await alerts())[0].state).toBe('acknowledged');
  });

  it('keep their state when the next build arrives, and nothing is announced again', async () => {
    // The levels and p-values are those of the longer history; what is triaged stays.
    const triage = (xs: Alert[]) => xs.map((a) => [a.id, a.build, a.test, a.state, a.note, a.setBy, a.setAt]);
    const before = await alerts();
    await upload(BUILDS - 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(triage(await alerts())).toEqual(triage(before));
    expect(posted).toHaveLength(1);
  });

  it('show on the overview while new, beside the raw change points', async () => {
    const r = await fetch(`${server.url}/api/v1/jobs`);
    const job = ((await r.json()) as { jobs: { job: string; alerts: Alert[]; regressions: { build: string }[] }[] }).jobs.find((j) => j.job === JOB)!;
    expect(job.regressions.length).toBeGreaterThan(0);
    expect(job.alerts).toEqual([]);
    const [a] = await alerts();
    const back = await fetch(`${server.url}/api/v1/jobs/${JOB}/alerts`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TRIAGER}` },
      body: JSON.stringify({ id: a.id, state: 'new' }),
    });
    expect(back.status).toBe(200);
    const again = ((await (await fetch(`${server.url}/api/v1/jobs`)).json()) as { jobs: { job: string; alerts: Alert[] }[] }).jobs.find((j) => j.job === JOB)!;
    expect(again.alerts.map((x) => [x.id, x.state, x.note])).toEqual([[a.id, 'new', 'slower sandbox start']]);
  });
});
