import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoInOrder, probesCommand } from '../../cli/probes';
import { readKubeletLogFile } from '../../ingest/parsers/kubelet/reader';
import { toIso } from '../../lib/time';
import { FIXTURES } from './helpers';
import { line } from './log-shapes';

async function run(file: string, opts: { pod?: string; year?: number; json: boolean }) {
  let stdout = '';
  let stderr = '';
  const code = await probesCommand(path.join(FIXTURES, file), opts, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

describe('kpd probes', () => {
  it('prints every probe of every pod of a log as JSON in time order', async () => {
    const { code, stdout, stderr } = await run('json-s.log', { json: true });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const uid = 'd6c3a1f0-5e2b-4c8d-9a7f-1b2c3d4e5f60';
    expect(JSON.parse(stdout)).toEqual({
      events: [
        { pod: 'density-1/pod-s', uid, probe: 'pod_config_change', time: '2021-01-01T00:00:00.123456Z' },
        // Every pod of the log, a static kube-system pod too (--test-pods leaves it out).
        { pod: 'kube-system/etcd-node-1', uid: null, probe: 'pod_config_change', time: '2021-01-01T00:00:00.250000Z' },
        { pod: 'density-1/pod-s', uid, probe: 'runtime_manager', time: '2021-01-01T00:00:00.500000Z' },
        { pod: 'density-1/pod-s', uid, probe: 'infra_container_start', time: '2021-01-01T00:00:01.000001Z' },
        { pod: 'density-1/pod-s', uid, probe: 'pod_status_running', time: '2021-01-01T00:00:01.750000Z' },
      ],
    });
  });

  it('follows one pod: each probe with its line and its offset from the pod’s first probe', async () => {
    const { code, stdout } = await run('legacy-1.4.log', { pod: 'e2e-tests-density-kx2m1/density-test-pod-0', year: 2016, json: false });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'LINE  INSTANCE  PROBE                  TIME                         OFFSET_MS',
        '   2         0  pod_config_change      2016-09-22T18:13:06.148383Z      0.000',
        '   5         0  runtime_manager        2016-09-22T18:13:06.248764Z    100.381',
        '   9         0  infra_container_start  2016-09-22T18:13:07.011875Z    863.492',
        '  11         0  pod_running            2016-09-22T18:13:07.480517Z   1332.134',
        '  12         0  container_start        2016-09-22T18:13:07.602210Z   1453.827',
        '  13         0  pod_status_running     2016-09-22T18:13:07.731190Z   1582.807',
        '',
      ].join('\n'),
    );
  });

  it('follows a system pod too, as JSON, instance by instance', async () => {
    const { code, stdout, stderr } = await run('legacy-1.19.log', { pod: 'density-4481/pod-a', year: 2020, json: true });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const events = JSON.parse(stdout).events as { instance: number; probe: string; line: number; offset: number; offsetMs: number }[];
    // Each probe's line starts at its offset.
    const log = fs.readFileSync(path.join(FIXTURES, 'legacy-1.19.log'), 'utf8');
    for (const e of events) expect(log.slice(e.offset).startsWith(log.split('\n')[e.line - 1])).toBe(true);
    expect(events.map((e) => [e.instance, e.probe, e.line, e.offsetMs])).toEqual([
      [0, 'pod_config_change', 1, 0],
      [0, 'runtime_manager', 5, 77.546],
      [0, 'infra_container_start', 10, 877.778],
      [0, 'pod_running', 11, 977.778],
      [0, 'container_start', 12, 1277.778],
      [0, 'pod_status_running', 14, 1526.544],
      [1, 'pod_config_change', 18, 0],
      [1, 'runtime_manager', 19, 100],
    ]);
    const proxy = await run('legacy-1.19.log', { pod: 'kube-system/kube-proxy-x7x9z', year: 2020, json: true });
    expect(JSON.parse(proxy.stdout).events).toHaveLength(2);
  });

  it('fails with a message for a missing file, a malformed --pod and a pod the log does not name', async () => {
    expect(await run('no-such.log', { json: true })).toMatchObject({ code: 1, stdout: '' });
    expect(await run('json-s.log', { pod: 'pod-s', json: true })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'kpd probes: --pod wants NAMESPACE/NAME, got "pod-s"\n',
    });
    const unknown = await run('json-s.log', { pod: 'density-1/nope', json: false });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no probes for pod density-1/nope');
  });

  it('reports the reader’s warnings on stderr', async () => {
    const { code, stderr } = await run('new-year.log', { json: true });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: .*new-year\.log: no dated line, year or reference time: assumed \d{4} and UTC for klog headers\n$/);
  });

  it('writes thousands of events as the one JSON document they make, a slice at a time', async () => {
    const t0 = Date.UTC(2025, 2, 16, 4) * 1000;
    const lines = Array.from({ length: 3000 }, (_, i) => {
      const pod = { namespace: 'density-test', name: `pod-${i}`, uid: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}` };
      return [
        line('structured', { kind: 'add', pods: [pod], source: 'api' }, t0 + i * 1000, 0, 1),
        line('structured', { kind: 'sandbox', pod }, t0 + i * 1000 + 100, 0, 1),
      ];
    }).flat();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-probes-')), 'kubelet.log');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    // A sink that is full after each write, as a pipe can be: the command waits for it each time.
    const writes: string[] = [];
    let waits = 0;
    const full = (s: string) => (writes.push(s), false);
    expect(await probesCommand(file, { json: true, year: 2025 }, full, () => {}, async () => void waits++)).toBe(0);
    expect(writes.length).toBeGreaterThan(2);
    expect(waits).toBe(writes.length - 2);
    const r = await readKubeletLogFile(file, { file, year: 2025 });
    expect(r.events).toHaveLength(6000);
    expect(writes.join('')).toBe(JSON.stringify({ events: r.events.map((e) => ({ pod: e.pod, uid: e.uid ?? null, probe: e.probe, time: toIso(e.time) })) }) + '\n');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('writes times as toIso does, however far from now and in whatever order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -70e15, max: 300e15 }), { maxLength: 50 }), fc.integer({ min: 1_700_000_000e6, max: 1_800_000_000e6 }), (far, near) => {
        const iso = isoInOrder();
        for (const us of [...far, near, near + 1, near + 3_599_999_999, near - 1, ...far.sort((a, b) => a - b)]) expect(iso(us)).toBe(toIso(us));
      }),
      { numRuns: 300 },
    );
  });
});
