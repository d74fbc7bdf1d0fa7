// SLO verdicts read from the database (sloStatus, sloOverview,
// thresholdsFor), where the rules come from, and `kpd slo check` as a CI
// gate: its exit code, its JSON and its errors.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBuild } from '../ingest/load';
import { loadSloRules, sloOverview, sloStatus, thresholdsFor } from '../lib/queries/slo';
import { SelectionError } from '../lib/queries/errors';
import { DEFAULT_SLOS, parseSloConfig, type SloRule } from '../lib/slo';
import type { DB } from '../lib/db/open';
import { buildRecord, freshDb, runRecord, tempDir } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '..');
const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const COS = { image: 'cos-stable-109-17800-66-15', machine: 'cpu:2core,memory:7.5GB' };
const UBUNTU = { image: 'ubuntu-gke-2204-1-28', machine: 'cpu:4core,memory:15GB' };

const latency = (p99: number) => ({
  data: { Perc50: 1800, Perc90: 2900, Perc99: p99, Perc100: p99 + 100 },
  unit: 'ms',
  labels: { datatype: 'latency', latencytype: 'create-pod' },
});

const kubeletCpu = (p95: number) => ({
  data: { Perc50: 20, Perc90: 30, Perc95: p95 },
  unit: 'mCPU',
  labels: { datatype: 'resource', container: 'kubelet', resource: 'cpu' },
});

const resourceRun = (p95: number) =>
  runRecord({
    test: 'resource_10',
    options: { kind: 'resource', pods: 10 },
    node: COS,
    items: [kubeletCpu(p95)],
  });

/** Build 1: everything within the SLOs. Build 2: cos p99 at 5.4 s, kubelet CPU over its ceiling. */
function seed(db: DB): void {
  writeBuild(
    db,
    buildRecord(1, {
      runs: [runRecord({ items: [latency(3310.7)] }), runRecord({ node: UBUNTU, items: [latency(2100.5)] }), resourceRun(120)],
    }),
  );
  writeBuild(
    db,
    buildRecord(2, {
      runs: [runRecord({ items: [latency(5400.2)] }), runRecord({ node: UBUNTU, items: [latency(2200)] }), resourceRun(360)],
    }),
  );
}

const P99: SloRule = DEFAULT_SLOS[0];
const CPU: SloRule = DEFAULT_SLOS[1];

describe('sloStatus', () => {
  let db: DB;
  beforeAll(() => {
    db = freshDb().db;
    seed(db);
  });

  it('judges every run of a build that a rule covers, with value and threshold', () => {
    expect(sloStatus(db, JOB, '1', [P99, CPU])).toEqual({
      job: JOB,
      build: '1',
      ok: true,
      results: [
        { slo: 'pod-startup-p99', build: '1', test: 'density_create_batch_105_0_0', ...COS, metric: 'latency', stat: 'Perc99', value: 3310.7, threshold: 5000, direction: 'max', unit: 'ms', ok: true },
        { slo: 'pod-startup-p99', build: '1', test: 'density_create_batch_105_0_0', ...UBUNTU, metric: 'latency', stat: 'Perc99', value: 2100.5, threshold: 5000, direction: 'max', unit: 'ms', ok: true },
        { slo: 'kubelet-cpu-p95', build: '1', test: 'resource_10', ...COS, metric: 'kubelet_cpu', stat: 'Perc95', value: 120, threshold: 350, direction: 'max', unit: 'mCPU', ok: true },
      ],
    });
  });

  it('checks the newest build by default and is not ok when one result is a violation', () => {
    const s = sloStatus(db, JOB, undefined, [P99, CPU]);
    expect(s.build).toBe('2');
    expect(s.ok).toBe(false);
    expect(s.results.map((r) => [r.slo, r.image, r.value, r.ok])).toEqual([
      ['pod-startup-p99', COS.image, 5400.2, false],
      ['pod-startup-p99', UBUNTU.image, 2200, true],
      ['kubelet-cpu-p95', COS.image, 360, false],
    ]);
  });

  it('restricts rules to their node glob and judges `min` rules from below', () => {
    const floor: SloRule = { name: 'cos-p99-floor', test: 'density_*', node: 'cos-*', metric: 'latency', stat: 'Perc99', threshold: 4000, direction: 'min' };
    expect(sloStatus(db, JOB, '2', [floor]).results.map((r) => [r.image, r.ok])).toEqual([[COS.image, true]]);
    expect(sloStatus(db, JOB, '1', [floor]).results.map((r) => [r.image, r.ok])).toEqual([[COS.image, false]]);
  });

  it('reports a covered run without the stat as no data (ok null), which does not fail the build', () => {
    const p999: SloRule = { ...P99, name: 'p999', stat: 'Perc999' };
    const s = sloStatus(db, JOB, '1', [p999]);
    expect(s.ok).toBe(true);
    expect(s.results.map((r) => [r.value, r.unit, r.ok])).toEqual([
      [null, 'ms', null],
      [null, 'ms', null],
    ]);
  });

  it('names the builds there are when asked for one that is not there', () => {
    expect(() => sloStatus(db, JOB, '7', [P99])).toThrowError(new SelectionError('no build 7 in job ' + JOB, ['2', '1']));
  });

  it('gives each job red or green for its newest build', () => {
    expect(sloOverview(db, [P99, CPU])).toEqual([{ job: JOB, build: '2', ok: false, checked: 3, violations: 2 }]);
  });
});

describe('thresholdsFor', () => {
  it('lists the rules that draw a line on one chart', () => {
    expect(thresholdsFor(DEFAULT_SLOS, 'density_create_batch_105_0_0', COS, 'latency')).toEqual([
      { slo: 'pod-startup-p99', stat: 'Perc99', threshold: 5000, direction: 'max', unit: 'ms' },
    ]);
    expect(thresholdsFor(DEFAULT_SLOS, 'density_create_batch_105_0_0', COS, 'kubelet_cpu')).toEqual([]);
    expect(thresholdsFor(DEFAULT_SLOS, 'resource_10', COS, 'kubelet_memory')).toEqual([
      { slo: 'kubelet-memory-rss', stat: 'rss', threshold: 200, direction: 'max', unit: 'MB' },
    ]);
  });
});

describe('SLO config', () => {
  it('ships data/slo.json with exactly the built-in defaults', () => {
    const file = path.join(ROOT, 'data/slo.json');
    expect(parseSloConfig(fs.readFileSync(file, 'utf8'), file)).toEqual(DEFAULT_SLOS);
  });

  it('reads an explicit file, naming it in errors', () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.json');
    fs.writeFileSync(good, JSON.stringify({ slos: [{ ...P99, threshold: 4000 }] }));
    expect(loadSloRules(good)).toEqual([{ ...P99, threshold: 4000 }]);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ slos: [{ ...P99, direction: 'below' }] }));
    expect(() => loadSloRules(bad)).toThrowError(`${bad}: slos[0].direction: expected "max" or "min", got the string "below"`);
  });
});

function kpd(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kpd'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('kpd slo check', () => {
  let file: string;
  beforeAll(() => {
    const fresh = freshDb();
    seed(fresh.db);
    fresh.db.close();
    file = fresh.file;
  });

  it('exits 0 on a build within the default SLOs (data/slo.json) and prints the document of the query', () => {
    const r = kpd('slo', 'check', '--job', JOB, '--build', '1', '--db', file, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; results: { slo: string; ok: boolean | null }[] };
    const db = freshDb().db;
    seed(db);
    expect(doc).toEqual(sloStatus(db, JOB, '1', DEFAULT_SLOS));
    expect(doc.ok).toBe(true);
    expect(doc.results.map((x) => [x.slo, x.ok])).toEqual([
      ['pod-startup-p99', true],
      ['pod-startup-p99', true],
      ['kubelet-cpu-p95', true],
      ['kubelet-memory-rss', null],
      ['runtime-cpu-p95', null],
      ['runtime-memory-rss', null],
    ]);
  });

  it('exits 1 when an SLO is violated and says which', () => {
    const r = kpd('slo', 'check', '--job', JOB, '--db', file);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['slo', 'test', 'image', 'machine', 'value', 'threshold', 'verdict']);
    expect(lines[1].split(/\s{2,}/)).toEqual(['pod-startup-p99', 'density_create_batch_105_0_0', COS.image, COS.machine, '5400.2 ms', '<= 5000 ms', 'VIOLATED']);
    expect(lines.at(-1)).toBe(`${JOB}#2: 2 SLO violations`);
  });

  it('takes the rules from --slo FILE', () => {
    const slo = path.join(tempDir(), 'slo.json');
    fs.writeFileSync(slo, JSON.stringify({ slos: [{ ...P99, threshold: 6000 }] }));
    const r = kpd('slo', 'check', '--job', JOB, '--db', file, '--slo', slo, '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results).toHaveLength(2);
  });

  it('rejects a bad --slo file with where the problem is, exit 1', () => {
    const slo = path.join(tempDir(), 'slo.json');
    fs.writeFileSync(slo, '{"slos": [\n  {"name": "x",}\n]}');
    const r = kpd('slo', 'check', '--job', JOB, '--db', file, '--slo', slo);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kpd: SLO config: ${slo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 2, column \\d+: invalid JSON`));
    expect(kpd('slo', 'check', '--job', JOB, '--db', file, '--slo', slo + '.missing').stderr).toBe(`kpd: --slo ${slo}.missing: no such file\n`);
  });
});
