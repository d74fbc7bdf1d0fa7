// `kpd pod` (one pod of one build: probes, spans, logs vs spans, log lines)
// and `kpd trace` between span probes, on the fixture build with a kubelet log
// and a trace file (test/fixtures/builds/pod-spans), as a user runs them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { podCommand } from '../../cli/pod';
import { traceCommand } from '../../cli/trace';
import { ingestBuild } from '../../ingest/ingest';
import { openDb, type DB } from '../../lib/db/open';
import { tempDir } from '../helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/builds/pod-spans');
const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const BUILD = '1853849370541559808';
const TEST = 'density_create_batch_2_0_0';

let dbFile: string;
let db: DB;

beforeAll(async () => {
  const dir = tempDir('kpd-pod-cli-');
  dbFile = path.join(dir, 'kpd.db');
  db = openDb(dbFile);
  await ingestBuild(db, { job: JOB, number: BUILD, path: FIXTURE, archive: false }, { uploadsDir: path.join(dir, 'uploads') });
});

function capture(): { out: (s: string) => void; text: () => string } {
  const lines: string[] = [];
  return { out: (s) => lines.push(s), text: () => lines.join('\n') };
}

describe('kpd pod', () => {
  it('prints the pod’s probes, spans, logs vs spans and its log lines', async () => {
    const c = capture();
    expect(await podCommand(db, { job: JOB, build: BUILD, pod: 'density-test/pod-1', context: 0 }, c.out)).toBe(0);
    const text = c.text();
    expect(text.split('\n').slice(0, 3)).toEqual([
      `density-test/pod-1 in ${JOB} build ${BUILD}`,
      `${TEST} on cos-stable-117-18613-0-79 / cpu:2core,memory:7.5GB, host n1-standard-2-cos-stable-117-18613-0-79-4b1e9c2a, uid 7a2d1b3f-0c4e-4d5a-8b6c-9d0e1f2a3b41`,
      '',
    ]);
    expect(text).toContain('2026-03-16T04:31:21.292001Z   211.397  kubelet  runtime_manager                 6');
    expect(text).toContain('  runtime.v1.RuntimeService/StartContainer   1450.396   479.000  kubelet');
    expect(text).toContain('sandbox_ready            infra_container_start  154.901');
    expect(text).toContain('>  6  I0316 04:31:21.292001    1843 util.go:30] "No sandbox for pod can be found. Need to start a new one" pod="density-test/pod-1"    <- runtime_manager');
    expect(text).toContain('  ...\n>  9  I0316 04:31:22.104901');
  });

  it('prints the same as JSON, times ISO', async () => {
    const c = capture();
    await podCommand(db, { job: JOB, build: BUILD, pod: 'density-test/pod-1', context: 0, json: true }, c.out);
    const doc = JSON.parse(c.text());
    expect(Object.keys(doc)).toEqual(['job', 'build', 'test', 'image', 'machine', 'host', 'pod', 'uid', 'instance', 'instances', 'probes', 'spans', 'agreement', 'runAgreement', 'log']);
    expect(doc.build).toBe(BUILD);
    // Line 2 starts after the 88 bytes of line 1 (the kubelet version line and its newline).
    expect(doc.probes[0]).toEqual({ probe: 'pod_config_change', source: 'kubelet', time: '2026-03-16T04:31:21.080604Z', line: 2, offset: 88 });
    expect(doc.spans[1]).toMatchObject({ name: 'runtime.v1.RuntimeService/RunPodSandbox', start: '2026-03-16T04:31:21.293000Z', durationMs: 657, depth: 1 });
    expect(doc.agreement[2]).toEqual({ span: 'container_started_first', log: 'container_start', spanTime: '2026-03-16T04:31:23.010000Z', logTime: '2026-03-16T04:31:23.111000Z', diffMs: 101 });
    expect(doc.log.excerpts.map((e: { line: number }[]) => e.map((l) => l.line))).toEqual([[2], [6], [9], [12], [14]]);
  });

  it('exits 1 naming the cause for a pod the build does not have, and for a malformed --pod', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/kpd', 'pod', '--db', dbFile, '--job', JOB, '--build', BUILD, ...args], { cwd: ROOT, encoding: 'utf8' });
    const missing = run('--pod', 'density-test/pod-7');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`kpd: no pod density-test/pod-7 in build ${BUILD}\n`);
    const bad = run('--pod', 'pod-7');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('kpd: --pod wants NAMESPACE/NAME, got "pod-7"\n');
  });
});

describe('kpd trace between span probes', () => {
  it('matches span probes per pod like log probes', () => {
    const c = capture();
    traceCommand(db, { job: JOB, build: BUILD, test: TEST, from: 'sync_start', to: 'container_started_last', json: true }, c.out);
    expect(JSON.parse(c.text())).toMatchObject({ from: 'sync_start', to: 'container_started_last', count: 2, missing: 0, negative: 0, matchedBy: 'pod', p50: 1840, p90: 1848 });
  });

  it('and a span probe with a log probe of the same pods', () => {
    const c = capture();
    traceCommand(db, { job: JOB, build: BUILD, test: TEST, from: 'pod_config_change', to: 'sync_done', json: true }, c.out);
    const r = JSON.parse(c.text());
    expect(r).toMatchObject({ count: 2, missing: 0, matchedBy: 'pod' });
    // pod-0: 23.050000 - 21.080604; pod-1: 23.070000 - 21.080604
    expect([r.p50, r.p90]).toEqual([(1969396 + 1989396) / 2 / 1000, (1969396 + 0.9 * 20000) / 1000]);
    expect(fs.existsSync(dbFile)).toBe(true);
  });
});
