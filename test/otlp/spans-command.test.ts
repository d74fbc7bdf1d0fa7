import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spansCommand } from '../../cli/spans';
import { readBuild } from '../../ingest/build';
import { tempDir } from '../helpers';
import { FIXTURES, TRACES } from './helpers';

async function run(file: string, opts: { pod?: string; json: boolean }) {
  let stdout = '';
  let stderr = '';
  const code = await spansCommand(file, opts, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

const FILE = path.join(FIXTURES, TRACES);
const NO_POD = `warning: ${FILE}: 2 of 29 spans belong to no pod sync (1 because a parent span is missing): counted, not probes\n`;

describe('kpd spans', () => {
  it('prints every span probe of a trace file as JSON in time order', async () => {
    const { code, stdout, stderr } = await run(FILE, { json: true });
    expect(code).toBe(0);
    expect(stderr).toBe(NO_POD);
    const web = '0b7e1c52-88f4-4c1e-b3a6-9d0e5f4a3b21';
    const test = '6f0d6c6e-1d7a-4b55-9a1e-2c3f4a5b6c7d';
    expect(JSON.parse(stdout)).toEqual({
      events: [
        { pod: 'density-test-4821/web-0', uid: web, probe: 'sync_start', time: '2026-03-16T04:31:20.010000Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'sandbox_start', time: '2026-03-16T04:31:20.012501Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'sandbox_ready', time: '2026-03-16T04:31:20.431250Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'image_pulled', time: '2026-03-16T04:31:21.250750Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'container_created', time: '2026-03-16T04:31:21.290400Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'container_started_first', time: '2026-03-16T04:31:21.402626Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'container_started_last', time: '2026-03-16T04:31:21.784333Z' },
        { pod: 'density-test-4821/web-0', uid: web, probe: 'sync_done', time: '2026-03-16T04:31:21.790125Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'sync_start', time: '2026-03-16T04:31:22.000000Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'sandbox_start', time: '2026-03-16T04:31:22.010000Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'sandbox_ready', time: '2026-03-16T04:31:23.380000Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'container_created', time: '2026-03-16T04:31:23.420500Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'container_started_first', time: '2026-03-16T04:31:23.530750Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'container_started_last', time: '2026-03-16T04:31:23.530750Z' },
        { pod: 'density-test-4821/test-a1b2c3d4-0', uid: test, probe: 'sync_done', time: '2026-03-16T04:31:23.541500Z' },
      ],
    });
  });

  it('follows one pod: its probes with line and offset, then its spans nested', async () => {
    const { code, stdout } = await run(FILE, { pod: 'density-test-4821/test-a1b2c3d4-0', json: false });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'LINE  INSTANCE  PROBE                    TIME                         OFFSET_MS',
        '   3         0  sync_start               2026-03-16T04:31:22.000000Z      0.000',
        '   3         0  sandbox_start            2026-03-16T04:31:22.010000Z     10.000',
        '   4         0  sandbox_ready            2026-03-16T04:31:23.380000Z   1380.000',
        '   4         0  container_created        2026-03-16T04:31:23.420500Z   1420.500',
        '   4         0  container_started_first  2026-03-16T04:31:23.530750Z   1530.750',
        '   4         0  container_started_last   2026-03-16T04:31:23.530750Z   1530.750',
        '   4         0  sync_done                2026-03-16T04:31:23.541500Z   1541.500',
        '',
        'INSTANCE  START_MS  DURATION_MS  SPAN                                               SERVICE',
        '       0     0.000      350.000  syncPod (error)                                    kubelet',
        '       0    10.000      339.500    runtime.v1.RuntimeService/RunPodSandbox (error)  kubelet',
        '       0  1000.000      541.500  syncPod                                            kubelet',
        '       0  1010.000      370.000    runtime.v1.RuntimeService/RunPodSandbox          kubelet',
        '       0  1381.000       39.500    runtime.v1.RuntimeService/CreateContainer        kubelet',
        '       0  1421.000      109.750    runtime.v1.RuntimeService/StartContainer         kubelet',
        '',
      ].join('\n'),
    );
  });

  it('follows a system pod too, as JSON with its spans', async () => {
    const { code, stdout } = await run(FILE, { pod: 'kube-system/kube-proxy-n1-standard-2-7f3a', json: true });
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { events: { probe: string; offsetMs: number }[]; spans: { name: string; depth: number; durationMs: number }[] };
    expect(doc.events.map((e) => [e.probe, e.offsetMs])).toEqual([
      ['sync_start', 0],
      ['sandbox_start', 10],
      ['sandbox_ready', 210],
      ['container_started_first', 330],
      ['container_started_last', 330],
      ['sync_done', 340],
    ]);
    expect(doc.spans.map((s) => [s.name, s.depth, s.durationMs])).toEqual([
      ['syncPod', 0, 340],
      ['runtime.v1.RuntimeService/RunPodSandbox', 1, 200],
      ['runtime.v1.RuntimeService/StartContainer', 1, 70],
    ]);
  });

  it('exits 1 naming the cause for a missing file, a bad --pod and an unknown pod', async () => {
    expect(await run(path.join(FIXTURES, 'nope.jsonl'), { json: false })).toMatchObject({ code: 1, stderr: expect.stringMatching(/^kpd spans: cannot read .*nope\.jsonl: /) });
    expect(await run(FILE, { pod: 'web-0', json: false })).toMatchObject({ code: 1, stderr: 'kpd spans: --pod wants NAMESPACE/NAME, got "web-0"\n' });
    expect(await run(FILE, { pod: 'ns/none', json: false })).toMatchObject({ code: 1, stderr: `${NO_POD}kpd spans: no spans for pod ns/none in ${FILE}\n` });
  });
});

describe('build reader with trace files', () => {
  it('ties a host’s span probes to the run whose test window holds them, with their pods’ spans, and reports the file', async () => {
    const dir = tempDir();
    const host = 'n1-standard-2-cos-stable-117-18613-0-79-4b1e9c2a';
    fs.mkdirSync(path.join(dir, 'artifacts', host), { recursive: true });
    const labels = { node: host, image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
    const perf = (test: string, end: string) =>
      JSON.stringify({ version: 'v2', dataItems: [], labels: { ...labels, test, timestamp: end } });
    // Two tests on the host: web-0 starts in the first one's window, the other pod in the second's.
    fs.writeFileSync(path.join(dir, 'started.json'), JSON.stringify({ timestamp: 1773635400 }));
    fs.writeFileSync(path.join(dir, 'artifacts', `performance-${host}-a.json`), perf('density_create_batch_10_0_0', '1773635481'));
    fs.writeFileSync(path.join(dir, 'artifacts', `performance-${host}-b.json`), perf('density_create_batch_35_0_0', '1773635600'));
    fs.copyFileSync(path.join(FIXTURES, TRACES), path.join(dir, 'artifacts', host, 'kubelet-traces.jsonl'));

    const build = await readBuild(dir, { job: 'j', number: '1', source: dir });
    const byTest = Object.fromEntries(build.runs.map((r) => [r.test, r]));
    const spanProbes = (r: (typeof build.runs)[number]) => r.probes.filter((e) => e.source === 'span');
    const a = byTest.density_create_batch_10_0_0;
    const b = byTest.density_create_batch_35_0_0;
    expect(new Set(spanProbes(a).map((e) => e.pod))).toEqual(new Set(['density-test-4821/web-0']));
    expect(spanProbes(a).map((e) => e.probe)).toEqual(['sync_start', 'sandbox_start', 'sandbox_ready']);
    expect(new Set(spanProbes(b).map((e) => e.pod))).toEqual(new Set(['density-test-4821/web-0', 'density-test-4821/test-a1b2c3d4-0']));
    expect(spanProbes(b).length).toBe(5 + 7);
    expect(a.spans!.filter((s) => s.pod === 'density-test-4821/web-0').length).toBe(18);
    expect(a.probes.filter((e) => e.source !== 'span')).toEqual([]);
    expect(build.report.files.find((f) => f.kind === 'kubelet-traces')).toEqual({
      file: `artifacts/${host}/kubelet-traces.jsonl`,
      kind: 'kubelet-traces',
      bytes: fs.statSync(path.join(FIXTURES, TRACES)).size,
      blocks: 5,
      items: 29,
      skipped: 0,
    });
    expect(build.report.warnings).toContainEqual({
      file: `artifacts/${host}/kubelet-traces.jsonl`,
      message: '2 of 29 spans belong to no pod sync (1 because a parent span is missing): counted, not probes',
    });
  });
});
