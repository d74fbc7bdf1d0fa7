// One pod of one run (lib/queries/pod.ts) on a fixture build with a kubelet
// log and a trace file for two pods (test/fixtures/builds/pod-spans): its
// probes from both sources, its spans in waterfall order, how far logs and
// spans agree for it and across the run, and the log lines around its probes
// read back from the build's source (directory, gzip log, upload archive;
// by line number and by byte offset).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestBuild } from '../../ingest/ingest';
import { podLogLines } from '../../ingest/sources/log-lines';
import { packBuildDir } from '../../cli/upload-client';
import type { DB } from '../../lib/db/open';
import { SelectionError } from '../../lib/queries/errors';
import { podView, runAgreementOf, waterfallOrder, type LogTarget, type PodView } from '../../lib/queries/pod';
import { toIso } from '../../lib/time';
import { tracingView } from '../../lib/queries/tracing';
import { freshDb, tempDir } from '../helpers';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/builds/pod-spans');
const HOST = 'n1-standard-2-cos-stable-117-18613-0-79-4b1e9c2a';
const LOG = path.join(FIXTURE, 'artifacts', HOST, 'kubelet.log');
const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const BUILD = '1853849370541559808';
const RUN = { test: 'density_create_batch_2_0_0', image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };

let db: DB;
let pod0: PodView;

beforeAll(async () => {
  db = freshDb().db;
  await ingestBuild(db, { job: JOB, number: BUILD, path: FIXTURE, archive: false }, { uploadsDir: tempDir() });
  pod0 = podView(db, { job: JOB, build: BUILD, pod: 'density-test/pod-0' });
});

describe('podView', () => {
  it('finds the run that holds the pod and says where its log is', () => {
    expect({ ...RUN, host: HOST, uid: '5f0c9a2e-6b1d-4c3e-9a57-2f1b8c6d4e01', instance: 0, instances: [0], source: FIXTURE }).toEqual({
      test: pod0.test,
      image: pod0.image,
      machine: pod0.machine,
      host: pod0.host,
      uid: pod0.uid,
      instance: pod0.instance,
      instances: pod0.instances,
      source: pod0.source,
    });
  });

  it('lists its log and span probes in time order, log probes with their line', () => {
    expect(pod0.probes.map((p) => [toIso(p.time), p.probe, p.source, p.line])).toEqual([
      ['2026-03-16T04:31:21.080604Z', 'pod_config_change', 'kubelet', 2],
      ['2026-03-16T04:31:21.150000Z', 'sync_start', 'span', 2],
      ['2026-03-16T04:31:21.291836Z', 'runtime_manager', 'kubelet', 5],
      ['2026-03-16T04:31:21.292500Z', 'sandbox_start', 'span', 1],
      ['2026-03-16T04:31:21.902000Z', 'sandbox_ready', 'span', 1],
      ['2026-03-16T04:31:22.104214Z', 'infra_container_start', 'kubelet', 8],
      ['2026-03-16T04:31:22.431000Z', 'container_created', 'span', 1],
      ['2026-03-16T04:31:22.980000Z', 'container_started_first', 'span', 1],
      ['2026-03-16T04:31:22.980000Z', 'container_started_last', 'span', 1],
      ['2026-03-16T04:31:23.050000Z', 'sync_done', 'span', 2],
      ['2026-03-16T04:31:23.110320Z', 'container_start', 'kubelet', 11],
      ['2026-03-16T04:31:23.215500Z', 'pod_status_running', 'kubelet', 13],
    ]);
  });

  it('gives its spans parent first, children by start, with their depth', () => {
    expect(pod0.spans.map((s) => [s.name, s.depth, toIso(s.start), toIso(s.end), s.service])).toEqual([
      ['syncPod', 0, '2026-03-16T04:31:21.150000Z', '2026-03-16T04:31:23.050000Z', 'kubelet'],
      ['runtime.v1.RuntimeService/RunPodSandbox', 1, '2026-03-16T04:31:21.292500Z', '2026-03-16T04:31:21.902000Z', 'kubelet'],
      ['runtime.v1.RuntimeService/CreateContainer', 1, '2026-03-16T04:31:22.400000Z', '2026-03-16T04:31:22.431000Z', 'kubelet'],
      ['runtime.v1.RuntimeService/StartContainer', 1, '2026-03-16T04:31:22.432000Z', '2026-03-16T04:31:22.980000Z', 'kubelet'],
    ]);
    expect(pod0.spans[0].attributes['k8s.pod.update_type']).toBe('create');
  });

  it('pairs each span probe with the log probe of the same moment: log minus span, in ms', () => {
    expect(pod0.agreement.map((a) => [a.span, a.log, a.diffMs])).toEqual([
      ['sandbox_start', 'runtime_manager', -0.664],
      ['sandbox_ready', 'infra_container_start', 202.214],
      ['container_started_first', 'container_start', 130.32],
    ]);
  });

  it('summarizes the agreement across the run’s pods: median and p90 of |log - span| (R-7)', () => {
    const run = pod0.runAgreement.map((a) => ({ ...a, medianMs: round(a.medianMs), p90Ms: round(a.p90Ms) }));
    expect(run).toEqual([
      { span: 'sandbox_start', log: 'runtime_manager', pods: 2, medianMs: 0.8315, p90Ms: 0.9655, logFirst: 2 },
      { span: 'sandbox_ready', log: 'infra_container_start', pods: 2, medianMs: 178.5575, p90Ms: 197.4827, logFirst: 0 },
      { span: 'container_started_first', log: 'container_start', pods: 2, medianMs: 115.66, p90Ms: 127.388, logFirst: 0 },
    ]);
    expect(runAgreementOf(db, { job: JOB, build: BUILD, ...RUN })).toEqual(pod0.runAgreement);
  });

  it('refuses a pod the build does not hold, and a life the pod does not have, naming the lives it has', () => {
    expect(() => podView(db, { job: JOB, build: BUILD, pod: 'density-test/pod-9' })).toThrow(new SelectionError(`no pod density-test/pod-9 in build ${BUILD}`));
    expect(() => podView(db, { job: JOB, build: BUILD, pod: 'density-test/pod-1', instance: 1 })).toThrow(/no life 1 of pod density-test\/pod-1.*--instance 0/s);
    expect(() => podView(db, { job: JOB, build: '1', pod: 'density-test/pod-1' })).toThrow(`no build 1 in job ${JOB}`);
    expect(() => podView(db, { job: JOB, build: BUILD, pod: 'density-test/pod-1', test: 'resource_0' })).toThrow(/no such run in build/);
  });
});

describe('span probes on the Tracing page', () => {
  const view = (from: string, to: string) => tracingView(db, { job: JOB, ...RUN, from, to, build: BUILD });

  it('offers them among the probe choices, in startup order, marked as spans', () => {
    expect(view('pod_config_change', 'pod_status_running').probes.map((p) => `${p.probe}:${p.source}`)).toEqual([
      'pod_config_change:kubelet',
      'sync_start:span',
      'runtime_manager:kubelet',
      'sandbox_start:span',
      'sandbox_ready:span',
      'infra_container_start:kubelet',
      'container_created:span',
      'container_started_first:span',
      'container_start:kubelet',
      'container_started_last:span',
      'sync_done:span',
      'pod_status_running:kubelet',
    ]);
  });

  it('breaks a log-to-log latency into log steps, a span-to-span one into span steps, and a mixed one into both', () => {
    const steps = (from: string, to: string) => view(from, to).segments.map((x) => `${x.from}>${x.to}`);
    expect(steps('pod_config_change', 'pod_status_running')).toEqual([
      'pod_config_change>runtime_manager',
      'runtime_manager>infra_container_start',
      'infra_container_start>container_start',
      'container_start>pod_status_running',
    ]);
    expect(steps('sync_start', 'sync_done')).toEqual([
      'sync_start>sandbox_start',
      'sandbox_start>sandbox_ready',
      'sandbox_ready>container_created',
      'container_created>container_started_first',
      'container_started_first>container_started_last',
      'container_started_last>sync_done',
    ]);
    expect(steps('runtime_manager', 'sandbox_ready')).toEqual(['runtime_manager>sandbox_start', 'sandbox_start>sandbox_ready']);
    const slowest = view('sync_start', 'sync_done').slowest;
    expect(slowest.map((p) => [p.pod, p.totalMs, p.dominant?.to])).toEqual([
      ['density-test/pod-1', 1910, 'sandbox_ready'],
      ['density-test/pod-0', 1900, 'sandbox_ready'],
    ]);
  });
});

describe('waterfallOrder', () => {
  it('puts spans whose parent is missing first and keeps each child after its parent', () => {
    const s = (spanId: string, parentSpanId: string | null, start: number) => ({ traceId: 't', spanId, parentSpanId, start });
    expect(waterfallOrder([s('c', 'a', 3), s('b', 'a', 2), s('a', null, 1), s('d', 'x', 0), s('e', 'b', 5)]).map((x) => x.spanId)).toEqual([
      'd',
      'a',
      'b',
      'e',
      'c',
    ]);
  });
});

const round = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);

/** The log probes of pod-0, as the page asks for their lines. */
function targets(withOffsets: boolean): LogTarget[] {
  const text = fs.readFileSync(LOG, 'utf8');
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return pod0.probes
    .filter((p) => p.source === 'kubelet')
    .map((p) => ({ probe: p.probe, line: p.line, offset: withOffsets ? starts[p.line! - 1] : p.offset }));
}

const shape = (excerpts: { line: number | null; text: string; probes: string[] }[][]) =>
  excerpts.map((e) => e.map((l) => `${l.line} ${l.probes.join(',') || '-'} ${l.text.slice(0, 40)}`));

const EXPECTED_CONTEXT_0 = [
  ['2 pod_config_change I0316 04:31:21.080604    1843 kubelet.go'],
  ['5 runtime_manager I0316 04:31:21.291836    1843 util.go:30'],
  ['8 infra_container_start I0316 04:31:22.104214    1843 kubelet.go'],
  ['11 container_start I0316 04:31:23.110320    1843 kubelet.go'],
  ['13 pod_status_running I0316 04:31:23.215500    1843 status_man'],
];

describe('podLogLines', () => {
  it('reads the lines of each probe from a build directory, by line number', async () => {
    const log = await podLogLines(pod0.source, pod0.host, targets(false), { context: 0 });
    expect(log.file).toBe(`artifacts/${HOST}/kubelet.log`);
    expect(log.problems).toEqual([]);
    expect(shape(log.excerpts)).toEqual(EXPECTED_CONTEXT_0);
  });

  it('merges the windows of probes close together into one excerpt', async () => {
    const log = await podLogLines(pod0.source, pod0.host, targets(false), { context: 1 });
    expect(log.excerpts.length).toBe(1);
    expect(log.excerpts[0].map((l) => l.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(log.excerpts[0].filter((l) => l.probes.length).map((l) => l.line)).toEqual([2, 5, 8, 11, 13]);
  });

  it('reads the same lines at their byte offsets, and falls back to line numbers when the offsets do not fit the file', async () => {
    for (const context of [0, 1, 3]) {
      const byLine = await podLogLines(pod0.source, pod0.host, targets(false), { context });
      const byOffset = await podLogLines(pod0.source, pod0.host, targets(true), { context });
      expect(byOffset).toEqual(byLine);
    }
    const shifted = targets(true).map((t) => ({ ...t, offset: t.offset! + 3 }));
    const log = await podLogLines(pod0.source, pod0.host, shifted, { context: 0 });
    expect(shape(log.excerpts)).toEqual(EXPECTED_CONTEXT_0);
    expect(log.problems).toEqual(["the probes' offsets do not start lines of the log (it changed since it was read): found by line number instead"]);
  });

  it('reads a gzipped log and the log inside a kept upload archive', async () => {
    const dir = tempDir('kpd-podlog-');
    const copy = path.join(dir, 'build');
    fs.cpSync(FIXTURE, copy, { recursive: true });
    const gz = path.join(copy, 'artifacts', HOST, 'kubelet.log');
    fs.writeFileSync(gz + '.gz', zlib.gzipSync(fs.readFileSync(gz)));
    fs.rmSync(gz);
    const fromGz = await podLogLines(copy, HOST, targets(true), { context: 0 });
    expect(fromGz.file).toBe(`artifacts/${HOST}/kubelet.log.gz`);
    expect(shape(fromGz.excerpts)).toEqual(EXPECTED_CONTEXT_0);

    const archive = path.join(dir, `${BUILD}.tar.gz`);
    await packBuildDir(FIXTURE, archive);
    const fromArchive = await podLogLines(archive, HOST, targets(false), { context: 0 });
    expect(fromArchive.file).toBe(`artifacts/${HOST}/kubelet.log`);
    expect(shape(fromArchive.excerpts)).toEqual(EXPECTED_CONTEXT_0);
  });

  it('says why there are no lines: a source that is gone, a host without a log', async () => {
    expect(await podLogLines('/nonexistent/build', HOST, targets(false))).toEqual({
      file: null,
      excerpts: [],
      problems: ["the build's source /nonexistent/build is gone: no log lines to show"],
    });
    expect((await podLogLines(FIXTURE, 'e2-standard-4-ubuntu', targets(false))).problems).toEqual([`no kubelet log for host e2-standard-4-ubuntu in ${FIXTURE}`]);
  });
});
