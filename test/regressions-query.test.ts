// Change points on the demo job (a regression injected on the cos node
// config from its 21st build on: slower sandbox start, so higher pod startup
// latency, and more kubelet CPU and memory): found at the right build on the
// right series, nowhere else, recomputed as builds arrive, and blamed on the
// builds and commits between which it happened.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_NODES, DEMO_TESTS, demoBuildId, writeDemoJob } from '../ingest/demo/generate';
import { ingestBuilds } from '../ingest/ingest';
import { discoverBuilds, type BuildLocation } from '../ingest/sources/local';
import type { DB } from '../lib/db/open';
import { changePointsFor, listRegressions, regressionsDocument, type ChangeRecord } from '../lib/queries/regressions';
import { freshDb, tempDir } from './helpers';

const JOB = DEFAULT_DEMO.job;
/** The demo's builds by index: 19-digit Prow IDs. */
const build = (i: number) => demoBuildId(DEFAULT_DEMO, i);
const FIRST_BAD = build(DEFAULT_DEMO.regressionAt!);
const [COS, ...OTHERS] = DEMO_NODES;
const DENSITY = DEMO_TESTS.filter((t) => t.name.startsWith('density_')).map((t) => t.name);

let db: DB;
let locs: BuildLocation[];
let beforeRegression: ChangeRecord[];
let all: ChangeRecord[];

beforeAll(async () => {
  const dir = writeDemoJob(path.join(tempDir(), 'jobs'), { ...DEFAULT_DEMO, noisePerPod: 0 });
  locs = discoverBuilds(dir);
  db = freshDb().db;
  await ingestBuilds(db, locs.slice(0, DEFAULT_DEMO.regressionAt!));
  beforeRegression = listRegressions(db, JOB);
  await ingestBuilds(db, locs.slice(DEFAULT_DEMO.regressionAt!));
  all = listRegressions(db, JOB);
}, 120_000);

const on = (node: { image: string }) => (c: ChangeRecord) => c.image === node.image;
const indexOf = (b: string) => locs.findIndex((l) => l.number === b);
const builds = (test: string, metric: string, stat: string) =>
  all.filter((c) => on(COS)(c) && c.test === test && c.metric === metric && c.stat === stat).map((c) => c.build);

describe('change points on the demo job', () => {
  it('finds nothing before the injection', () => {
    expect(FIRST_BAD).toMatch(/^\d{19}$/);
    expect(indexOf(FIRST_BAD)).toBe(20);
    expect(beforeRegression).toEqual([]);
  });

  it('finds the pod startup latency regression at its first build, for Perc50 and Perc99 of every density test on cos', () => {
    for (const test of DENSITY) {
      expect([test, builds(test, 'latency', 'Perc50')]).toEqual([test, [FIRST_BAD]]);
      expect([test, builds(test, 'latency', 'Perc99')]).toEqual([test, [FIRST_BAD]]);
    }
    const p99 = all.find((c) => on(COS)(c) && c.test === 'density_create_batch_105_0_100' && c.metric === 'latency' && c.stat === 'Perc99')!;
    expect(p99.direction).toBe('up');
    expect(p99.regression).toBe(true);
    expect(p99.change).toBeCloseTo((p99.after - p99.before) / p99.before, 12);
    expect(p99.change).toBeGreaterThan(0.15);
  });

  it('finds the kubelet CPU and memory rises at the same build on every test on cos', () => {
    for (const t of DEMO_TESTS) {
      expect([t.name, builds(t.name, 'kubelet_cpu', 'Perc95')]).toEqual([t.name, [FIRST_BAD]]);
      expect([t.name, builds(t.name, 'kubelet_memory', 'rss')]).toEqual([t.name, [FIRST_BAD]]);
    }
  });

  it('calls every cos change a regression, the throughput drops included, all within a few builds of the injection', () => {
    const cos = all.filter(on(COS));
    expect(cos.every((c) => c.regression)).toBe(true);
    expect(cos.filter((c) => c.metric === 'throughput').every((c) => c.direction === 'down')).toBe(true);
    expect(Math.min(...cos.map((c) => indexOf(c.build)))).toBeGreaterThanOrEqual(indexOf(FIRST_BAD) - 5);
    expect(Math.max(...cos.map((c) => indexOf(c.build)))).toBeLessThanOrEqual(indexOf(FIRST_BAD) + 2);
  });

  it('finds nothing on the other node configs', () => {
    for (const node of OTHERS) expect(all.filter(on(node))).toEqual([]);
  });

  it('gives a Builds chart the change points of its series, in build and stat order', () => {
    const node = { image: COS.image, machine: COS.machine };
    expect(
      changePointsFor(db, JOB, 'density_create_batch_105_0_100', node, 'latency').map((c) => [c.build, c.stat]),
    ).toEqual([
      [FIRST_BAD, 'Perc100'],
      [FIRST_BAD, 'Perc50'],
      [FIRST_BAD, 'Perc90'],
      [FIRST_BAD, 'Perc99'],
    ]);
    expect(changePointsFor(db, JOB, 'density_create_batch_105_0_100', { image: OTHERS[0].image, machine: OTHERS[0].machine }, 'latency')).toEqual([]);
  });

  it('keeps the JSON contract of `kpd regressions` and the API', () => {
    const doc = regressionsDocument(db, JOB);
    expect(doc.job).toBe(JOB);
    expect(doc.regressions).toEqual(all);
    expect(Object.keys(doc.regressions[0])).toEqual([
      'test',
      'image',
      'machine',
      'metric',
      'stat',
      'build',
      'previousBuild',
      'previousVersion',
      'version',
      'compareUrl',
      'before',
      'after',
      'change',
      'direction',
      'regression',
      'pValue',
    ]);
  });

  it('names where each change happened: the last build at the old level, both versions and the commits between them', () => {
    const p99 = all.find((c) => on(COS)(c) && c.test === 'density_create_batch_105_0_100' && c.metric === 'latency' && c.stat === 'Perc99')!;
    const started = (i: number) =>
      JSON.parse(fs.readFileSync(path.join(locs[i].path, 'started.json'), 'utf8')) as { 'repo-version': string; 'repo-commit': string };
    const [before, after] = [started(DEFAULT_DEMO.regressionAt! - 1), started(DEFAULT_DEMO.regressionAt!)];
    expect(p99).toMatchObject({
      build: FIRST_BAD,
      previousBuild: build(DEFAULT_DEMO.regressionAt! - 1),
      previousVersion: before['repo-version'],
      version: after['repo-version'],
      compareUrl: `https://github.com/kubernetes/kubernetes/compare/${before['repo-commit']}...${after['repo-commit']}`,
    });
    expect(listRegressions(db, JOB, { minRelativeChange: 0.1 }).find((c) => c.stat === 'Perc99' && c.build === FIRST_BAD)).toMatchObject({
      previousBuild: p99.previousBuild,
      compareUrl: p99.compareUrl,
    });
  });

  it('analyses afresh with other detector settings, storing nothing', () => {
    expect(listRegressions(db, JOB, { minRelativeChange: 0.5 })).toEqual([]);
    expect(listRegressions(db, JOB)).toEqual(all);
  });
});
