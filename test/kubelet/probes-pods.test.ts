// `kpd probes FILE` as a tracer: every pod of the log by default (kube-system
// and static pods too), --test-pods to keep to the pods a test ran, saying
// what it left out; a file that is no kubelet log says so; an OTLP trace file
// is read for its span probes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probesCommand } from '../../cli/probes';
import { kpd } from '../kpd';
import { FIXTURES } from './helpers';

const CEST = path.resolve(FIXTURES, '../kubelet-zone/cest-no-observed.log');
const TRACES = path.resolve(FIXTURES, '../otlp/kubelet-traces.jsonl');

async function run(file: string, opts: { testPods?: boolean; pod?: string; json: boolean }) {
  let stdout = '';
  let stderr = '';
  const code = await probesCommand(file, opts, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

const ZONE = `warning: ${CEST}:12: klog headers read as UTC+02:00: no line pairs a header with a UTC time, and line 12 prints the node's zone ("2026-09-15 15:59:53.790094099 +0200 CEST")\n`;

describe('kpd probes on a node’s log', () => {
  it('shows every pod by default: the static kube-proxy and a kube-system pod too', async () => {
    const r = await run(CEST, { json: false });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(ZONE);
    expect(r.stdout.split('\n').slice(0, 6)).toEqual([
      'TIME                         POD                                                PROBE                  UID',
      '2026-09-15T13:54:41.503317Z  kube-system/kube-proxy-n1-standard-2-cos-4b1e9c2a  pod_config_change      8d1e3b7c2f4a5e6d7c8b9a0f1e2d3c4b',
      '2026-09-15T13:54:41.629004Z  kube-system/kube-proxy-n1-standard-2-cos-4b1e9c2a  runtime_manager        8d1e3b7c2f4a5e6d7c8b9a0f1e2d3c4b',
      '2026-09-15T13:54:42.871213Z  kube-system/kube-proxy-n1-standard-2-cos-4b1e9c2a  infra_container_start  8d1e3b7c2f4a5e6d7c8b9a0f1e2d3c4b',
      '2026-09-15T13:54:43.002761Z  kube-system/metadata-proxy-v0.1-x2k9p              pod_config_change',
      '2026-09-15T13:59:51.204211Z  density-test-9305/pod-0                            pod_config_change      3f0c7c1e-5b1a-4c2e-9d7f-2a6b8c1d4e50',
    ]);
    expect(r.stdout.split('\n')).toHaveLength(12);
  });

  it('--test-pods keeps to the pods a test ran and says what it left out', async () => {
    const r = await run(CEST, { testPods: true, json: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      ZONE +
        'kpd probes: --test-pods left out 2 pods (2 kube-system or cAdvisor) with 4 probe events: ' +
        'kube-system/kube-proxy-n1-standard-2-cos-4b1e9c2a, kube-system/metadata-proxy-v0.1-x2k9p\n',
    );
    const events = JSON.parse(r.stdout).events as { pod: string; probe: string; time: string }[];
    expect(events.map((e) => [e.probe, e.time])).toEqual([
      ['pod_config_change', '2026-09-15T13:59:51.204211Z'],
      ['runtime_manager', '2026-09-15T13:59:51.380964Z'],
      ['infra_container_start', '2026-09-15T13:59:52.511862Z'],
      ['container_start', '2026-09-15T13:59:53.321544Z'],
      ['pod_running', '2026-09-15T13:59:53.790094Z'],
      ['pod_status_running', '2026-09-15T13:59:53.905417Z'],
    ]);
    expect(new Set(events.map((e) => e.pod))).toEqual(new Set(['density-test-9305/pod-0']));
  });

  it('--test-pods on a log of system pods only says there are no test pods, and which it left out', async () => {
    const r = await run(path.join(FIXTURES, 'json-s.log'), { testPods: true, json: false });
    expect(r.stderr).toBe('kpd probes: --test-pods left out 1 pod (1 kube-system or cAdvisor) with 1 probe event: kube-system/etcd-node-1\n');
    expect(r.stdout.split('\n')[0]).toBe('TIME                         POD              PROBE                  UID');
  });
});

describe('kpd probes on what is not a kubelet log', () => {
  it('says it found no kubelet log lines in package.json instead of printing a bare header', () => {
    const r = kpd(['probes', 'package.json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^no kubelet log lines in package\.json: none of its \d+ lines is a kubelet pod lifecycle line \(is it a kubelet log\? the kubelet logs pod lifecycle at --v=2 and higher\)\n$/,
    );
  });

  it('reads an OTLP trace file for its span probes, as kpd spans does', async () => {
    const r = await run(TRACES, { json: true });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`kpd probes: ${TRACES} is an OTLP trace file: its span probes, as kpd spans reads them`);
    const events = JSON.parse(r.stdout).events as { pod: string; probe: string }[];
    expect(events[0]).toMatchObject({ pod: 'density-test-4821/web-0', probe: 'sync_start' });
    expect(new Set(events.map((e) => e.probe))).toContain('sandbox_ready');
  });
});
