import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJUnit } from '../../ingest/parsers/junit';
import { fixture } from './fixture';

const FILE = 'artifacts/junit_01.xml';

describe('parseJUnit on a Ginkgo junit_01.xml', () => {
  const { cases, warnings } = parseJUnit(fixture('junit_01.xml'), FILE);

  it('reads a passed, a failed and a skipped case with their names and times', () => {
    expect(warnings).toEqual([]);
    expect(cases.map((c) => [c.status, c.timeSeconds, c.classname])).toEqual([
      ['passed', 71.694, 'E2eNode Suite'],
      ['failed', 140.112, 'E2eNode Suite'],
      ['skipped', 0, 'E2eNode Suite'],
    ]);
    expect(cases[0].name).toBe(
      '[sig-node] Density [Serial] [Slow] create a batch of pods latency/resource should be within limit when create 10 pods with 0s interval [Benchmark]',
    );
    expect(cases[0].message).toBeUndefined();
  });

  it('keeps the failure and skip messages with entities decoded', () => {
    expect(cases[1].message).toBe('Told to stop trying after 120.001s.\npods "density-pod-17" not running');
    expect(cases[2].message).toBe('skipped');
  });
});

describe('parseJUnit variants', () => {
  it('reads a bare testsuite root (Ginkgo v1) with error and empty skipped children', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite tests="3" failures="1" time="1234.567">
  <testcase name="[k8s.io] Density [Serial] [Slow] create a batch of pods latency/resource should be within limit when create 35 pods with 0s interval [Benchmark]" classname="E2eNode Suite" time="140.112">
    <error type="Panic">/go/src/k8s.io/kubernetes/test/e2e_node/density_test.go:118
runtime error: index out of range</error>
  </testcase>
  <testcase name="[k8s.io] Kubelet Container Manager [Serial] Validate OOM score adjustments" classname="E2eNode Suite" time="0">
    <skipped></skipped>
  </testcase>
  <testcase name="[k8s.io] Density [Serial] [Slow] create a batch of pods latency/resource should be within limit when create 10 pods with 0s interval [Benchmark]" classname="E2eNode Suite" time="71.694"></testcase>
</testsuite>`;
    expect(parseJUnit(xml, FILE)).toEqual({
      cases: [
        {
          name: '[k8s.io] Density [Serial] [Slow] create a batch of pods latency/resource should be within limit when create 35 pods with 0s interval [Benchmark]',
          classname: 'E2eNode Suite',
          timeSeconds: 140.112,
          status: 'failed',
          message: '/go/src/k8s.io/kubernetes/test/e2e_node/density_test.go:118\nruntime error: index out of range',
        },
        {
          name: '[k8s.io] Kubelet Container Manager [Serial] Validate OOM score adjustments',
          classname: 'E2eNode Suite',
          timeSeconds: 0,
          status: 'skipped',
        },
        {
          name: '[k8s.io] Density [Serial] [Slow] create a batch of pods latency/resource should be within limit when create 10 pods with 0s interval [Benchmark]',
          classname: 'E2eNode Suite',
          timeSeconds: 71.694,
          status: 'passed',
        },
      ],
      warnings: [],
    });
  });

  it('falls back to the Ginkgo v2 status attribute when no child says', () => {
    const xml = '<testsuites><testsuite><testcase name="a" status="timedout" time="600"></testcase></testsuite></testsuites>';
    expect(parseJUnit(xml, FILE).cases).toEqual([{ name: 'a', timeSeconds: 600, status: 'failed' }]);
  });

  it('warns about a truncated file with its line and keeps the cases it could read', () => {
    const xml = '<testsuites>\n  <testsuite name="E2eNode Suite">\n    <testcase name="a" time="1"></testcase>\n    <testcase name="b" time="2">\n';
    const { cases, warnings } = parseJUnit(xml, FILE);
    expect(cases.map((c) => c.name)).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: FILE, line: 1 });
    expect(warnings[0].message).toMatch(/^malformed XML: /);
  });

  it('warns when the document has no testsuite', () => {
    expect(parseJUnit('<coverage/>', FILE)).toEqual({
      cases: [],
      warnings: [{ file: FILE, message: 'no testsuite or testsuites element' }],
    });
  });

  it('never throws on garbage (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('<testsuite>', '<testcase name="x">', '</testcase>', '<failure>', '<', '&#', ']]>', '<![CDATA[')), {
          maxLength: 20,
        }),
        (pieces) => {
          const r = parseJUnit(pieces.join(''), FILE);
          expect(r.cases.every((c) => c.name.length > 0)).toBe(true);
        },
      ),
    );
  });
});
