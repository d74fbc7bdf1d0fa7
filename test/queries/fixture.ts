// A small job for the view queries: three builds of one density test on two
// node configs, with known stats, probe events and resource samples.
import type { DB } from '../../lib/db/open';
import type { ProbeEvent, RunRecord } from '../../lib/model';
import { writeBuild } from '../../ingest/load';
import { buildRecord, runRecord } from '../helpers';

export const JOB = 'ci-kubernetes-node-kubelet-benchmark';
export const TEST = 'density_create_batch_105_0_0';
export const COS = { image: 'cos-stable-109-17800-66-15', machine: 'cpu:2core,memory:7.5GB' };
export const UBUNTU = { image: 'ubuntu-2204', machine: 'cpu:4core,memory:15GB' };
export const T0 = 1_700_215_100_000_000;

/** Two pods through three kubelet probes, plus the test's anonymous create/running; pod-1 is slower by `extraUs`. */
export function probes(extraUs: number): ProbeEvent[] {
  const pod = (name: string, probe: string, t: number): ProbeEvent => ({
    probe,
    pod: `density-test/${name}`,
    uid: `uid-${name}`,
    instance: 0,
    time: T0 + t,
    source: 'kubelet',
  });
  return [
    { probe: 'create', instance: 0, time: T0, source: 'test' },
    { probe: 'create', instance: 0, time: T0 + 10_000, source: 'test' },
    pod('pod-0', 'pod_config_change', 5_000),
    pod('pod-1', 'pod_config_change', 15_000),
    pod('pod-0', 'infra_container_start', 405_000),
    pod('pod-1', 'infra_container_start', 615_000 + extraUs),
    pod('pod-0', 'pod_running', 505_000),
    pod('pod-1', 'pod_running', 815_000 + extraUs),
    { probe: 'running', instance: 0, time: T0 + 600_000, source: 'test' },
    { probe: 'running', instance: 0, time: T0 + 900_000 + extraUs, source: 'test' },
  ];
}

export function run(p50: number, node = COS, over: Partial<RunRecord> = {}): RunRecord {
  return runRecord({
    test: TEST,
    node,
    items: [
      { data: { Perc50: p50, Perc90: p50 * 2, Perc99: p50 * 3, Perc100: p50 * 4 }, unit: 'ms', labels: { datatype: 'latency', latencytype: 'create-pod' } },
      { data: { Perc50: 40, Perc90: 50, Perc95: 55, Perc99: 60 }, unit: 'mCPU', labels: { datatype: 'resource', container: 'kubelet', resource: 'cpu' } },
    ],
    resources: {
      kubelet: { ts: [T0 - 1_000_000, T0, T0 + 1_000_000], cpu: [20, 80, 30], memory: [50, 51, 52], unit: { cpu: 'mCPU', memory: 'MB' } },
    },
    probes: probes(0),
    podStartups: [
      { pod: 'density-test/pod-0', instance: 0, sloDuration: 0.5, e2eDuration: 0.6, flagged: false },
      { pod: 'density-test/pod-1', instance: 0, sloDuration: 0.8, e2eDuration: 0.9, flagged: false },
      { pod: 'density-test/pod-2', instance: 0, sloDuration: -9.22e9, e2eDuration: 1, flagged: true },
    ],
    ...over,
  });
}

/** Builds 101-103 on cos (latency p50 1000, 2000, 6000; build 103's pod-1 200 ms slower), 101-102 on ubuntu. */
export function fillJob(db: DB): void {
  writeBuild(db, buildRecord(101, { runs: [run(1000), run(500, UBUNTU)] }));
  writeBuild(db, buildRecord(102, { runs: [run(2000), run(700, UBUNTU)] }));
  writeBuild(db, buildRecord(103, { runs: [run(6000, COS, { probes: probes(200_000) })] }));
}
