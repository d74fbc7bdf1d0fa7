// The JSON twins of the views, called as Next.js would call them, on a
// temporary database ($KPD_DB is read when the server's handle first opens).
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db/open';
import { GET as charts } from '../../app/api/v1/jobs/[job]/charts/route';
import { GET as compare } from '../../app/api/v1/jobs/[job]/compare/route';
import { GET as options } from '../../app/api/v1/jobs/[job]/options/route';
import { GET as series } from '../../app/api/v1/jobs/[job]/series/route';
import { GET as trace } from '../../app/api/v1/jobs/[job]/trace/route';
import { GET as tracing } from '../../app/api/v1/jobs/[job]/tracing/route';
import { GET as jobs } from '../../app/api/v1/jobs/route';
import { freshDb } from '../helpers';
import { COS, JOB, TEST, UBUNTU, fillJob } from '../queries/fixture';

beforeAll(() => {
  const { db, file } = freshDb();
  fillJob(db);
  db.close();
  process.env.KPD_DB = file;
  openDb(file).close();
});

type Handler = (req: Request, ctx: { params: Promise<{ job: string }> }) => Promise<Response>;

async function get(handler: Handler, query: Record<string, string | string[]>, job = JOB) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of [v].flat()) q.append(k, x);
  const res = await handler(new Request(`http://localhost/api/v1/jobs/${job}/x?${q}`), { params: Promise.resolve({ job }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { [k: string]: any } };
}

describe('GET /api/v1/jobs/[job]/trace', () => {
  it('answers in the shape of kpd trace --json', async () => {
    const { status, body } = await get(trace, { build: '103', test: TEST, ...COS, from: 'pod_config_change', to: 'pod_running' });
    expect(status).toBe(200);
    expect(body).toEqual({
      from: 'pod_config_change',
      to: 'pod_running',
      count: 2,
      missing: 0,
      negative: 0,
      matchedBy: 'pod',
      p50: 750,
      p90: 950,
      p99: 995,
      build: 103,
      test: TEST,
      image: COS.image,
      machine: COS.machine,
    });
  });

  it('is a 400 with the choices when the node config is ambiguous, a 400 when a parameter is missing', async () => {
    const amb = await get(trace, { build: '101', test: TEST, from: 'create', to: 'running' });
    expect(amb.status).toBe(400);
    expect(amb.body.choices).toEqual([
      `--image '${COS.image}' --machine '${COS.machine}'`,
      `--image '${UBUNTU.image}' --machine '${UBUNTU.machine}'`,
    ]);
    expect((await get(trace, { build: '101', test: TEST })).body).toEqual({ error: 'build, test, from and to are required' });
  });
});

describe('GET /api/v1/jobs/[job]/charts', () => {
  it('returns the points the Builds page draws, times in ISO-8601', async () => {
    const { status, body } = await get(charts, { test: TEST, image: UBUNTU.image, last: '1' });
    expect(status).toBe(200);
    expect(body.window).toEqual({ from: 102, to: 102, builds: 1, first: 101, last: 102, total: 2 });
    expect(body.charts[0]).toEqual({
      metric: 'latency',
      title: 'Pod startup latency (ms)',
      unit: 'ms',
      stats: ['Perc50', 'Perc90', 'Perc99'],
      points: [{ build: 102, started: '2023-11-21T15:56:40.000000Z', stats: { Perc50: 700, Perc90: 1400, Perc99: 2100 } }],
      downsampledFrom: null,
    });
  });

  it('takes a build range, and refuses a malformed one', async () => {
    const { body } = await get(charts, { builds: '101-102', last: 'all' });
    expect(body.window).toMatchObject({ from: 101, to: 102, builds: 2 });
    expect(body.node).toEqual(COS);
    const bad = await get(charts, { builds: 'yesterday' });
    expect(bad).toEqual({ status: 400, body: { error: 'builds must be a range like 1800-1850, got "yesterday"' } });
  });

  it('is a 404 naming the jobs for an unknown job', async () => {
    expect(await get(charts, {}, 'nope')).toEqual({ status: 404, body: { error: `no job "nope"; choose one of:\n  ${JOB}`, choices: [JOB] } });
  });
});

describe('the other views', () => {
  it('compare aggregates each selection', async () => {
    const { body } = await get(compare, { sel: [`${TEST}|${COS.image}|${COS.machine}`, `${TEST}|${UBUNTU.image}|${UBUNTU.machine}`], agg: 'avg' });
    expect(body.aggregate).toBe('avg');
    expect(body.charts[0].values.map((v: Record<string, { value: number }>) => v.Perc50.value)).toEqual([3000, 600]);
    expect((await get(compare, { agg: 'mode' })).status).toBe(400);
  });

  it('options, series, tracing and the job list answer from the same queries as the pages', async () => {
    expect((await get(options, {})).body.tests[0].configs).toHaveLength(2);
    const s = await get(series, { build: '102', test: TEST, ...UBUNTU });
    expect(s.body.run).toMatchObject({ test: TEST, ...UBUNTU });
    expect(s.body.t0).toBe('2023-11-17T09:58:19.000000Z');
    expect((await get(series, {})).body).toEqual({ error: 'build is required' });
    const t = await get(tracing, { from: 'create', to: 'running', build: '102' });
    expect(t.body.acrossBuilds.map((b: { build: number; matchedBy: string }) => [b.build, b.matchedBy])).toEqual([
      [101, 'order'],
      [102, 'order'],
      [103, 'order'],
    ]);
    expect(t.body.build).toBe(102);
    const j = await (await jobs()).json();
    expect(j.jobs.map((x: { job: string; builds: number }) => [x.job, x.builds])).toEqual([[JOB, 3]]);
  });
});
