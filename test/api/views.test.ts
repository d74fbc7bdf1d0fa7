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
import { GET as builds } from '../../app/api/v1/jobs/[job]/builds/route';
import { GET as slo } from '../../app/api/v1/jobs/[job]/slo/route';
import { writeBuild } from '../../ingest/load';
import { buildRecord, freshDb, runRecord } from '../helpers';
import { COS, JOB, TEST, UBUNTU, fillJob } from '../queries/fixture';

beforeAll(() => {
  const { db, file } = freshDb();
  fillJob(db);
  for (const [id, hour] of [[A, 0], [B, 1]] as const) {
    writeBuild(db, buildRecord(id, { job: PROW_JOB, started: 1_731_000_000_000_000 + hour * 3_600_000_000, runs: [runRecord({ node: COS })] }));
  }
  db.close();
  process.env.KPD_DB = file;
  openDb(file).close();
});

/** A Prow job whose two builds differ in the last digit of their 19-digit IDs. */
const PROW_JOB = 'ci-kubernetes-node-kubelet-benchmark-prow';
const A = '1853849370541559808';
const B = '1853849370541559809';

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
      build: '103',
      test: TEST,
      image: COS.image,
      machine: COS.machine,
      reversed: false,
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
    expect(body.window).toEqual({ from: '102', to: '102', builds: 1, first: '101', last: '102', total: 2 });
    expect(body.charts[0]).toEqual({
      metric: 'latency',
      title: 'Pod startup latency (ms)',
      unit: 'ms',
      stats: ['Perc50', 'Perc90', 'Perc99'],
      points: [
        {
          build: '102',
          started: '2023-11-21T15:56:40.000000Z',
          version: null,
          result: 'SUCCESS',
          links: { prow: null, artifacts: null },
          stats: { Perc50: 700, Perc90: 1400, Perc99: 2100 },
        },
      ],
      downsampledFrom: null,
    });
  });

  it('takes a build range, and refuses a malformed one', async () => {
    const { body } = await get(charts, { builds: '101-102', last: 'all' });
    expect(body.window).toMatchObject({ from: '101', to: '102', builds: 2 });
    expect(body.node).toEqual(COS);
    const bad = await get(charts, { builds: 'yesterday' });
    expect(bad).toEqual({ status: 400, body: { error: 'builds must be a range of build IDs like 1800-1850, got "yesterday"' } });
    expect((await get(charts, { builds: '0101-102' })).body.error).toMatch(/^the first build of builds= must be 1 to 19 digits/);
    expect((await get(charts, { last: '9223372036854775808' })).body.window).toMatchObject({ from: '101', to: '103', builds: 3 });
  });

  it('is a 404 naming the jobs for an unknown job', async () => {
    // Only names close to the one asked for are suggested: a 404 does not hand out the list of jobs.
    expect(await get(charts, {}, 'nope')).toEqual({ status: 404, body: { error: 'no job "nope"', choices: [] } });
    expect(await get(charts, {}, 'ci-kubernetes-node-kublet-benchmark')).toEqual({
      status: 404,
      body: {
        error: `no job "ci-kubernetes-node-kublet-benchmark"; choose one of:\n  ${JOB}`,
        choices: [JOB],
      },
    });
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
    expect(t.body.acrossBuilds.map((b: { build: string; matchedBy: string }) => [b.build, b.matchedBy])).toEqual([
      ['101', 'order'],
      ['102', 'order'],
      ['103', 'order'],
    ]);
    expect(t.body.build).toBe('102');
    const j = await (await jobs()).json();
    expect(j.jobs.map((x: { job: string; builds: number }) => [x.job, x.builds])).toEqual([
      [JOB, 3],
      [PROW_JOB, 2],
    ]);
  });
});

describe('19-digit build IDs through the API', () => {
  it('lists, charts, checks and traces each of two builds that differ in the last digit', async () => {
    const list = await get(builds, {}, PROW_JOB);
    expect(list.body.builds.map((b: { number: string }) => b.number)).toEqual([A, B]);
    expect(list.body.builds[0].links).toEqual({
      prow: `https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/${PROW_JOB}/${A}`,
      artifacts: `https://gcsweb.k8s.io/gcs/kubernetes-ci-logs/logs/${PROW_JOB}/${A}/`,
    });
    const one = await get(charts, { builds: `${B}-${B}` }, PROW_JOB);
    expect(one.body.window).toMatchObject({ from: B, to: B, builds: 1, first: A, last: B });
    expect(one.body.charts[0].points.map((p: { build: string }) => p.build)).toEqual([B]);
    expect((await get(series, { build: A }, PROW_JOB)).body.build).toBe(A);
    expect((await get(slo, { build: B }, PROW_JOB)).body.build).toBe(B);
    const t = await get(trace, { build: B, test: TEST, from: 'create', to: 'pod_config_change' }, PROW_JOB);
    expect(t.body).toMatchObject({ build: B, count: 1 });
  });

  it('answers 400 for an ID of 20 digits or with a leading zero, 404 for one that is not there', async () => {
    expect((await get(series, { build: `${A}0` }, PROW_JOB)).status).toBe(400);
    expect((await get(slo, { build: `0${A.slice(1)}` }, PROW_JOB)).status).toBe(400);
    expect((await get(series, { build: '1853849370541559807' }, PROW_JOB)).status).toBe(404);
  });
});
