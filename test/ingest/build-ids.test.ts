// Build IDs are exact strings end to end: Prow's 19-digit IDs (beyond a
// float64) stay distinct when they differ in the last digit, Jenkins numbers
// keep working beside them, and builds are ordered by start time, then ID.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOrderKey, compareBuildIds, parseBuildId } from '../../lib/build-id';
import { openDb } from '../../lib/db/open';
import { MIGRATIONS } from '../../lib/db/migrations';
import { writeBuild } from '../../ingest/load';
import { listBuilds } from '../../lib/queries/builds';
import { metricPanel, metricSeries } from '../../lib/queries/metrics';
import { buildRecord, freshDb, runRecord } from '../helpers';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const A = '1853849370541559808';
const B = '1853849370541559809';

describe('build IDs', () => {
  it('takes 1 to 19 digits and nothing else, saying why', () => {
    expect(parseBuildId(A)).toBe(A);
    expect(parseBuildId('7')).toBe('7');
    expect(() => parseBuildId('18538493705415598080')).toThrow(/more than 19 digits/);
    expect(() => parseBuildId('01853')).toThrow(/a leading zero/);
    expect(() => parseBuildId('-12')).toThrow(/not only digits/);
    expect(() => parseBuildId('+12')).toThrow(/not only digits/);
    expect(() => parseBuildId('12a')).toThrow(/not only digits/);
    expect(() => parseBuildId('')).toThrow(/not only digits/);
    expect(() => parseBuildId('1e5', '--build')).toThrow(/^--build must be 1 to 19 digits/);
  });

  it('compares as numbers without losing digits', () => {
    expect(Number(A) === Number(B)).toBe(true); // what a JavaScript number would have done
    expect(compareBuildIds(A, B)).toBeLessThan(0);
    expect(compareBuildIds('999', '1200')).toBeLessThan(0);
    expect(compareBuildIds('9999999999999999999', A)).toBeGreaterThan(0);
    expect([B, '1200', A, '99'].sort(compareBuildIds)).toEqual(['99', '1200', A, B]);
  });

  it('orders by start time, then ID; a build without a start time comes first', () => {
    expect(buildOrderKey(1_700_000_000_000_000, B) < buildOrderKey(1_700_000_000_000_001, A)).toBe(true);
    expect(buildOrderKey(1_700_000_000_000_000, A) < buildOrderKey(1_700_000_000_000_000, B)).toBe(true);
    expect(buildOrderKey(null, B) < buildOrderKey(946_684_800_000_000, '1')).toBe(true);
  });
});

describe('two Prow builds that differ in the last digit', () => {
  it('are two builds in the database, in the list and on the charts', () => {
    const { db } = freshDb();
    const started = 1_731_000_000_000_000;
    expect(writeBuild(db, buildRecord(A, { started, contentHash: 'a' })).outcome).toBe('inserted');
    expect(writeBuild(db, buildRecord(B, { started: started + 3_600_000_000, contentHash: 'b' })).outcome).toBe('inserted');
    expect(listBuilds(db, JOB).map((b) => b.number)).toEqual([A, B]);
    const series = metricSeries(db, { job: JOB, test: 'density_create_batch_105_0_0', metric: 'latency' });
    expect(series.series.map((p) => p.build)).toEqual([A, B]);
    expect(metricSeries(db, { job: JOB, test: 'density_create_batch_105_0_0', metric: 'latency', from: B }).series.map((p) => p.build)).toEqual([B]);
    expect(metricSeries(db, { job: JOB, test: 'density_create_batch_105_0_0', metric: 'latency', to: A }).series.map((p) => p.build)).toEqual([A]);
  });
});

describe('a job mixing Jenkins numbers and Prow IDs', () => {
  it('keeps both, in the order they ran, and ranges compare IDs as numbers', () => {
    const { db } = freshDb();
    const t0 = 1_600_000_000_000_000;
    writeBuild(db, buildRecord('1199', { started: t0 }));
    writeBuild(db, buildRecord('1200', { started: t0 + 3_600_000_000 }));
    writeBuild(db, buildRecord(A, { started: t0 + 1000 * 86_400_000_000 }));
    writeBuild(db, buildRecord(B, { started: t0 + 1001 * 86_400_000_000 }));
    expect(listBuilds(db, JOB).map((b) => b.number)).toEqual(['1199', '1200', A, B]);
    const panel = metricPanel(db, { job: JOB, test: 'density_create_batch_105_0_0', from: '1200', to: A });
    expect(panel.window).toEqual({ from: '1200', to: A, builds: 2, first: '1199', last: B, total: 4 });
    expect(panel.charts[0].points.map((p) => p.build)).toEqual(['1200', A]);
    expect(metricPanel(db, { job: JOB, test: 'density_create_batch_105_0_0', last: 3 }).window).toMatchObject({ from: '1200', to: B, builds: 3 });
  });

  it('orders a backfilled older build by its start time, not by when it was ingested or its ID', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord('300', { started: 1_700_000_000_000_000 }));
    writeBuild(db, buildRecord('200', { started: 1_700_100_000_000_000 }));
    writeBuild(db, buildRecord('100', { started: 1_700_000_000_000_000 }));
    expect(listBuilds(db, JOB).map((b) => b.number)).toEqual(['100', '300', '200']);
  });
});

describe('the migration to exact build IDs', () => {
  it('keeps every build of a database written by the previous schema, with its runs, charts and order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-migrate-'));
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    for (const [i, m] of MIGRATIONS.slice(0, 3).entries()) {
      old.exec(m);
      old.pragma(`user_version = ${i + 1}`);
    }
    old.exec(`INSERT INTO jobs (id, name) VALUES (1, '${JOB}');
      INSERT INTO builds (id, job_id, number, started_us, source, content_hash, ingested_us, report)
        VALUES (10, 1, 1201, 1700000000000000, 's', 'h1', 1, '{}'), (11, 1, 1200, NULL, 's', 'h0', 1, '{}');
      INSERT INTO tests (id, name, options) VALUES (1, 'resource_0', '{"kind":"resource","pods":0}');
      INSERT INTO node_configs (id, image, machine) VALUES (1, 'cos', 'n1');
      INSERT INTO series (id, job_id, test_id, node_config_id) VALUES (1, 1, 1, 1);
      INSERT INTO runs (id, build_id, test_id, node_config_id, series_id, build_number, build_started_us)
        VALUES (100, 10, 1, 1, 1, 1201, 1700000000000000), (101, 11, 1, 1, 1, 1200, NULL);
      INSERT INTO metrics (id, run_id, name, unit, labels) VALUES (1000, 100, 'kubelet_cpu', 'mCPU', '{}');
      INSERT INTO metric_stats (metric_id, stat, value) VALUES (1000, 'Perc95', 31.5);
      INSERT INTO chart_points (series_id, metric, build_number, run_id, started_us, unit, stats, top)
        VALUES (1, 'kubelet_cpu', 1201, 100, 1700000000000000, 'mCPU', '{"Perc95":31.5}', 31.5);
      INSERT INTO probe_events (run_id, probe, pod, instance, t_us, source) VALUES (100, 'create', NULL, 0, 1700000000000001, 'test');`);
    old.close();

    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(listBuilds(db, JOB).map((b) => [b.number, b.runs])).toEqual([
      ['1200', 1],
      ['1201', 1],
    ]);
    expect(metricSeries(db, { job: JOB, test: 'resource_0', metric: 'kubelet_cpu' }).series).toEqual([
      { build: '1201', started: 1_700_000_000_000_000, stats: { Perc95: 31.5 } },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM probe_events').get()).toEqual({ n: 1 });
    // The cascade still works after the rebuild: deleting a build deletes what hangs off it.
    db.prepare('DELETE FROM builds WHERE number = ?').run('1201');
    expect(db.prepare('SELECT count(*) AS n FROM probe_events').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM chart_points').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('runs carry their build', () => {
  it('writes the exact ID on runs and chart points', () => {
    const { db } = freshDb();
    writeBuild(db, buildRecord(B, { runs: [runRecord()] }));
    expect(db.prepare('SELECT build, typeof(build) AS t FROM runs').get()).toEqual({ build: B, t: 'text' });
    expect(db.prepare('SELECT DISTINCT build FROM chart_points').all()).toEqual([{ build: B }]);
  });
});
