import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpanCollector } from '../../ingest/parsers/otlp/collector';
import { readTraceLines } from '../../ingest/parsers/otlp/reader';
import { chunksOf } from '../kubelet/helpers';
import { fixture, line, probesOf, readTraceBuffer, TRACES } from './helpers';

const sync = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: 'a000000000000001',
  name: 'syncPod',
  kind: 1,
  startTimeUnixNano: '1773635480000000000',
  endTimeUnixNano: '1773635482000000000',
  attributes: [
    { key: 'k8s.pod.uid', value: { stringValue: 'uid-1' } },
    { key: 'k8s.pod', value: { stringValue: 'ns/p' } },
    { key: 'k8s.pod.update_type', value: { stringValue: 'create' } },
  ],
};
const call = (spanId: string, method: string, start: string, end: string | undefined, extra: object = {}) => ({
  traceId: sync.traceId,
  spanId,
  parentSpanId: sync.spanId,
  name: `runtime.v1.RuntimeService/${method}`,
  kind: 3,
  startTimeUnixNano: start,
  ...(end ? { endTimeUnixNano: end } : {}),
  ...extra,
});

describe('OTLP trace reader on bad input', () => {
  it('skips a truncated line, a span without end, values of no OTLP type and huge values, naming file and line; keeps the rest', async () => {
    const good = line('kubelet', [sync, call('a100000000000001', 'RunPodSandbox', '1773635480100000000', '1773635480400000000')]);
    const text = [
      good,
      good.slice(0, 120),
      line('kubelet', [
        call('a100000000000002', 'CreateContainer', '1773635480500000000', undefined),
        call('a100000000000003', 'StartContainer', '1773635480600000000', '1773635480700000000', {
          attributes: [
            { key: 'rpc.grpc.status_code', value: { uint64Value: '0' } },
            { key: 'container.name', value: { stringValue: 'x'.repeat(5000) } },
            { key: 'k8s.pod.update_type', value: { stringValue: 'create' } },
          ],
        }),
      ]),
      '[1,2,3]',
      '',
    ].join('\n');
    const r = await readTraceBuffer(Buffer.from(text));
    expect(probesOf(r, 'ns/p')).toEqual({
      sync_start: '2026-03-16T04:31:20.000000Z',
      sandbox_start: '2026-03-16T04:31:20.100000Z',
      sandbox_ready: '2026-03-16T04:31:20.400000Z',
      container_started_first: '2026-03-16T04:31:20.700000Z',
      container_started_last: '2026-03-16T04:31:20.700000Z',
      sync_done: '2026-03-16T04:31:22.000000Z',
    });
    // The truncated copy of line 1 is unreadable as a whole: none of its spans count twice.
    expect(r.stats).toMatchObject({ spans: 4, noEnd: 1, unknownAttributeTypes: 1, oversizedValues: 1, duplicates: 0 });
    expect([r.lines, r.skipped]).toEqual([4, 2]);
    expect(r.warnings).toEqual([
      { file: TRACES, line: 2, message: '2 lines are not OTLP JSON (first here): skipped' },
      { file: TRACES, line: 3, message: '1 span has no valid end time (first here): no probe or bar from it' },
      { file: TRACES, line: 3, message: '1 attribute has a value of no OTLP type (first here): skipped' },
      { file: TRACES, line: 3, message: '1 attribute value is longer than 1024 characters (first here): skipped' },
    ]);
    // A span without end still ties its children to the pod, but draws no bar.
    expect(r.spans.map((s) => s.name)).toEqual([
      'syncPod',
      'runtime.v1.RuntimeService/RunPodSandbox',
      'runtime.v1.RuntimeService/StartContainer',
    ]);
  });

  it('skips an oversized line and goes on with the next', async () => {
    const big = line('kubelet', [{ ...sync, name: 'x'.repeat(4000) }]);
    const text = [big, line('kubelet', [sync])].join('\n');
    const r = await readTraceBuffer(Buffer.from(text), [100], { maxLineBytes: 2000 });
    expect(probesOf(r, 'ns/p')).toEqual({ sync_start: '2026-03-16T04:31:20.000000Z' });
    expect(r.warnings).toEqual([{ file: TRACES, line: 1, message: '1 line is longer than the line limit (first here): skipped' }]);
  });

  it('counts bad ids, a repeated span and a parent that never came', async () => {
    const text = line('kubelet', [
      sync,
      sync,
      { ...sync, traceId: '0'.repeat(32) },
      { ...sync, spanId: 'not-an-id' },
      call('a100000000000009', 'StartContainer', '1773635480600000000', '1773635480700000000', { parentSpanId: 'ffffffffffffffff' }),
    ]);
    const r = await readTraceBuffer(Buffer.from(text));
    expect(r.stats).toMatchObject({ spans: 2, duplicates: 1, malformed: 2, noPod: 1, missingParent: 1 });
    expect(r.warnings.map((w) => w.message)).toEqual([
      '2 spans have no valid trace id, span id or start time (first here): skipped',
      '1 span repeats an id seen before (first here): the first one is kept',
      '1 of 2 spans belong to no pod sync (1 because a parent span is missing): counted, not probes',
    ]);
  });

  it('never throws on garbage: random bytes, random JSON, cut and mangled real lines', async () => {
    const real = fixture(TRACES);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
          fc.array(fc.jsonValue(), { maxLength: 20 }).map((vs) => Buffer.from(vs.map((v) => JSON.stringify({ resourceSpans: v })).join('\n'))),
          fc.tuple(fc.nat(real.length), fc.nat(real.length), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([cut, at, junk]) => {
            const b = Buffer.from(real.subarray(0, Math.max(cut, 1)));
            b.set(junk.subarray(0, Math.max(0, b.length - (at % b.length))), at % b.length);
            return b;
          }),
        ),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 }),
        async (buf, sizes) => {
          const r = await readTraceBuffer(buf, sizes);
          expect(r.events.every((e) => Number.isSafeInteger(e.time))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Every span of the fixture with the resource it came from. */
function fixtureSpans(): { service: string; span: object }[] {
  const out: { service: string; span: object }[] = [];
  for (const text of fixture(TRACES).toString('utf8').trim().split('\n')) {
    const doc = JSON.parse(text) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeSpans: { spans: object[] }[] }[];
    };
    for (const rs of doc.resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name')!.value.stringValue;
      for (const ss of rs.scopeSpans) for (const span of ss.spans) out.push({ service, span });
    }
  }
  return out;
}

/** What must not depend on how spans were laid out: probes and spans, without the lines they were read from. */
async function resolve(files: { service: string; span: object }[][][]) {
  const collector = new SpanCollector();
  for (const [i, lines] of files.entries()) {
    const text = lines.map((spans) => JSON.stringify({ resourceSpans: spans.map((s) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: s.service } }] }, scopeSpans: [{ spans: [s.span] }] })) })).join('\n');
    await readTraceLines(chunksOf(Buffer.from(text)), collector, { file: `traces-${i}.jsonl` });
  }
  const r = collector.finish();
  return {
    events: r.events.map(({ line: _, ...e }) => e),
    spans: r.spans.map(({ line: _, ...s }) => s),
    stats: r.stats,
  };
}

describe('OTLP span collector: layout does not matter', () => {
  it('splitting the same spans across lines and files, in any order, gives the same probes and spans', async () => {
    const all = fixtureSpans();
    const expected = await resolve([[all]]);
    expect(expected.events.length).toBe(15);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.integer({ min: 1, max: all.length }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        async (shuffled, cuts, nFiles) => {
          const lines: { service: string; span: object }[][] = [];
          let at = 0;
          for (let i = 0; at < shuffled.length; i++) {
            const n = cuts[i % cuts.length];
            lines.push(shuffled.slice(at, at + n));
            at += n;
          }
          const files: { service: string; span: object }[][][] = Array.from({ length: nFiles }, () => []);
          lines.forEach((l, i) => files[i % nFiles].push(l));
          expect(await resolve(files)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
