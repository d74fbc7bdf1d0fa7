import { describe, expect, it } from 'vitest';
import { fromIso } from '../../lib/time';
import { fixture, probesOf, readBuffer, readFixture } from './helpers';

describe('readKubeletLog: every encoding', () => {
  it('reads 1.4 docker_manager logs: infra container restart, Started event, Running status after Pending', async () => {
    const r = await readFixture('legacy-1.4.log', { year: 2016 });
    expect(probesOf(r, 'e2e-tests-density-kx2m1/density-test-pod-0')).toEqual({
      pod_config_change: '2016-09-22T18:13:06.148383Z',
      runtime_manager: '2016-09-22T18:13:06.248764Z',
      infra_container_start: '2016-09-22T18:13:07.011875Z',
      pod_running: '2016-09-22T18:13:07.480517Z',
      container_start: '2016-09-22T18:13:07.602210Z',
      pod_status_running: '2016-09-22T18:13:07.731190Z',
    });
    expect(r.events[0]).toEqual({
      probe: 'pod_config_change',
      pod: 'e2e-tests-density-kx2m1/density-test-pod-0',
      uid: '3f2a5c1e-80a1-11e6-9c2b-42010af00002',
      instance: 0,
      time: fromIso('2016-09-22T18:13:06.148383Z'),
      source: 'kubelet',
      line: 2,
      // line 1 is 149 bytes and its line break
      offset: 150,
    });
    expect(fixture('legacy-1.4.log').toString('utf8', 150, 172)).toBe('I0922 18:13:06.148383 ');
    expect(r.lines).toBe(15);
    expect(r.skipped).toBe(0);
    expect(r.year).toBe(2016);
  });

  it('reads ≤1.19 journald logs: one ADD line for two pods, No sandbox, v1 events, DELETE/REMOVE then a new instance', async () => {
    const r = await readFixture('legacy-1.19.log', { reference: fromIso('2020-09-14T09:00:00Z') });
    expect(probesOf(r, 'density-4481/pod-a')).toEqual({
      pod_config_change: '2020-09-14T10:02:11.123456Z',
      runtime_manager: '2020-09-14T10:02:11.201002Z',
      infra_container_start: '2020-09-14T10:02:12.001234Z',
      pod_running: '2020-09-14T10:02:12.101234Z',
      container_start: '2020-09-14T10:02:12.401234Z',
      pod_status_running: '2020-09-14T10:02:12.650000Z',
    });
    expect(probesOf(r, 'density-4481/pod-b')).toEqual({
      pod_config_change: '2020-09-14T10:02:11.123456Z',
      runtime_manager: '2020-09-14T10:02:11.205117Z',
    });
    expect(probesOf(r, 'density-4481/pod-a', 1)).toEqual({
      pod_config_change: '2020-09-14T10:02:14.000000Z',
      runtime_manager: '2020-09-14T10:02:14.100000Z',
    });
    const second = r.events.find((e) => e.pod === 'density-4481/pod-a' && e.instance === 1);
    expect(second?.uid).toBe('11111111-aaaa-4bbb-8ccc-000000000003');
  });

  it('leaves out kube-system, static and cAdvisor pods unless asked, and lists them flagged', async () => {
    const r = await readFixture('legacy-1.19.log', { year: 2020 });
    expect(new Set(r.events.map((e) => e.pod))).toEqual(new Set(['density-4481/pod-a', 'density-4481/pod-b']));
    expect(r.pods).toEqual([
      { pod: 'density-4481/pod-a', uid: '11111111-aaaa-4bbb-8ccc-000000000001', instance: 0, static: false, system: false },
      { pod: 'density-4481/pod-a', uid: '11111111-aaaa-4bbb-8ccc-000000000003', instance: 1, static: false, system: false },
      { pod: 'density-4481/pod-b', uid: '11111111-aaaa-4bbb-8ccc-000000000002', instance: 0, static: false, system: false },
      { pod: 'default/static-web-node-e2e-1', uid: '5d41402abc4b2a76b9719d911017c592', instance: 0, static: true, system: false },
      { pod: 'kube-system/kube-proxy-x7x9z', uid: '22222222-dddd-4eee-8fff-000000000009', instance: 0, static: false, system: true },
    ]);
    const all = await readFixture('legacy-1.19.log', { year: 2020, includeSystemPods: true });
    expect(probesOf(all, 'default/static-web-node-e2e-1')).toEqual({
      pod_config_change: '2020-09-14T10:02:11.130000Z',
      runtime_manager: '2020-09-14T10:02:11.210000Z',
    });
    expect(probesOf(all, 'kube-system/kube-proxy-x7x9z')).toEqual({
      pod_config_change: '2020-09-14T10:02:11.135500Z',
      runtime_manager: '2020-09-14T10:02:11.300000Z',
    });

    const cadvisor = await readFixture('legacy-1.4.log', { year: 2016 });
    expect(cadvisor.events.some((e) => e.pod!.includes('cadvisor'))).toBe(false);
    expect(cadvisor.pods.find((p) => p.pod.includes('cadvisor'))).toMatchObject({ system: true });
  });

  it('reads 1.21 structured logs: unquoted pods=[ns/a ns/b], event=&{Go struct}, status={Phase:…}, NodeTracing custom probes', async () => {
    const r = await readFixture('structured-1.21.log');
    expect(r.year).toBe(2023);
    expect(probesOf(r, 'density-7071/pod-x')).toEqual({
      pod_config_change: '2023-01-23T14:15:31.500100Z',
      runtime_manager: '2023-01-23T14:15:31.600200Z',
      infra_container_start: '2023-01-23T14:15:32.100300Z',
      image_pulled: '2023-01-23T14:15:32.140123Z',
      container_start: '2023-01-23T14:15:32.700400Z',
      pod_running: '2023-01-23T14:15:32.750000Z',
      pod_status_running: '2023-01-23T14:15:32.800500Z',
    });
    expect(probesOf(r, 'density-7071/pod-y')).toEqual({ pod_config_change: '2023-01-23T14:15:31.500100Z' });
  });

  it('reads 1.27 structured journald logs: quoted pods, event={json}, the tracker’s dated times, only Running statuses', async () => {
    const r = await readFixture('structured-1.27.log');
    expect(probesOf(r, 'density-test/pod-0')).toEqual({
      pod_config_change: '2025-03-16T04:31:21.080604Z',
      runtime_manager: '2025-03-16T04:31:21.291836Z',
      infra_container_start: '2025-03-16T04:31:21.804214Z',
      container_start: '2025-03-16T04:31:22.512337Z',
      // observedRunningTime outranks the later "Event occurred" reason=Started
      pod_running: '2025-03-16T04:31:22.692926Z',
      watch_observed_running: '2025-03-16T04:31:22.703400Z',
      // the Pending status at 04:31:21.135442 does not count; the first Running one does
      pod_status_running: '2025-03-16T04:31:22.705871Z',
    });
    expect(probesOf(r, 'density-test/pod-0', 1)).toEqual({
      pod_config_change: '2025-03-16T04:31:26.000001Z',
      runtime_manager: '2025-03-16T04:31:26.120000Z',
      infra_container_start: '2025-03-16T04:31:26.500000Z',
    });
    expect(r.podStartups).toEqual([
      { pod: 'density-test/pod-0', uid: '5f0c9a2e-6b1d-4c3e-9a57-2f1b8c6d4e01', instance: 0, sloDuration: 1.703419, e2eDuration: 1.703419, flagged: false },
      { pod: 'density-test/pod-1', uid: 'a81c3f7e-02d4-4b6a-b8e9-7d53c1e0f9a2', instance: 0, sloDuration: -9223372034.854, e2eDuration: 1.921597, flagged: true },
    ]);
    expect(r.warnings).toEqual([
      {
        file: 'structured-1.27.log',
        line: 20,
        message: '1 pod has a negative or absurd podStartSLOduration/podStartE2EDuration (a known kubelet bug): kept, flagged',
      },
    ]);
    expect(r.pods.filter((p) => p.static || p.system).map((p) => p.pod)).toEqual([
      'default/static-web-kind-worker',
      'kube-system/kube-proxy-7xk2p',
    ]);
  });

  it('reads JSON logging with ts in milliseconds and pods as objects', async () => {
    const r = await readFixture('json-ms.log');
    expect(probesOf(r, 'dev/nettools')).toEqual({
      pod_config_change: '2022-06-18T19:42:34.264564Z',
      runtime_manager: '2022-06-18T19:42:34.388012Z',
      infra_container_start: '2022-06-18T19:42:35.011225Z',
      container_start: '2022-06-18T19:42:35.187700Z',
      pod_running: '2022-06-18T19:42:35.190011Z',
      watch_observed_running: '2022-06-18T19:42:35.200436Z',
      pod_status_running: '2022-06-18T19:42:35.209250Z',
    });
    expect(r.events[0].time).toBe(1655581354264564);
    expect(r.podStartups).toEqual([
      { pod: 'dev/nettools', uid: 'd6c3a1f0-5e2b-4c8d-9a7f-1b2c3d4e5f60', instance: 0, sloDuration: 0.936, e2eDuration: 0.936436, flagged: false },
    ]);
  });

  it('reads JSON logging with ts in seconds and pods as "ns/name" strings', async () => {
    const r = await readFixture('json-s.log');
    expect(probesOf(r, 'density-1/pod-s')).toEqual({
      pod_config_change: '2021-01-01T00:00:00.123456Z',
      runtime_manager: '2021-01-01T00:00:00.500000Z',
      infra_container_start: '2021-01-01T00:00:01.000001Z',
      pod_status_running: '2021-01-01T00:00:01.750000Z',
    });
    expect(r.year).toBe(2021);
    expect(r.pods.find((p) => p.pod === 'kube-system/etcd-node-1')).toMatchObject({ static: true, system: true });
  });

  it('strips CI stamps, node addresses, journald with and without pid, short-iso journald and microshift', async () => {
    const r = await readFixture('prefixes.log');
    expect(probesOf(r, 'node-perf-7311/pod-p')).toEqual({
      pod_config_change: '2025-03-22T14:56:47.134211Z',
      runtime_manager: '2025-03-22T14:56:47.300412Z',
      infra_container_start: '2025-03-22T14:56:48.001002Z',
      container_start: '2025-03-22T14:56:48.500300Z',
      // "Mark when the pod was running" outranks observedRunningTime (14:56:48.55), though logged first
      pod_running: '2025-03-22T14:56:48.600000Z',
      pod_status_running: '2025-03-22T14:56:48.700000Z',
      watch_observed_running: '2025-03-22T14:56:49.000011Z',
    });
    expect(r.lines).toBe(8);
  });

  it('maps NodeTracing probes to their pod: by the event’s object, else by the uid seen elsewhere in the log', async () => {
    const uid = '3f2a5c1e-80a1-11e6-9c2b-42010af00002';
    const log = [
      `I0922 18:13:06.148383    2571 kubelet.go:2522] SyncLoop (ADD, "api"): "density-test-pod-0_e2e-tests-density-kx2m1(${uid})"`,
      `I0922 18:13:06.300100    2571 server.go:608] Event(api.ObjectReference{Kind:"Pod", Namespace:"e2e-tests-density-kx2m1", Name:"density-test-pod-0", UID:"${uid}", APIVersion:"v1", ResourceVersion:"1503", FieldPath:""}): type: 'Normal' reason: 'NodeTracing' pod: ${uid}, probe: volume_mounted, timestamp: 1474567986299001000`,
      `I0922 18:13:06.400000    2571 event.go:291] "Event occurred" kind="Pod" apiVersion="v1" type="Normal" reason="NodeTracing" message="pod: ${uid}, probe: network_ready, timestamp: 1474567986399999999"`,
      `I0922 18:13:06.500000    2571 event.go:291] "Event occurred" kind="Pod" apiVersion="v1" type="Normal" reason="NodeTracing" message="pod: 00000000-dead-beef-0000-000000000000, probe: network_ready, timestamp: 1474567986499000000"`,
    ].join('\n');
    const r = await readBuffer(Buffer.from(log));
    expect(r.year).toBe(2016);
    expect(probesOf(r, 'e2e-tests-density-kx2m1/density-test-pod-0')).toEqual({
      pod_config_change: '2016-09-22T18:13:06.148383Z',
      volume_mounted: '2016-09-22T18:13:06.299001Z',
      network_ready: '2016-09-22T18:13:06.400000Z',
    });
    expect(r.warnings).toEqual([
      { file: 'kubelet.log', message: '1 NodeTracing probe names a pod uid seen nowhere else in the log: dropped' },
    ]);
  });

  it('counts a JSON line that does not parse as unreadable when it could hold a probe, and only then', async () => {
    const add = '{"ts":1655581354264.5642,"caller":"kubelet/kubelet.go:2092","msg":"SyncLoop ADD","v":2,"source":"api","pods":[{"name":"a","namespace":"b"}]}';
    const housekeeping = '{"ts":1655581355264.5642,"caller":"kubelet/kubelet.go:2442","msg":"SyncLoop (housekeeping)","v":4}';
    const r = await readBuffer(Buffer.from([add, housekeeping.slice(0, 70), add.slice(0, 100), housekeeping].join('\n')));
    expect(r.lines).toBe(4);
    expect(r.skipped).toBe(1);
    expect(r.events.map((e) => [e.probe, e.line])).toEqual([['pod_config_change', 1]]);
  });

  it('moves to the next year between two facts with only housekeeping between them', async () => {
    const log = [
      'I1231 23:59:50.000000    1234 kubelet.go:2474] "SyncLoop ADD" source="api" pods=["ny/a"]',
      'I1231 23:59:58.000000    1234 kubelet.go:2442] "SyncLoop (housekeeping)"',
      'I0101 00:00:00.000000    1234 kubelet.go:2442] "SyncLoop (housekeeping)"',
      'I0101 00:00:02.000000    1234 kubelet.go:2474] "SyncLoop ADD" source="api" pods=["ny/b"]',
    ].join('\n');
    const r = await readBuffer(Buffer.from(log), { year: 2024 });
    expect(r.events.map((e) => [e.pod, new Date(e.time / 1000).toISOString()])).toEqual([
      ['ny/a', '2024-12-31T23:59:50.000Z'],
      ['ny/b', '2025-01-01T00:00:02.000Z'],
    ]);
  });
});
