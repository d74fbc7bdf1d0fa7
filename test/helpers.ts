// Shared test helpers: a fresh database and small, realistic build records.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type DB } from '../lib/db/open';
import type { BuildRecord, RunRecord } from '../lib/model';

export function tempDir(prefix = 'kpd-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function freshDb(): { db: DB; file: string } {
  const file = path.join(tempDir(), 'kpd.db');
  return { db: openDb(file), file };
}

export function runRecord(over: Partial<RunRecord> = {}): RunRecord {
  return {
    test: 'density_create_batch_105_0_0',
    description: 'create 105 pods with 0s interval [Benchmark]',
    options: { kind: 'density', operation: 'create', mode: 'batch', pods: 105, backgroundPods: 0, intervalMs: 0 },
    node: { image: 'cos-stable-109-17800-66-15', machine: 'cpu:2core,memory:7.5GB' },
    host: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
    perfVersion: 'v2',
    start: 1_700_215_000_000_000,
    end: 1_700_215_200_000_000,
    items: [
      { data: { Perc50: 1843.2, Perc90: 2950.1, Perc99: 3310.7, Perc100: 3402 }, unit: 'ms', labels: { datatype: 'latency', latencytype: 'create-pod' } },
      { data: { batch: 12.4, 'single-worst': 8.1 }, unit: 'pods/min', labels: { datatype: 'throughput', latencytype: 'create-pod' } },
    ],
    resources: {
      kubelet: { ts: [1_700_215_099_000_000, 1_700_215_100_000_000], cpu: [31, 44], memory: [40, 41.5], unit: { cpu: 'mCPU', memory: 'MB' } },
    },
    probes: [
      { probe: 'create', instance: 0, time: 1_700_215_100_000_000, source: 'test' },
      { probe: 'pod_config_change', pod: 'density-test-1/pod-0', uid: 'u-0', instance: 0, time: 1_700_215_100_012_345, source: 'kubelet' },
    ],
    podStartups: [{ pod: 'density-test-1/pod-0', uid: 'u-0', instance: 0, sloDuration: 2.755, e2eDuration: 2.755, flagged: false }],
    ...over,
  };
}

/** A build whose start is `number` hours (its last six digits, for a Prow ID) after a fixed time. */
export function buildRecord(number: number | string, over: Partial<BuildRecord> = {}): BuildRecord {
  const id = String(number);
  const hours = Number(id.slice(-6));
  return {
    job: 'ci-kubernetes-node-kubelet-benchmark',
    number: id,
    started: 1_700_215_000_000_000 + hours * 3_600_000_000,
    finished: 1_700_216_000_000_000 + hours * 3_600_000_000,
    result: 'SUCCESS',
    source: `/jobs/ci-kubernetes-node-kubelet-benchmark/${id}`,
    contentHash: `hash-${id}`,
    runs: [runRecord()],
    report: { files: [], warnings: [], runs: 1, metrics: 2, probeEvents: 2 },
    ...over,
  };
}

export function count(db: DB, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
