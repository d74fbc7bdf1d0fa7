// The byte-level reader against the reader it replaced (test/kubelet/oracle):
// the same events (probe, pod, uid, instance, time, line), pod startups, pods,
// warnings, line counts, skipped lines, clock offset and year, on every
// fixture and on generated logs; every event's offset is where its line
// starts; files read in pieces, by worker threads or not, gzip or not, give
// what one pass over a stream gives.
//
// Where the two readers differ on purpose, generated logs stay out of it
// (reader.ts says why; reader.test.ts pins the new behaviour): New Year crossings are counted
// between the first line holding a marker and the lines that yield facts, not
// between all lines holding a marker, so a generated log never jumps half a
// year, and keeps to one encoding (a klog line after the first JSON line sets
// no header year unless it yields a fact), and is not cut inside a marker (the
// first line holding a marker's first seven bytes counts as holding it); a
// JSON line that does not parse counts as unreadable only when it could yield
// a probe, so JSON logs get no lines cut short.
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKlogHeader, parseStructured } from '../../ingest/parsers/kubelet/klog';
import type { FactsData } from '../../ingest/parsers/kubelet/facts';
import { readPieces } from '../../ingest/parsers/kubelet/parallel';
import { stripPrefixes } from '../../ingest/parsers/kubelet/prefix';
import { readKubeletLog, readKubeletLogFile, type ReadKubeletLogOptions } from '../../ingest/parsers/kubelet/reader';
import { parseGoDuration } from '../../ingest/parsers/kubelet/time';
import type { KubeletLogResult } from '../../lib/model';
import { FIXTURES, chunksOf, fixture } from './helpers';
import { PREFIXES, line, type Encoding, type Pod, type Say } from './log-shapes';
import { parseKlogHeader as oracleHeader, parseStructured as oracleStructured } from './oracle/klog';
import { stripPrefixes as oracleStrip } from './oracle/prefix';
import { parseGoDuration as oracleDuration } from './oracle/time';
import { readKubeletLog as oracleRead } from './oracle/reader';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-kubelet-oracle-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let files = 0;
function tmpFile(bytes: Buffer): string {
  const file = path.join(tmp, `log-${files++}`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The result without the byte offsets, which the oracle does not know. */
function withoutOffsets(r: KubeletLogResult): KubeletLogResult {
  return { ...r, events: r.events.map(({ offset: _, ...e }) => e) };
}

/** Every event's offset starts its line. */
function expectOffsetsAtTheirLines(r: KubeletLogResult, log: Buffer): void {
  const starts = [0];
  for (let i = log.indexOf(10); i !== -1; i = log.indexOf(10, i + 1)) starts.push(i + 1);
  for (const e of r.events) expect(e.offset, `${e.probe} of ${e.pod} on line ${e.line}`).toBe(starts[e.line! - 1]);
}

async function expectLikeOracle(log: Buffer, opts: ReadKubeletLogOptions, sizes?: number[]): Promise<KubeletLogResult> {
  const expected = await oracleRead(chunksOf(log), opts);
  const got = await readKubeletLog(chunksOf(log, sizes), opts);
  expect(withoutOffsets(got)).toEqual(expected);
  expectOffsetsAtTheirLines(got, log);
  return got;
}

describe('the byte-level reader gives what the reader it replaced gave', () => {
  const names = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.log'));

  it.each(names)('on the fixture %s', async (name) => {
    const log = fixture(name);
    for (const opts of [{}, { year: 2024 }, { includeSystemPods: true }, { reference: Date.UTC(2025, 0, 1, 0, 10) * 1000 }]) {
      const got = await expectLikeOracle(log, { file: name, ...opts });
      expect(await readKubeletLogFile(path.join(FIXTURES, name), { file: name, ...opts })).toEqual(got);
    }
  });

  it('on every fixture at once, gzipped, split in pieces of a few bytes', async () => {
    const log = Buffer.concat(names.filter((n) => n !== 'new-year.log').map((n) => fixture(n)));
    const got = await expectLikeOracle(log, { file: 'all.log', year: 2025 }, [1, 3, 7]);
    const file = tmpFile(log);
    for (const pieceBytes of [1, 17, 500, 4096]) {
      expect(await readKubeletLogFile(file, { file: 'all.log', year: 2025, splitBytes: 0, pieceBytes, workers: 0 })).toEqual(got);
    }
    expect(await readKubeletLogFile(tmpFile(gzipSync(log)), { file: 'all.log', year: 2025 })).toEqual(got);
  });
});

// ------------------------------------------------------------ generated logs

const NAMES = ['pod-0', 'pod-1', 'pod-2', 'pod-3'];
const YEAR_US = 365 * 86_400e6;

interface Step {
  /** Which pod (NAMES, then a system pod, then a static pod), or a line of the node's own. */
  who: number;
  what: number;
  /** ms since the line before. */
  dt: number;
  prefix: number;
  garbage: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  who: fc.nat(7),
  what: fc.nat(99),
  dt: fc.oneof({ weight: 20, arbitrary: fc.nat(3000) }, { weight: 1, arbitrary: fc.integer({ min: 3_600_000, max: 5 * 86_400_000 }) }),
  prefix: fc.nat(7),
  garbage: fc.nat(99),
});

const scenario = fc.record({
  enc: fc.constantFrom<Encoding>('legacy', 'structured', 'json'),
  /** Prefixes this node's lines get (most logs have one kind, some a mix). */
  prefixes: fc.array(fc.nat(7), { minLength: 1, maxLength: 2 }),
  start: fc.oneof(
    fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2027, 0, 1) }),
    // the last minutes of a year
    fc.integer({ min: 2015, max: 2026 }).chain((y) => fc.integer({ min: Date.UTC(y, 11, 31, 23, 55), max: Date.UTC(y, 11, 31, 23, 59, 59) })),
  ),
  offsetQuarters: fc.integer({ min: -8, max: 8 }),
  steps: fc.array(step, { maxLength: 70 }),
  seed: fc.nat(),
  year: fc.option(fc.integer({ min: 2014, max: 2028 }), { nil: undefined }),
  referenceShiftDays: fc.option(fc.integer({ min: -90, max: 90 }), { nil: undefined }),
  includeSystemPods: fc.boolean(),
  maxLineBytes: fc.option(fc.integer({ min: 120, max: 600 }), { nil: undefined }),
  sizes: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 }),
  crlf: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** A node's log: pods added, started, probed, deleted and added again, the node's own SyncLoop lines, garbage. */
function generate(s: Scenario): Buffer {
  let rnd = s.seed || 1;
  const next = () => (rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0);
  const hex = (n: number) => Array.from({ length: n }, () => (next() >>> 7) % 16).map((d) => d.toString(16)).join('');
  const offsetUs = s.enc === 'json' ? 0 : s.offsetQuarters * 15 * 60e6;
  const boot = s.start * 1000 - 600e6;
  const pods: (Pod & { live: boolean; started: number; created: number })[] = [
    ...NAMES.map((name) => ({ namespace: 'density-4481', name })),
    { namespace: 'kube-system', name: 'kube-proxy-x7x9z' },
    { namespace: 'default', name: 'static-web-node-1' },
  ].map((p) => ({ ...p, uid: '', live: false, started: 0, created: 0 }));
  const parts: (string | Buffer)[] = [];
  let t = s.start * 1000;
  const say = (x: Say, prefix: number) => parts.push(line(s.enc, x, t, offsetUs, s.prefixes[prefix % s.prefixes.length]));
  const add = (p: (typeof pods)[number], prefix: number) => {
    p.uid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    p.live = true;
    p.started = 0;
    p.created = t;
    say({ kind: 'add', pods: [p], source: p.namespace === 'default' ? 'file' : 'api' }, prefix);
  };
  for (const st of s.steps) {
    t += st.dt * 1000 + (next() % 1000);
    if (st.garbage < 6) {
      const junk = [
        () => 'x'.repeat(next() % 900),
        () => Buffer.from(Array.from({ length: next() % 60 }, () => next() % 256)),
        () => {
          if (s.enc === 'json') return 'cut short';
          const whole = line(s.enc, { kind: 'add', pods: [pods[0]], source: 'api' }, t, offsetUs, 0);
          // Not inside the marker (see the top of this file).
          const marker = whole.indexOf('SyncLoop');
          const cut = next() % 90;
          return whole.slice(0, cut > marker && cut < marker + 8 ? marker + 8 : cut);
        },
        () => `W${String(next() % 99999).padStart(4, '0')} garbage SyncLoop (housekeeping) \u0000 Status for pod`,
        () => Buffer.from([0xe2, 0x28, 0xa1, 0x53, 0x79, 0x6e, 0x63, 0x4c, 0x6f, 0x6f, 0x70, 0x20, 0x41, 0x44, 0x44]),
        () => 'Started \uFFFD SyncLoop ADD',
      ][st.garbage];
      parts.push(junk());
      continue;
    }
    if (st.who >= 6) {
      say({ kind: (['housekeeping', 'housekeepingEnd', 'noise'] as const)[st.what % 3] }, st.prefix);
      continue;
    }
    const p = pods[st.who];
    if (!p.live) {
      if (st.what < 70) add(p, st.prefix);
      else say({ kind: 'noise' }, st.prefix);
      continue;
    }
    const w = st.what;
    const cid = hex(16);
    if (w < 10) say({ kind: 'sandbox', pod: p }, st.prefix);
    else if (w < 22) say({ kind: 'pleg', pod: p, type: 'ContainerStarted', cid }, st.prefix);
    else if (w < 27) say({ kind: 'pleg', pod: p, type: 'ContainerDied', cid }, st.prefix);
    else if (w < 33) say({ kind: 'status', pod: p, phase: 'Pending', version: 1 }, st.prefix);
    else if (w < 40) say({ kind: 'status', pod: p, phase: 'Running', version: 2 }, st.prefix);
    else if (w < 44) say({ kind: 'event', pod: p, reason: (['Started', 'Pulled', 'Killing'] as const)[w % 3] }, st.prefix);
    else if (w < 48) say({ kind: 'markRunning', pod: p }, st.prefix);
    else if (w < 54) {
      const running = Math.max(p.created, t - 300_000);
      say({ kind: 'observed', pod: p, created: p.created, running, watch: t - 900, slo: w === 53 ? -9223372034.854 : (running - p.created) / 1e6, boot }, st.prefix);
    } else if (w < 58) {
      const stranger = w === 57 ? { ...p, uid: '00000000-dead-beef-0000-000000000000' } : p;
      say({ kind: 'tracing', pod: stranger, probe: ['image_pulled', 'volume_mounted'][w % 2], at: t - 1234, byUidOnly: w % 2 === 0 }, st.prefix);
    } else if (w < 64) say({ kind: 'update', pods: [p], source: 'api' }, st.prefix);
    else if (w < 68) say({ kind: 'sync', pod: p }, st.prefix);
    else if (w < 71) say({ kind: 'syncProbe', pod: p }, st.prefix);
    else if (w < 74) say({ kind: 'infraRestart', pod: p }, st.prefix);
    else if (w < 77) say({ kind: 'reconcile', pods: [p], source: 'api' }, st.prefix);
    else if (w < 84) say({ kind: 'delete', pods: [p], source: 'api' }, st.prefix);
    else if (w < 90) {
      say({ kind: 'remove', pods: [p], source: 'api' }, st.prefix);
      p.live = false;
    } else if (w === 90) {
      // one line naming a pod twice, with two uids (two instances at the same moment)
      say({ kind: 'add', pods: [p, { ...p, uid: `${hex(8)}-1111-4000-a000-${hex(12)}` }], source: 'api' }, st.prefix);
    } else if (w < 95) {
      // one line for two pods
      const other = pods[(st.who + 1) % 4];
      if (!other.live) {
        other.uid = `${hex(8)}-0000-4000-a000-${hex(12)}`;
        other.live = true;
        other.created = t;
      }
      say({ kind: w % 2 ? 'add' : 'update', pods: [p, other], source: 'api' }, st.prefix);
    } else say({ kind: 'housekeeping' }, st.prefix);
  }
  const nl = Buffer.from(s.crlf ? '\r\n' : '\n');
  return Buffer.concat(parts.flatMap((x, i) => (i < parts.length - 1 || next() % 2 ? [Buffer.from(x), nl] : [Buffer.from(x)])));
}

function optionsOf(s: Scenario): ReadKubeletLogOptions {
  return {
    file: 'kubelet.log',
    ...(s.year !== undefined ? { year: s.year } : {}),
    ...(s.referenceShiftDays !== undefined ? { reference: s.start * 1000 + s.referenceShiftDays * 86_400e6 } : {}),
    ...(s.includeSystemPods ? { includeSystemPods: true } : {}),
    ...(s.maxLineBytes !== undefined ? { maxLineBytes: s.maxLineBytes } : {}),
  };
}

describe('generated logs', () => {
  it('of every encoding and prefix, with garbage, New Year, deletes and re-adds: the same as the oracle', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const log = generate(s);
        await expectLikeOracle(log, optionsOf(s), s.sizes);
      }),
      { numRuns: 300 },
    );
  });

  it('read from a file in pieces of any size, or gzipped: the same as from a stream', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer({ min: 1, max: 3000 }), async (s, pieceBytes) => {
        const log = generate(s);
        const opts = optionsOf(s);
        const whole = await readKubeletLog(chunksOf(log), opts);
        expect(await readKubeletLogFile(tmpFile(log), { ...opts, splitBytes: 0, pieceBytes, workers: 0 })).toEqual(whole);
        expect(await readKubeletLogFile(tmpFile(gzipSync(log)), opts)).toEqual(whole);
      }),
      { numRuns: 120 },
    );
  });

  it('crosses New Year between facts hours apart, and the oracle agrees', async () => {
    const s = fc.sample(scenario, { seed: 7, numRuns: 1 })[0];
    const log = generate({ ...s, enc: 'structured', start: Date.UTC(2024, 11, 31, 23, 58), steps: Array.from({ length: 40 }, (_, i) => ({ who: i % 4, what: (i * 37) % 100, dt: 9_000, prefix: i, garbage: 50 })) });
    const r = await expectLikeOracle(log, { file: 'kubelet.log', year: 2024 });
    const years = new Set(r.events.map((e) => new Date(e.time / 1000).getUTCFullYear()));
    expect(years).toEqual(new Set([2024, 2025]));
  });

  it('split across worker threads: the same facts as one thread, piece for piece, and the same result', async () => {
    const s = fc.sample(scenario, { seed: 11, numRuns: 1 })[0];
    const steps = fc.sample(step, { seed: 12, numRuns: 4000 });
    const log = generate({ ...s, enc: 'structured', start: Date.UTC(2025, 2, 16), steps, year: undefined, maxLineBytes: undefined });
    const file = tmpFile(log);
    const pieces = { pieceBytes: 7_919, maxLineBytes: 256 * 1024 };
    const hereFacts: FactsData[] = [];
    const here = await readPieces(file, log.length, { ...pieces, threads: false }, (d) => hereFacts.push(d));
    const thereFacts: FactsData[] = [];
    const there = await readPieces(file, log.length, { ...pieces, threads: true, workers: 2, inThisThread: false }, (d) => thereFacts.push(d));
    expect(there.byWorkers).toBe(here.pieces);
    expect(thereFacts).toEqual(hereFacts);

    const one = await readKubeletLogFile(file, { file: 'kubelet.log' });
    expect(one.events.length).toBeGreaterThan(500);
    expect(await readKubeletLogFile(file, { file: 'kubelet.log', splitBytes: 0, pieceBytes: 7_919, workers: 2 })).toEqual(one);
  });
});

describe('dates far apart', () => {
  it('keeps a log whose facts are months apart in order', async () => {
    const s = fc.sample(scenario, { seed: 3, numRuns: 1 })[0];
    const log = generate({ ...s, enc: 'structured', start: Date.UTC(2025, 1, 1), steps: Array.from({ length: 30 }, (_, i) => ({ who: i % 4, what: 20, dt: i === 15 ? YEAR_US / 1000 / 5 : 1000, prefix: 0, garbage: 50 })) });
    await expectLikeOracle(log, { file: 'kubelet.log' });
  });
});

// ------------------------------------------------------------ the parts


const two = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
const header = fc
  .tuple(
    fc.constantFrom('I', 'W', 'E', 'F', 'I', 'X'),
    fc.oneof({ weight: 5, arbitrary: fc.tuple(two(1, 12), two(1, 31)) }, { weight: 1, arbitrary: fc.tuple(two(0, 13), two(0, 32)) }).map(([m, d]) => m + d),
    fc.tuple(two(0, 23), two(0, 59), two(0, 59), fc.stringMatching(/^\d{6}$/)).map(([h, m, sec, us]) => ` ${h}:${m}:${sec}.${us}`),
    fc.constantFrom(' ', '    ', '    ', '\t', '\u00a0', '\u2003', ''),
    fc.constantFrom('1843', '202', '1843', '', '12a'),
    fc.constantFrom(' ', '  ', ' ', '\u3000', ''),
    fc.constantFrom('kubelet.go:2474', 'a:1:23', 'kubelet.go:2474', ':12', 'x:', 'util.go:30', 'f g.go:1', 'k]s.go:2'),
    fc.constantFrom('] ', ']', '] ', ' ]', '', ']  '),
    fc.string({ maxLength: 30 }),
  )
  .map((parts) => parts.join(''));
const mutate = (s: string) =>
  fc.tuple(fc.nat(), fc.nat(8), fc.string({ unit: 'binary', maxLength: 4 })).map(([i, n, ins]) => {
    const at = i % (s.length + 1);
    return s.slice(0, at) + ins + s.slice(at + n);
  });

const PREFIXES_SAMPLE = PREFIXES.map((p) => p(Date.UTC(2025, 2, 6, 4, 31, 21) * 1000));
const prefixed = fc.tuple(fc.constantFrom(...PREFIXES_SAMPLE), header).map(([p, h]) => p + h);

describe('the parts that no longer run regular expressions read lines as the old ones did', () => {
  it('klog headers', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 6, arbitrary: header }, { weight: 2, arbitrary: header.chain(mutate) }, { weight: 1, arbitrary: fc.string() }), (text) => {
        const old = oracleHeader(text);
        const got = parseKlogHeader(text);
        expect(got).toEqual(old && { month: old.month, day: old.day, usOfDay: ((old.hh * 60 + old.mm) * 60 + old.ss) * 1e6 + old.us, message: old.message });
        if (old) read++;
      }),
      { numRuns: 5000 },
    );
    // Headers that read, not only ones that do not.
    expect(read).toBeGreaterThan(250);
  });

  it('prefixes', () => {
    let stripped = 0;
    fc.assert(
      fc.property(fc.oneof(prefixed, prefixed.chain(mutate), fc.string()), (text) => {
        expect(stripPrefixes(text)).toBe(oracleStrip(text));
        if (oracleStrip(text) !== text) stripped++;
      }),
      { numRuns: 5000 },
    );
    expect(stripped).toBeGreaterThan(1000);
  });

  it('structured records, whatever keys are asked for in whatever order', () => {
    let found = 0;
    const record = fc
      .array(
        fc.tuple(
          fc.constantFrom('pod', 'pods', 'event', 'status', 'source', 'podUID', 'a b', '', 'x\u00a0y'),
          fc.constantFrom('"density/pod-1"', '"a\\"b"', '["ns/a","ns/b"]', '[ns/a ns/b]', '{"ID":"u","Type":"ContainerStarted"}', '&{ID:u Type:ContainerStarted}', 'plain', '"unterminated', '{"open":', '"\\x00"'),
        ),
        { maxLength: 6 },
      )
      .map((pairs) => `"SyncLoop ADD"` + pairs.map(([k, v]) => ` ${k}=${v}`).join(''));
    fc.assert(
      fc.property(fc.oneof(record, record.chain(mutate)), fc.shuffledSubarray(['pod', 'pods', 'event', 'status', 'source', 'podUID', 'nope']), (text, keys) => {
        const old = oracleStructured(text);
        const got = parseStructured(text);
        expect(got === undefined).toBe(old === undefined);
        if (!old || !got) return;
        expect(got.msg).toBe(old.msg);
        for (const k of keys) {
          expect(got.raw(k)).toEqual(old.raw(k));
          expect(got.get(k)).toEqual(old.get(k));
          if (old.raw(k) !== undefined) found++;
        }
      }),
      { numRuns: 5000 },
    );
    expect(found).toBeGreaterThan(1000);
  });

  it('Go durations', () => {
    const duration = fc
      .tuple(fc.constantFrom('', '-', '+', ' '), fc.stringMatching(/^\d{0,4}(\.\d{0,9})?(e[+-]?\d)?$/), fc.constantFrom('s', 'ms', 'm', 'h', 'µs', 'x', ''), fc.constantFrom('', '2.5s', 's', ' '))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(duration, fc.string({ maxLength: 12 })), (text) => {
        expect(parseGoDuration(text)).toBe(oracleDuration(text));
      }),
      { numRuns: 5000 },
    );
  });
});
