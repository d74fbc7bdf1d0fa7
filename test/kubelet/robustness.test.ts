import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixture, probesOf, readBuffer } from './helpers';
import fs from 'node:fs';

const ALL = Buffer.concat(
  fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.log') && f !== 'new-year.log')
    .sort()
    .map((f) => fixture(f)),
);
const NOISE = 'Mar 16 04:31:25 kind-worker kubelet[202]: I0316 04:31:25.100000     202 prober.go:107] "Probe succeeded" probeType="Readiness" pod="kube-system/coredns-668d6bf9bc-8dhxq" containerName="coredns"\n';

describe('gzip', () => {
  it('reads a gzipped log like the plain one, whatever the chunk sizes', async () => {
    const plain = await readBuffer(fixture('structured-1.27.log'));
    const gz = await readBuffer(gzipSync(fixture('structured-1.27.log')), {}, [1, 7, 300]);
    expect(gz).toEqual(plain);
  });

  it('keeps what a truncated gzip held before the cut, with a warning', async () => {
    const log = Buffer.concat([fixture('structured-1.27.log'), Buffer.from(NOISE.repeat(20_000))]);
    const gz = gzipSync(log);
    const r = await readBuffer(gz.subarray(0, Math.floor(gz.length * 0.8)));
    expect(probesOf(r, 'density-test/pod-0').pod_status_running).toBe('2025-03-16T04:31:22.705871Z');
    expect(r.lines).toBeGreaterThan(27);
    expect(r.lines).toBeLessThan(27 + 20_000);
    expect(r.warnings).toContainEqual({ file: 'kubelet.log', message: 'truncated gzip: kept what was read' });
  });
});

describe('unreadable lines', () => {
  it('skips lines of megabytes, with or without a marker, and keeps the rest', async () => {
    const log = fixture('structured-1.27.log').toString('utf8').split('\n');
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const withHuge = [...log.slice(0, 5), huge, `I0316 04:31:21.500000     202 kubelet.go:2474] "SyncLoop ADD" ${huge}`, ...log.slice(5)].join('\n');
    const plain = await readBuffer(fixture('structured-1.27.log'));
    const r = await readBuffer(Buffer.from(withHuge), {}, [64 * 1024]);
    expect(r.skipped).toBe(2);
    expect(r.lines).toBe(plain.lines + 2);
    // The two inserted lines move what follows them by two lines and their bytes.
    const shift = Buffer.byteLength(withHuge) - fixture('structured-1.27.log').length;
    expect(r.events.map(({ line, offset, ...e }) => ({ ...e, line: line! > 5 ? line! - 2 : line, offset: line! > 5 ? offset! - shift : offset }))).toEqual(plain.events);
  });

  it('skips binary lines and invalid UTF-8 holding a marker, and counts them', async () => {
    const binary = Buffer.concat([
      Buffer.from('I0316 04:31:20.000000     202 kubelet.go:2474] "SyncLoop ADD" source="api" pods=["density-test/'),
      Buffer.from([0, 1, 2, 0xff, 0xfe]),
      Buffer.from('"]\n'),
      Buffer.from([0x00, 0x00, 0x00, 0x0a]),
    ]);
    const r = await readBuffer(Buffer.concat([binary, fixture('structured-1.27.log')]));
    expect(r.skipped).toBe(2);
    expect(r.lines).toBe(29);
    expect(probesOf(r, 'density-test/pod-0').pod_config_change).toBe('2025-03-16T04:31:21.080604Z');
  });

  it('counts a last line without a line break', async () => {
    const r = await readBuffer(Buffer.from('I0316 04:31:21.080604     202 kubelet.go:2474] "SyncLoop ADD" source="api" pods=["a/b"]'), { year: 2025 });
    expect(r.lines).toBe(1);
    expect(probesOf(r, 'a/b')).toEqual({ pod_config_change: '2025-03-16T04:31:21.080604Z' });
  });
});

const fixtureLine = fc.constantFrom(...ALL.toString('utf8').split('\n').filter(Boolean));
const mutated = fc
  .tuple(fixtureLine, fc.nat(), fc.nat(), fc.string({ maxLength: 12 }))
  .map(([line, a, b, ins]) => {
    const i = a % (line.length + 1);
    const j = Math.min(line.length, i + (b % 20));
    return line.slice(0, i) + ins + line.slice(j);
  });
const anyLine = fc.oneof(fixtureLine, mutated, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));

describe('properties', () => {
  it('never throws on random and mutated lines, and counts every line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyLine, { maxLength: 60 }), fc.uint8Array({ maxLength: 64 }), async (lines, bytes) => {
        const text = lines.join('\n') + '\n';
        const r = await readBuffer(Buffer.concat([Buffer.from(text), Buffer.from(bytes)]), { year: 2025 });
        const expected = text.split('\n').length - 1 + (bytes.length > 0 && bytes.lastIndexOf(10) !== bytes.length - 1 ? 1 : 0) + bytes.filter((b) => b === 10).length;
        expect(r.lines).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same result however the input is chunked', async () => {
    const whole = await readBuffer(ALL, { year: 2025, maxLineBytes: 600 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 30 }), async (sizes) => {
        expect(await readBuffer(ALL, { year: 2025, maxLineBytes: 600 }, sizes)).toEqual(whole);
      }),
      { numRuns: 100 },
    );
    expect(whole.skipped).toBeGreaterThan(0);
    expect(whole.events.length).toBeGreaterThan(40);
  });

  it('gives the same result for mutated logs however they are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyLine, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }), async (lines, sizes) => {
        const buf = Buffer.from(lines.join('\n'));
        expect(await readBuffer(buf, { year: 2025, maxLineBytes: 150 }, sizes)).toEqual(await readBuffer(buf, { year: 2025, maxLineBytes: 150 }));
      }),
      { numRuns: 150 },
    );
  });
});
