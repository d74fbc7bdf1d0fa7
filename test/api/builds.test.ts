// GET /api/v1/jobs/[job]/builds/[build] (a build, its runs, its ingest report
// with each warning's file, line and message) and the errors the API now
// gives instead of empty answers: a reversed build range, an unknown probe;
// and the reversed-probes flag of the Tracing view.
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db/open';
import { GET as build } from '../../app/api/v1/jobs/[job]/builds/[build]/route';
import { GET as metrics } from '../../app/api/v1/jobs/[job]/metrics/route';
import { GET as trace } from '../../app/api/v1/jobs/[job]/trace/route';
import { GET as tracing } from '../../app/api/v1/jobs/[job]/tracing/route';
import { writeBuild } from '../../ingest/load';
import { buildRecord, freshDb } from '../helpers';
import { COS, JOB, TEST, T0, fillJob, probes, run } from '../queries/fixture';

const WARNINGS = [
  { file: 'build-log.txt', line: 263, message: '[Result:Performance] block cut short at line 271; skipped' },
  { file: 'artifacts/n1-standard-2-cos/kubelet.log', message: 'no dated line, year or reference time: assumed 2026 and UTC for klog headers' },
];

beforeAll(() => {
  const { db, file } = freshDb();
  fillJob(db);
  // Build 104 has two warnings and a custom NodeTracing probe.
  const custom = { probe: 'volumes_mounted', pod: 'density-test/pod-0', uid: 'uid-pod-0', instance: 0, time: T0 + 300_000, source: 'kubelet' as const };
  writeBuild(
    db,
    buildRecord(104, {
      version: 'v1.32.0-alpha.1.1807+c312506dcaa1',
      runs: [run(1500, COS, { probes: [...probes(0), custom] })],
      report: { files: [], warnings: WARNINGS, runs: 1, metrics: 2, probeEvents: 11 },
    }),
  );
  db.close();
  process.env.KPD_DB = file;
  openDb(file).close();
});

type Handler = (req: Request, ctx: { params: Promise<{ job: string; build: string }> }) => Promise<Response>;

async function call(handler: Handler, params: { job: string; build?: string }, query: Record<string, string> = {}) {
  const res = await handler(new Request(`http://localhost/api/v1/jobs/${params.job}/x?${new URLSearchParams(query)}`), {
    params: Promise.resolve({ build: '', ...params }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('GET /api/v1/jobs/[job]/builds/[build]', () => {
  it('answers the build, its runs and its ingest report with each warning’s file, line and message', async () => {
    const { status, body } = await call(build, { job: JOB, build: '104' });
    expect(status).toBe(200);
    expect(body.job).toBe(JOB);
    expect(body.build).toEqual({
      number: '104',
      started: '2023-11-21T17:56:40.000000Z',
      result: 'SUCCESS',
      version: 'v1.32.0-alpha.1.1807+c312506dcaa1',
      commit: null,
      runs: 1,
      warnings: 2,
      links: { prow: null, artifacts: null },
      finished: '2023-11-21T18:13:20.000000Z',
      durationS: 1000,
      warningList: WARNINGS,
    });
    expect(body.runs).toEqual([
      {
        test: TEST,
        image: COS.image,
        machine: COS.machine,
        host: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
        status: null,
        start: '2023-11-17T09:56:40.000000Z',
        end: '2023-11-17T10:00:00.000000Z',
        probeEvents: 11,
      },
    ]);
    expect(body.report.warnings).toEqual(WARNINGS);
  });

  it('is a 404 JSON for a build the job does not have, and a 400 for a malformed ID', async () => {
    expect(await call(build, { job: JOB, build: '99' })).toEqual({
      status: 404,
      body: { error: `no build 99 in job ${JOB}; choose one of:\n  the newest: 104, 103, 102, 101`, choices: ['the newest: 104, 103, 102, 101'] },
    });
    expect((await call(build, { job: 'nope', build: '104' })).status).toBe(404);
    const bad = await call(build, { job: JOB, build: '0104' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^the build in the URL must be 1 to 19 digits/);
  });
});

describe('errors instead of empty answers', () => {
  it('metrics: a reversed build range is a 400 saying so', async () => {
    expect(await call(metrics, { job: JOB }, { test: TEST, ...COS, metric: 'latency', from: '103', to: '101' })).toEqual({
      status: 400,
      body: { error: 'the build range is reversed: from 103 comes after to 101 (swap them: from 101 to 103)', choices: [] },
    });
  });

  it('trace and tracing: an unknown probe is a 400 listing the known probes and the custom ones of the job', async () => {
    const known =
      'known probes: create, pod_config_change, runtime_manager, infra_container_start, container_start, pod_running, pod_status_running, ' +
      'watch_observed_running, running, sync_start, sandbox_start, sandbox_ready, image_pulled, container_created, ' +
      'container_started_first, container_started_last, sync_done';
    const t = await call(trace, { job: JOB }, { build: '103', test: TEST, ...COS, from: 'pod_config_chnage', to: 'pod_running' });
    expect(t).toEqual({
      status: 400,
      body: {
        error: `unknown probe "pod_config_chnage"; choose one of:\n  ${known}\n  custom probes seen in ${JOB}: volumes_mounted`,
        choices: [known, `custom probes seen in ${JOB}: volumes_mounted`],
      },
    });
    const v = await call(tracing, { job: JOB }, { test: TEST, ...COS, from: 'foo', to: 'bar' });
    expect(v.status).toBe(400);
    expect(v.body.error).toMatch(/^unknown probes "foo" and "bar"; choose one of:/);
  });

  it('a custom probe seen in another build of the job is no error', async () => {
    const v = await call(tracing, { job: JOB }, { test: TEST, ...COS, builds: '101-103', from: 'volumes_mounted', to: 'pod_running' });
    expect(v.status).toBe(200);
    expect(v.body.acrossBuilds.map((b: { count: number }) => b.count)).toEqual([0, 0, 0]);
  });

  it('tracing: reversed is true when every latency is negative, false the right way round', async () => {
    const back = await call(tracing, { job: JOB }, { test: TEST, ...COS, from: 'pod_running', to: 'pod_config_change' });
    expect(back.body.reversed).toBe(true);
    expect(back.body.acrossBuilds.every((b: { count: number; negative: number }) => b.count === 2 && b.negative === 2)).toBe(true);
    const ahead = await call(tracing, { job: JOB }, { test: TEST, ...COS, from: 'pod_config_change', to: 'pod_running' });
    expect(ahead.body.reversed).toBe(false);
  });
});
