// The read commands as a user runs them (bin/kpd on a small database): kpd
// builds --build, jobs and tests; and every message a mistake gets: a missing
// --test lists the tests, a reversed range and an unknown probe are errors
// (exit 2), probes the wrong way round get the swapped command.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBuild } from '../../ingest/load';
import { buildRecord, freshDb } from '../helpers';
import { kpd, kpdJson } from '../kpd';
import { COS, JOB, T0, TEST, UBUNTU, fillJob, probes, run } from '../queries/fixture';

let db: string;
const WARNINGS = [
  { file: 'build-log.txt', line: 263, message: '[Result:Performance] block cut short at line 271; skipped' },
  { file: 'artifacts/n1-standard-2-cos/kubelet.log', message: 'no dated line, year or reference time: assumed 2026 and UTC for klog headers' },
];

beforeAll(() => {
  const fresh = freshDb();
  fillJob(fresh.db);
  const custom = { probe: 'volumes_mounted', pod: 'density-test/pod-0', uid: 'uid-pod-0', instance: 0, time: T0 + 300_000, source: 'kubelet' as const };
  writeBuild(
    fresh.db,
    buildRecord(104, {
      version: 'v1.32.0-alpha.1.1807+c312506dcaa1',
      runs: [run(1500, COS, { probes: [...probes(0), custom] })],
      report: { files: [], warnings: WARNINGS, runs: 1, metrics: 2, probeEvents: 11 },
    }),
  );
  fresh.db.close();
  db = fresh.file;
});

const read = (...args: string[]) => kpd([...args, '--db', db]);

describe('kpd builds', () => {
  it('lists the builds, numbers right-aligned, and says how to read the warnings', () => {
    expect(read('builds', '--job', JOB)).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'build  started (UTC)        result   version                            runs  warnings',
        '101    2023-11-21 14:56:40  SUCCESS  -                                     2         0',
        '102    2023-11-21 15:56:40  SUCCESS  -                                     2         0',
        '103    2023-11-21 16:56:40  SUCCESS  -                                     1         0',
        '104    2023-11-21 17:56:40  SUCCESS  v1.32.0-alpha.1.1807+c312506dcaa1     1         2',
        `read a build's warnings with: kpd builds --job ${JOB} --build 104`,
        '',
      ].join('\n'),
    });
  });

  it('--build: the build, its runs, and each warning with its file, line and message', () => {
    expect(read('builds', '--job', JOB, '--build', '104')).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `${JOB} build 104: SUCCESS, v1.32.0-alpha.1.1807+c312506dcaa1`,
        'started 2023-11-21 17:56:40 UTC, took 16m40s',
        '',
        'test                          image                       machine                 status  probe events',
        `${TEST}  cos-stable-109-17800-66-15  cpu:2core,memory:7.5GB  -                 11`,
        '1 run, 2 metrics, 11 probe events; 2 warnings:',
        '  build-log.txt:263: [Result:Performance] block cut short at line 271; skipped',
        '  artifacts/n1-standard-2-cos/kubelet.log: no dated line, year or reference time: assumed 2026 and UTC for klog headers',
        '',
      ].join('\n'),
    });
  });

  it('--build --json: the shape of GET /api/v1/jobs/J/builds/N', () => {
    const doc = kpdJson<{ job: string; build: { number: string; warningList: unknown[]; durationS: number }; runs: unknown[]; report: { warnings: unknown[] } }>([
      'builds', '--job', JOB, '--build', '104', '--db', db,
    ]);
    expect(Object.keys(doc)).toEqual(['job', 'build', 'runs', 'report']);
    expect(doc.build).toMatchObject({ number: '104', durationS: 1000, warningList: WARNINGS });
    expect(doc.runs).toHaveLength(1);
    expect(doc.report.warnings).toEqual(WARNINGS);
  });

  it('--build of a build the job does not have: the newest builds, exit 1', () => {
    expect(read('builds', '--job', JOB, '--build', '99')).toEqual({
      code: 1,
      stdout: '',
      stderr: `kpd: no build 99 in job ${JOB}; choose one of:\n  the newest: 104, 103, 102, 101\n`,
    });
  });
});

describe('kpd jobs and kpd tests', () => {
  it('jobs: each job with its builds, its last build and its last sync', () => {
    expect(read('jobs')).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'job                                   builds  last build  started (UTC)     result   last sync (UTC)',
        `${JOB}       4  104         2023-11-21 17:56  SUCCESS  not followed`,
        '',
      ].join('\n'),
    });
    const doc = kpdJson<{ jobs: { job: string; builds: number; latest: { number: string }; sync: null }[] }>(['jobs', '--db', db]);
    expect(doc.jobs.map((j) => [j.job, j.builds, j.latest.number, j.sync])).toEqual([[JOB, 4, '104', null]]);
  });

  it('tests: each test and the node configs it ran on', () => {
    expect(read('tests', '--job', JOB)).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'test                          image                       machine                 builds  first build  last build',
        `${TEST}  ${COS.image}  ${COS.machine}       4  101          104`,
        `                              ${UBUNTU.image}                 ${UBUNTU.machine}        2  101          102`,
        '1 test on 2 node configs (pass --test, --image and --machine to the other commands)',
        '',
      ].join('\n'),
    });
  });
});

describe('messages for mistakes', () => {
  it('a missing --test lists the job’s tests, exit 2', () => {
    const want = { code: 2, stdout: '', stderr: `kpd: metrics needs --test; job ${JOB} has 1 test:\n  ${TEST}\n` };
    expect(read('metrics', '--job', JOB, '--metric', 'latency')).toEqual(want);
    expect(read('trace', '--job', JOB, '--build', '103', '--from', 'create', '--to', 'running').stderr).toBe(
      `kpd: trace needs --test; job ${JOB} has 1 test:\n  ${TEST}\n`,
    );
  });

  it('metrics: a reversed range is an error saying so, exit 2; the right way round, one number of decimals a column', () => {
    const sel = ['--job', JOB, '--test', TEST, '--image', COS.image, '--metric', 'latency'];
    expect(read('metrics', ...sel, '--from', '103', '--to', '101')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kpd: the build range is reversed: from 103 comes after to 101 (swap them: from 101 to 103)\n',
    });
    expect(read('metrics', ...sel, '--from', '101', '--to', '103').stdout).toBe(
      [`latency of ${TEST} (ms)`, 'build  Perc50  Perc90  Perc99  Perc100', '101      1000    2000    3000     4000', '102      2000    4000    6000     8000', '103      6000   12000   18000    24000', ''].join('\n'),
    );
  });

  it('trace: an unknown probe lists the known ones and the job’s custom ones, exit 2', () => {
    const r = read('trace', '--job', JOB, '--build', '103', '--test', TEST, '--image', COS.image, '--from', 'foo', '--to', 'pod_running');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'kpd: unknown probe "foo"; choose one of:\n' +
        '  known probes: create, pod_config_change, runtime_manager, infra_container_start, container_start, pod_running, pod_status_running, ' +
        'watch_observed_running, running, sync_start, sandbox_start, sandbox_ready, image_pulled, container_created, container_started_first, ' +
        'container_started_last, sync_done\n' +
        `  custom probes seen in ${JOB}: volumes_mounted\n`,
    });
  });

  it('trace: probes the wrong way round print the swapped command', () => {
    const args = ['trace', '--job', JOB, '--build', '103', '--test', TEST, '--image', COS.image];
    const r = read(...args, '--from', 'pod_running', '--to', 'pod_config_change');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `pod_running -> pod_config_change in ${JOB} build 103, ${TEST} on ${COS.image} / ${COS.machine}`,
        'pods  missing  negative  matched by  p50 ms  p90 ms  p99 ms',
        '   2        0         2  pod         -750.0  -550.0  -505.0',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe(
      'kpd: hint: every latency is negative: pod_config_change comes before pod_running for every pod; swap them:\n' +
        `  kpd trace --job ${JOB} --build 103 --test ${TEST} --image ${COS.image} --from pod_config_change --to pod_running --db ${db}\n`,
    );
    const swapped = read(...args, '--from', 'pod_config_change', '--to', 'pod_running');
    expect([swapped.code, swapped.stderr, swapped.stdout.split('\n')[2]]).toEqual([0, '', '   2        0         0  pod          750.0   950.0   995.0']);
     expect(JSON.parse(read(...args, '--from', 'pod_running', '--to', 'pod_config_change', '--json').stdout)).toMatchObject({ count: 2, negative: 2, reversed: true });
    expect(JSON.parse(read(...args, '--from', 'pod_config_change', '--to', 'pod_running', '--json').stdout)).toMatchObject({ count: 2, negative: 0, reversed: false });
  });

  it('--job, --test, --image, --machine and every option have help text', () => {
    const commands = ['ingest', 'builds', 'jobs', 'tests', 'metrics', 'trace', 'pod', 'probes', 'spans', 'serve', 'sync', 'demo', 'upload', 'reingest', 'slo check', 'regressions', 'changepoints', 'alerts'];
    for (const cmd of commands) {
      const help = kpd([...cmd.split(' '), '--help']).stdout;
      const options = help.slice(help.indexOf('Options:')).split('\n').slice(1).filter((l) => /^\s+-/.test(l));
      for (const o of options) expect([cmd, o.trim()]).toEqual([cmd, expect.stringMatching(/^\S.*\S\s{2,}\S/)]);
    }
    expect(kpd(['metrics', '--help']).stdout).toContain('--job <name>         the job, e.g. ci-kubernetes-node-kubelet-benchmark');
  });
});

describe('units and plurals', () => {
  it('slo check prints each threshold with its unit, and values with one decimal', () => {
    const r = read('slo', 'check', '--job', JOB);
    const row = r.stdout.split('\n').find((l) => l.includes(COS.image))!;
    expect(row).toMatch(/  \d+\.\d ms  <= \d+ ms  /);
  });

  it('"1 warning", never "1 warnings"', () => {
    expect(read('builds', '--job', JOB, '--build', '103').stdout).toContain('1 run, 2 metrics, 2 probe events; 0 warnings\n');
  });
});

