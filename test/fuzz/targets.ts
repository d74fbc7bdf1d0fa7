// The parser fuzz targets, one per input format the ingest reads: hostile
// inputs (inputs.ts) through each parser's public entry, and what must hold
// whatever the input: no throw (or, for jobs.json, only a JobsConfigError
// naming the file), every kept time plausible, every kept number finite, and
// for the kubelet log reader, the events of two logs one after the other are
// the events of each. Shared by test/fuzz/parsers.test.ts (a few thousand
// seeded runs) and `npm run fuzz` (as many as asked for). Plain Errors, not
// vitest's expect, so the fuzz script runs without vitest.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseBuildLog } from '../../ingest/parsers/buildlog';
import { parseJUnit } from '../../ingest/parsers/junit';
import { readLines } from '../../ingest/parsers/lines';
import { parsePerfDataText } from '../../ingest/parsers/perfdata';
import { EARLIEST_US, isPlausibleTime, LATEST_US } from '../../ingest/parsers/plausible';
import { buildVersion, parseFinished, parseProwJob, parseStarted } from '../../ingest/parsers/prow';
import { parseTimeSeriesText } from '../../ingest/parsers/timeseries';
import { readKubeletLog } from '../../ingest/parsers/kubelet/reader';
import { readTraceFile } from '../../ingest/parsers/otlp/reader';
import { JobsConfigError, parseJobsConfig } from '../../ingest/sync/config';
import type { IngestWarning, KubeletLogResult, PerfData, ProbeEvent } from '../../lib/model';
import { chunksOf } from '../kubelet/helpers';
import { line as kubeletLine, type Encoding, type Pod, type Say } from '../kubelet/log-shapes';
import { jobsText, linesLike, perfDataText, prowJobText, prowText, textsLike, timeSeriesText } from './inputs';

export interface FuzzTarget {
  name: string;
  /** What holds, for the test's title. */
  says: string;
  /** The property; with `onCrash`, a failing input is handed to it and the run goes on (the fuzz script counts them). */
  property(onCrash?: (input: unknown, error: unknown) => void): fc.IAsyncProperty<[unknown]>;
}

const NEVER_THROWS = 'never throws; keeps only plausible times and finite numbers; warnings name the file';

function target<T>(name: string, input: fc.Arbitrary<T>, check: (x: T) => Promise<void> | void, says = NEVER_THROWS): FuzzTarget {
  return {
    name,
    says,
    property: (onCrash) =>
      fc.asyncProperty(input, async (x) => {
        try {
          await check(x);
        } catch (e) {
          if (!onCrash) throw e;
          onCrash(x, e);
        }
      }),
  };
}

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

const plausible = (t: number | undefined, what: string) => must(t === undefined || isPlausibleTime(t), `${what} kept an implausible time ${t}`);
const finite = (xs: Iterable<number>, what: string) => {
  for (const x of xs) must(Number.isFinite(x), `${what} kept a number that is not finite: ${x}`);
};
const named = (warnings: IngestWarning[], file: string) => must(warnings.every((w) => w.file.startsWith(file)), `a warning names another file: ${JSON.stringify(warnings)}`);

function checkPerf(perf: PerfData | undefined, what: string): void {
  for (const item of perf?.dataItems ?? []) {
    finite(Object.values(item.data), what);
    must(typeof item.unit === 'string', `${what}: a unit that is not a string`);
    must(Object.values(item.labels).every((v) => typeof v === 'string'), `${what}: a label that is not a string`);
  }
}

function checkEvents(events: ProbeEvent[], what: string): void {
  for (const e of events) {
    must(Number.isSafeInteger(e.time), `${what}: event time ${e.time} is not a whole number of µs`);
    plausible(e.time, what);
  }
}

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const read = (dir: string, ...names: string[]) => names.map((n) => fs.readFileSync(path.join(FIXTURES, dir, n), 'utf8'));
const linesOf = (texts: string[]) => texts.flatMap((t) => t.split('\n')).filter(Boolean);

const [perfFixture, seriesFixture, startedFixture, finishedFixture, junitFixture, buildLogFixture] = read(
  'parsers',
  'performance-e2e-density_create_batch_105_0_0.json',
  'time_series-e2e-density_create_batch_10_0_0.json',
  'started.json',
  'finished.json',
  'junit_01.xml',
  'build-log-v1.txt',
);
const PROWJOB = JSON.stringify({
  spec: { job: 'ci-kubernetes-node-kubelet-benchmark', extra_refs: [{ org: 'kubernetes', repo: 'kubernetes', base_sha: '3f8a37e1c2a7a5', pulls: [{ number: 123 }] }] },
  status: { url: 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/ci-kubernetes-node-kubelet-benchmark/1' },
});
const JOBS = JSON.stringify({ jobs: [{ name: 'ci-kubernetes-node-kubelet-benchmark', source: 'gs://kubernetes-ci-logs/logs/ci-kubernetes-node-kubelet-benchmark', last: 100 }] });
const KUBELET_LOGS: Record<Encoding, string[]> = {
  legacy: read('kubelet', 'legacy-1.19.log', 'legacy-1.4.log'),
  structured: read('kubelet', 'structured-1.21.log', 'structured-1.27.log', 'prefixes.log', 'zone-offset.log', 'new-year.log'),
  json: read('kubelet', 'json-ms.log', 'json-s.log'),
};
const TRACES = read('otlp', 'kubelet-traces.jsonl');

/** Pieces a stream may come in. */
const chunking = fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 4 });

function kubeletTarget(enc: Encoding): FuzzTarget {
  return target(
    `kubelet-${enc}`,
    fc.tuple(linesLike(linesOf(KUBELET_LOGS[enc]), 50), chunking, fc.option(fc.integer({ min: 2001, max: 2098 }), { nil: undefined })),
    async ([lines, sizes, year]) => {
      const text = lines.join('\n');
      const r = await readKubeletLog(chunksOf(Buffer.from(text), sizes), { file: 'kubelet.log', maxLineBytes: 2000, ...(year ? { year } : {}) });
      const expected = text.split('\n').length - 1 + (text === '' || text.endsWith('\n') ? 0 : 1);
      must(r.lines === expected, `counted ${r.lines} lines of ${expected}`);
      checkEvents(r.events, 'kubelet log');
      for (const s of r.podStartups) finite([s.sloDuration, s.e2eDuration].filter((x) => x !== undefined), 'pod startup');
      named(r.warnings, 'kubelet.log');
    },
  );
}

// ------------------------------------------------------ concatenation

const YEAR = 2025;
const START = Date.UTC(YEAR, 2, 1) * 1000;
const BOOT = START - 600e6;

/** What one line of a generated log says about one of three pods; `dt` ms after the line before. */
const step = fc.record({ pod: fc.nat(2), what: fc.nat(12), dt: fc.nat(3000) });

/** A log of one node's pods in namespace `ns`, from `start`, one line per step; and the time after its last line. */
function generated(enc: Encoding, ns: string, start: number, steps: { pod: number; what: number; dt: number }[]): { text: string; end: number } {
  const pods: Pod[] = [0, 1, 2].map((i) => ({ namespace: ns, name: `pod-${i}`, uid: `${ns.slice(-1)}000000${i}-0000-4000-8000-00000000000${i}` }));
  const created = new Map<number, number>();
  let t = start;
  const lines = steps.map((s) => {
    t += s.dt * 1000 + 1;
    const p = pods[s.pod];
    if (!created.has(s.pod)) created.set(s.pod, t);
    const says: Say[] = [
      { kind: 'add', pods: [p], source: 'api' },
      { kind: 'sandbox', pod: p },
      { kind: 'pleg', pod: p, type: 'ContainerStarted', cid: 'ab12' },
      { kind: 'pleg', pod: p, type: 'ContainerDied', cid: 'ab12' },
      { kind: 'status', pod: p, phase: 'Running', version: 2 },
      { kind: 'event', pod: p, reason: 'Pulled' },
      { kind: 'markRunning', pod: p },
      { kind: 'tracing', pod: p, probe: 'image_pulled', at: t - 1234, byUidOnly: false },
      { kind: 'observed', pod: p, created: created.get(s.pod)!, running: t - 1000, watch: t - 900, slo: 1.5, boot: BOOT },
      { kind: 'delete', pods: [p], source: 'api' },
      { kind: 'remove', pods: [p], source: 'api' },
      { kind: 'housekeeping' },
      { kind: 'noise' },
    ];
    return kubeletLine(enc, says[s.what], t, 0, 0) + '\n';
  });
  return { text: lines.join(''), end: t };
}

async function readLog(text: string): Promise<KubeletLogResult> {
  return readKubeletLog(chunksOf(Buffer.from(text), [4096]), { file: 'kubelet.log', year: YEAR });
}

/**
 * Two logs of different pods, the second an hour after the first: reading
 * them one after the other gives the events of the first, then those of the
 * second with their lines and byte offsets moved past the first.
 */
const kubeletConcat = target(
  'kubelet-concat',
  fc.tuple(fc.constantFrom<Encoding>('legacy', 'structured', 'json'), fc.array(step, { maxLength: 30 }), fc.array(step, { maxLength: 30 })),
  async ([enc, stepsA, stepsB]) => {
    const a = generated(enc, 'fuzz-a', START, stepsA);
    const b = generated(enc, 'fuzz-b', a.end + 3_600e6, stepsB);
    const [ra, rb, rab] = await Promise.all([readLog(a.text), readLog(b.text), readLog(a.text + b.text)]);
    const bytes = Buffer.byteLength(a.text);
    const moved = rb.events.map((e) => ({ ...e, ...(e.line !== undefined ? { line: e.line + ra.lines } : {}), ...(e.offset !== undefined ? { offset: e.offset + bytes } : {}) }));
    const same = (x: unknown, y: unknown, what: string) => must(JSON.stringify(x) === JSON.stringify(y), `${what} of A+B are not those of A then B:\n${JSON.stringify(x)}\n${JSON.stringify(y)}`);
    same(rab.events, [...ra.events, ...moved], 'events');
    same(rab.podStartups, [...ra.podStartups, ...rb.podStartups], 'pod startups');
    same(rab.pods, [...ra.pods, ...rb.pods], 'pods');
    must(rab.lines === ra.lines + rb.lines, 'lines of A+B are not the sum');
  },
  'two logs one after the other give the events, pods and startups of the first, then those of the second',
);

// ------------------------------------------------------------ targets

export const TARGETS: readonly FuzzTarget[] = [
  target('perfdata', textsLike(perfDataText, [perfFixture]), (text) => {
    const r = parsePerfDataText(text, { file: 'performance.json', line: 3 });
    checkPerf(r.perf, 'PerfData');
    named(r.warnings, 'performance.json');
  }),
  target('timeseries', textsLike(timeSeriesText, [seriesFixture]), (text) => {
    const r = parseTimeSeriesText(text, { file: 'time_series.json' });
    for (const times of Object.values(r.series?.opSeries ?? {})) for (const t of times) plausible(t, 'op_series');
    for (const s of Object.values(r.series?.resourceSeries ?? {})) {
      for (const t of s.ts) plausible(t, 'resource_series ts');
      finite([...s.cpu, ...s.memory], 'resource_series');
      must(s.ts.length === s.cpu.length && s.cpu.length === s.memory.length, 'ragged resource series kept');
    }
    named(r.warnings, 'time_series.json');
  }),
  target('prow', fc.tuple(textsLike(prowText, [startedFixture, finishedFixture]), textsLike(prowJobText, [PROWJOB])), ([text, job]) => {
    const started = parseStarted(text, 'started.json');
    const finished = parseFinished(text, 'finished.json');
    const prowjob = parseProwJob(job, 'prowjob.json');
    plausible(started.info.started, 'started.json');
    plausible(finished.info.finished, 'finished.json');
    const warnings: IngestWarning[] = [];
    const v = buildVersion([started.facts, finished.facts, prowjob.facts], warnings);
    must([v.version, v.commit, v.repo, v.pull].every((x) => x === undefined || typeof x === 'string'), 'a version field that is not a string');
    must(prowjob.info.prowUrl === undefined || /^https?:\/\/\S+$/.test(prowjob.info.prowUrl), `kept prow URL ${prowjob.info.prowUrl}`);
  }),
  target('junit', textsLike(fc.string(), [junitFixture]), (text) => {
    const r = parseJUnit(text, 'junit_01.xml');
    finite(r.cases.flatMap((c) => (c.timeSeconds === undefined ? [] : [c.timeSeconds])), 'junit');
    must(r.cases.every((c) => ['passed', 'failed', 'skipped'].includes(c.status)), 'a case of no known status');
    named(r.warnings, 'junit_01.xml');
  }),
  target(
    'buildlog',
    fc.tuple(linesLike(buildLogFixture.split('\n'), 80), chunking, fc.option(fc.integer({ min: EARLIEST_US, max: LATEST_US - 366 * 86_400e6 }), { nil: undefined })),
    async ([lines, sizes, buildTime]) => {
      const r = await parseBuildLog(readLines(chunksOf(Buffer.from(lines.join('\n')), sizes)), { file: 'build-log.txt', ...(buildTime === undefined ? {} : { buildTime }) });
      for (const p of r.perf) {
        checkPerf(p.perf, 'build-log perf block');
        plausible(p.loggedAt, 'build-log perf block');
      }
      for (const s of r.series) plausible(s.loggedAt, 'build-log series block');
      for (const s of r.specs) plausible(s.time, 'build-log spec');
      named(r.warnings, 'build-log.txt');
    },
  ),
  kubeletTarget('legacy'),
  kubeletTarget('structured'),
  kubeletTarget('json'),
  kubeletConcat,
  target('otlp', fc.tuple(linesLike(linesOf(TRACES), 12), chunking), async ([lines, sizes]) => {
    const r = await readTraceFile(chunksOf(Buffer.from(lines.join('\n')), sizes), { file: 'traces.jsonl' });
    checkEvents(r.events, 'trace');
    for (const s of r.spans) {
      plausible(s.start, 'span start');
      plausible(s.end, 'span end');
    }
    named(r.warnings, 'traces.jsonl');
  }),
  target('jobs', textsLike(jobsText, [JOBS]), (text) => {
    let jobs;
    try {
      jobs = parseJobsConfig(text, 'jobs.json');
    } catch (e) {
      must(e instanceof JobsConfigError, `threw ${String(e)}, not a JobsConfigError`);
      const message = (e as Error).message;
      must(message.startsWith('jobs.json: ') && !message.includes('\n'), `an error that does not name the file on one line: ${message}`);
      let syntax = false;
      try {
        JSON.parse(text);
      } catch {
        syntax = true;
      }
      must(!syntax || /^jobs\.json: line \d+, column \d+: /.test(message), `a JSON syntax error without its line: ${message}`);
      return;
    }
    must(jobs.every((j) => Number.isInteger(j.last) && j.last >= 1 && j.name !== '' && j.source !== ''), 'accepted an invalid job');
  }, 'returns valid jobs, or throws a JobsConfigError naming the file (and the line of a JSON syntax error) on one line'),
];
