// Alerts on the demo job (a regression injected on the cos node config from
// its 21st build on): its change points become one alert per run at the
// injected build, blamed like the change points, announced once to a webhook
// (a real local HTTP server); states set through `kpd alerts set` (the real
// command) and PATCH /api/v1/jobs/J/alerts (the route, its writer in
// process) are listed by state and survive a re-ingest that recomputes every
// change point.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_NODES, DEMO_TESTS, demoBuildId, writeDemoJob } from '../../ingest/demo/generate';
import { ingestBuilds } from '../../ingest/ingest';
import { discoverBuilds, type BuildLocation } from '../../ingest/sources/local';
import { GET, PATCH } from '../../app/api/v1/jobs/[job]/alerts/route';
import { isChartedStat } from '../../lib/model';
import type { DB } from '../../lib/db/open';
import { listAlerts, type Alert } from '../../lib/queries/alerts';
import { listRegressions, type ChangeRecord } from '../../lib/queries/regressions';
import { freshDb, tempDir } from '../helpers';
import { kpd, kpdJson } from '../kpd';

const JOB = DEFAULT_DEMO.job;
const AT = DEFAULT_DEMO.regressionAt!;
const FIRST_BAD = demoBuildId(DEFAULT_DEMO, AT);
const [COS] = DEMO_NODES;
const TOKEN = 'tok-triage-0c4f1e9a';

let db: DB;
let file: string;
let locs: BuildLocation[];
let alerts: Alert[];
let changes: ChangeRecord[];
let hook: http.Server;
const posted: { text: string }[] = [];
let postedBeforeRegression = -1;

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      posted.push(JSON.parse(body) as { text: string });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  process.env.KPD_ALERT_WEBHOOK = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/T000/B000/secret`;
  process.env.KPD_PUBLIC_URL = 'https://perf.example.com/';

  const dir = writeDemoJob(path.join(tempDir(), 'jobs'), { ...DEFAULT_DEMO, noisePerPod: 0 });
  locs = discoverBuilds(dir);
  ({ db, file } = freshDb());
  await ingestBuilds(db, locs.slice(0, AT));
  postedBeforeRegression = posted.length;
  await ingestBuilds(db, locs.slice(AT));
  delete process.env.KPD_ALERT_WEBHOOK;
  alerts = listAlerts(db, JOB);
  changes = listRegressions(db, JOB);
  // The route handlers read and write this database ($KPD_DB, read when their handles first open).
  process.env.KPD_DB = file;
  process.env.KPD_UPLOAD_TOKENS_FILE = path.join(tempDir(), 'tokens');
  fs.writeFileSync(process.env.KPD_UPLOAD_TOKENS_FILE, `# who may triage\nrelease-team:${TOKEN}\n`);
}, 180_000);

afterAll(() => {
  hook?.close();
});

const index = (b: string) => locs.findIndex((l) => l.number === b);
const runs = DEMO_TESTS.map((t) => ({ test: t.name, image: COS.image, machine: COS.machine }));

describe('alerts of the demo regression', () => {
  it('are one alert per run at the injected build, holding every change point of that run and build', () => {
    const atBad = alerts.filter((a) => a.build === FIRST_BAD);
    expect(atBad.map((a) => a.test).sort()).toEqual(DEMO_TESTS.map((t) => t.name).sort());
    for (const a of atBad) {
      expect(a).toMatchObject({ image: COS.image, machine: COS.machine, regression: true, state: 'new', note: null, setBy: null, setAt: null });
      const own = changes.filter((c) => c.test === a.test && c.image === a.image && c.machine === a.machine && c.build === FIRST_BAD);
      expect(a.changes.map((c) => `${c.metric} ${c.stat}`).sort()).toEqual(own.map((c) => `${c.metric} ${c.stat}`).sort());
      expect(a.changes.length).toBeGreaterThanOrEqual(10);
    }
    // The latency of every density test and the kubelet's CPU and memory of every test moved at that build.
    for (const r of runs) {
      const moved = atBad.find((a) => a.test === r.test)!.changes.map((c) => `${c.metric} ${c.stat}`);
      expect(moved).toEqual(expect.arrayContaining(['kubelet_cpu Perc95', 'kubelet_memory rss']));
      if (r.test.startsWith('density_')) expect(moved).toEqual(expect.arrayContaining(['latency Perc50', 'latency Perc99']));
    }
  });

  it('lists the largest change of a charted stat first, charted stats before the others', () => {
    for (const a of alerts) {
      const charted = a.changes.map((c) => isChartedStat(c.metric, c.stat));
      expect(charted).toEqual([...charted].sort((x, y) => Number(y) - Number(x)));
      const sizes = (xs: typeof a.changes) => xs.map((c) => Math.abs(c.change!));
      const drawn = a.changes.filter((c) => isChartedStat(c.metric, c.stat));
      expect(sizes(drawn)).toEqual([...sizes(drawn)].sort((x, y) => y - x));
    }
    const p99 = alerts.find((a) => a.build === FIRST_BAD && a.test === 'density_create_batch_105_0_100')!;
    expect(isChartedStat(p99.changes[0].metric, p99.changes[0].stat)).toBe(true);
    expect(Math.abs(p99.changes[0].change!)).toBe(Math.max(...p99.changes.filter((c) => isChartedStat(c.metric, c.stat)).map((c) => Math.abs(c.change!))));
  });

  it('are blamed like their change points: the last good build, both versions and the commits between them', () => {
    const started = (i: number) =>
      JSON.parse(fs.readFileSync(path.join(locs[i].path, 'started.json'), 'utf8')) as { 'repo-version': string; 'repo-commit': string };
    const [before, after] = [started(AT - 1), started(AT)];
    for (const a of alerts.filter((x) => x.build === FIRST_BAD)) {
      expect(a).toMatchObject({
        previousBuild: demoBuildId(DEFAULT_DEMO, AT - 1),
        previousVersion: before['repo-version'],
        version: after['repo-version'],
        compareUrl: `https://github.com/kubernetes/kubernetes/compare/${before['repo-commit']}...${after['repo-commit']}`,
      });
    }
  });

  it('are nowhere else but single stats the detector placed up to two builds later, on the same runs', () => {
    for (const a of alerts.filter((x) => x.build !== FIRST_BAD)) {
      expect([a.test, a.image, a.changes.length]).toEqual([a.test, COS.image, 1]);
      expect(index(a.build) - AT).toBeGreaterThan(0);
      expect(index(a.build) - AT).toBeLessThanOrEqual(2);
    }
    expect(alerts.every((a) => a.id !== null)).toBe(true);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
  });

  it('are announced once, after the ingest that found them, to the webhook as Slack text with links', () => {
    expect(postedBeforeRegression).toBe(0);
    expect(posted).toHaveLength(1);
    const lines = posted[0].text.split('\n');
    expect(lines[0]).toBe(`*${alerts.length} new regression alerts* in ${JOB}`);
    const a = alerts.find((x) => x.build === FIRST_BAD && x.test === 'density_create_batch_105_0_100')!;
    const top = a.changes[0];
    const line = lines.find((l) => l.startsWith(`• build ${FIRST_BAD}: density_create_batch_105_0_100 on ${COS.image} / ${COS.machine}: `))!;
    expect(line).toContain(`${top.metric} ${top.stat} +${(top.change! * 100).toFixed(1)}%`);
    expect(line).toContain(` and ${a.changes.length - 3} more; since build ${a.previousBuild} (${a.previousVersion} → ${a.version}) <${a.compareUrl}|commits>`);
    expect(line).toContain(`<https://perf.example.com/jobs/${JOB}/regressions?image=${COS.image}&machine=cpu%3A2core%2Cmemory%3A7.5GB#alert-${a.id}|open>`);
    expect(lines.at(-1)).toBe(`<https://perf.example.com/jobs/${JOB}/regressions?state=new|All new alerts of ${JOB}>`);
  });
});

type Doc = { job: string; alerts: Alert[] };

async function get(query = ''): Promise<{ status: number; body: Doc & { error?: string } }> {
  const res = await GET(new Request(`http://localhost/api/v1/jobs/${JOB}/alerts${query}`), { params: Promise.resolve({ job: JOB }) });
  return { status: res.status, body: (await res.json()) as Doc & { error?: string } };
}

async function patch(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, job = JOB) {
  const res = await PATCH(
    new Request(`http://localhost/api/v1/jobs/${job}/alerts`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ job }) },
  );
  return { status: res.status, body: (await res.json()) as Alert & { error?: string; choices?: string[] }, headers: res.headers };
}

describe('triage through the CLI and the API', () => {
  const main = (test: string) => alerts.find((a) => a.build === FIRST_BAD && a.test === test)!;

  it('lists the same alerts in `kpd alerts --json` and GET, in the documented shape, newest build first', async () => {
    const doc = kpdJson<Doc>(['alerts', '--job', JOB, '--db', file]);
    expect(doc).toEqual({ job: JOB, alerts });
    expect((await get()).body).toEqual(doc);
    expect(Object.keys(doc.alerts[0])).toEqual([
      'id', 'state', 'note', 'setBy', 'setAt', 'test', 'image', 'machine', 'build',
      'previousBuild', 'previousVersion', 'version', 'compareUrl', 'regression', 'changes',
    ]);
    expect(Object.keys(doc.alerts[0].changes[0])).toEqual(['metric', 'stat', 'before', 'after', 'change', 'pValue', 'regression']);
    const order = doc.alerts.map((a) => index(a.build));
    expect(order).toEqual([...order].sort((x, y) => y - x));
  });

  it('sets a state with a note from the CLI, recording the local user, and lists alerts by state', () => {
    const a = main('density_create_batch_105_0_100');
    const r = kpd(['alerts', 'set', String(a.id), '--state', 'acknowledged', '--note', 'sandbox start is slower since this build', '--db', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `alert ${a.id} (density_create_batch_105_0_100 on ${COS.image} / ${COS.machine} at build ${FIRST_BAD}): acknowledged, set by ${os.userInfo().username}: sandbox start is slower since this build\n`,
    );
    const listed = kpdJson<Doc>(['alerts', '--job', JOB, '--state', 'acknowledged', '--db', file]).alerts;
    expect(listed.map((x) => x.id)).toEqual([a.id]);
    expect(listed[0]).toMatchObject({ state: 'acknowledged', note: 'sandbox start is slower since this build', setBy: os.userInfo().username });
    expect(listed[0].setAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(kpd(['alerts', '--job', JOB, '--state', 'fixed', '--db', file]).stdout).toBe('no fixed alerts in demo-node-kubelet-benchmark\n');
  });

  it('tells a wrong alert ID, a missing state and a missing database in one line each', () => {
    expect(kpd(['alerts', 'set', '999999', '--state', 'fixed', '--db', file])).toMatchObject({ code: 1, stderr: 'kpd: no alert 999999 (kpd alerts --job J lists them)\n' });
    expect(kpd(['alerts', 'set', String(alerts[0].id), '--db', file])).toMatchObject({
      code: 1,
      stderr: 'kpd: alerts set needs --state, one of new, acknowledged, invalid, fixed\n',
    });
    const missing = path.join(tempDir(), 'typo.db');
    expect(kpd(['alerts', 'set', '1', '--state', 'fixed', '--db', missing]).code).toBe(1);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it("sets a state through PATCH with an upload token, recording the token's name, and keeps the note unless one is sent", async () => {
    const a = main('density_create_batch_35_0_0');
    const r = await patch({ id: a.id, state: 'invalid', note: 'node image rollout, not the kubelet' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: a.id, state: 'invalid', note: 'node image rollout, not the kubelet', setBy: 'release-team', build: FIRST_BAD });
    const again = await patch({ id: a.id, state: 'fixed' });
    expect(again.body).toMatchObject({ state: 'fixed', note: 'node image rollout, not the kubelet' });
    const cleared = await patch({ id: String(a.id), state: 'invalid', note: null });
    expect(cleared.body).toMatchObject({ state: 'invalid', note: null });
    expect((await get('?state=invalid')).body.alerts.map((x) => x.id)).toEqual([a.id]);
    expect(kpdJson<Doc>(['alerts', '--job', JOB, '--state', 'invalid', '--db', file]).alerts[0]).toMatchObject({ id: a.id, setBy: 'release-team' });
  });

  it('names a token without a name "token"', async () => {
    fs.appendFileSync(process.env.KPD_UPLOAD_TOKENS_FILE!, 'tok-bare-77e1\n');
    const a = main('resource_10');
    const r = await patch({ id: a.id, state: 'acknowledged' }, { authorization: 'Bearer tok-bare-77e1' });
    expect(r.body).toMatchObject({ state: 'acknowledged', setBy: 'token' });
  });

  it('answers 401 without a token or with a wrong one, and 403 when the server has none, as uploads do; the token is never echoed', async () => {
    const a = main('density_create_batch_10_0_0');
    const none = await patch({ id: a.id, state: 'fixed' }, {});
    expect([none.status, none.body]).toEqual([401, { error: 'an upload token is required: Authorization: Bearer <token>' }]);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kpd uploads"');
    const wrong = await patch({ id: a.id, state: 'fixed' }, { authorization: 'Bearer release-team:tok-triage-0c4f1e9a' });
    expect([wrong.status, wrong.body]).toEqual([401, { error: 'wrong upload token' }]);
    const tokens = process.env.KPD_UPLOAD_TOKENS_FILE;
    delete process.env.KPD_UPLOAD_TOKENS_FILE;
    try {
      const off = await patch({ id: a.id, state: 'fixed' });
      expect([off.status, off.body]).toEqual([
        403,
        { error: 'uploads are disabled: the server has no upload token (set KPD_UPLOAD_TOKEN or KPD_UPLOAD_TOKENS_FILE)' },
      ]);
    } finally {
      process.env.KPD_UPLOAD_TOKENS_FILE = tokens;
    }
    expect((await get('?state=fixed')).body.alerts).toEqual([]);
  });

  it('refuses a body it cannot use with a 400 that says why, and an unknown alert or job with a 404', async () => {
    const a = main('density_create_batch_10_0_0');
    const cases: [unknown, string][] = [
      ['{"id": 1, "state": ', 'the body must be a JSON object: {"id": 12, "state": "acknowledged", "note": "…"}'],
      [[a.id, 'fixed'], 'the body must be a JSON object: {"id": 12, "state": "acknowledged", "note": "…"}'],
      [{ id: a.id, state: 'fixed', notes: 'typo' }, 'unknown field "notes": the body has id, state and note'],
      [{ state: 'fixed' }, 'id must be the number of an alert (kpd alerts --job J lists them)'],
      [{ id: 1.5, state: 'fixed' }, 'id must be the number of an alert (kpd alerts --job J lists them)'],
      [{ id: a.id }, 'state is required: one of new, acknowledged, invalid, fixed'],
      [{ id: a.id, state: 'closed' }, 'state must be one of new, acknowledged, invalid, fixed, got "closed"'],
      [{ id: a.id, state: 'fixed', note: 42 }, 'note must be a string, or null to clear it'],
      [{ id: a.id, state: 'fixed', note: 'x'.repeat(2001) }, 'note must be at most 2000 characters, got 2001'],
    ];
    for (const [body, error] of cases) expect(await patch(body)).toMatchObject({ status: 400, body: { error } });
    expect(await patch({ id: 999999, state: 'fixed' })).toMatchObject({ status: 404, body: { error: `no alert 999999 in job ${JOB}` } });
    const job = await patch({ id: a.id, state: 'fixed' }, undefined, 'demo-node-kublet-benchmark');
    expect(job.status).toBe(404);
    expect(job.body.choices).toEqual([JOB]);
    expect(await get('?state=closed')).toMatchObject({ status: 400, body: { error: 'state must be one of new, acknowledged, invalid, fixed, got "closed"' } });
    expect((await get(`?state=new`)).body.alerts.find((x) => x.id === a.id)).toMatchObject({ state: 'new', setBy: null });
  });

  it('keeps every state through a re-ingest that recomputes all change points, and announces nothing again', async () => {
    const before = listAlerts(db, JOB);
    expect(before.filter((a) => a.state !== 'new').length).toBe(3);
    const computed = () => db.prepare<[], { computed_us: number }>('SELECT computed_us FROM change_point_state').get()!.computed_us;
    const computedBefore = computed();
    const r = kpd(['reingest', '--job', JOB, '--build', FIRST_BAD, '--db', file], {
      KPD_ALERT_WEBHOOK: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/T000/B000/secret`,
    });
    expect(r.code).toBe(0);
    expect(computed()).toBeGreaterThan(computedBefore);
    expect(listAlerts(db, JOB)).toEqual(before);
    expect(posted).toHaveLength(1);
  });
});
