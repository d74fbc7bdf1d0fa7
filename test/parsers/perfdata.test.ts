import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePerfData, parsePerfDataText } from '../../ingest/parsers/perfdata';
import { fixture } from './fixture';

const FILE = 'artifacts/performance-e2e-density_create_batch_105_0_0.json';
const text = fixture('performance-e2e-density_create_batch_105_0_0.json');

describe('parsePerfDataText on a v2 performance-*.json', () => {
  const { perf, warnings } = parsePerfDataText(text, { file: FILE });

  it('keeps the version, the top-level labels and all four item kinds', () => {
    expect(warnings).toEqual([]);
    expect(perf?.version).toBe('v2');
    expect(perf?.labels).toEqual({
      node: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
      test: 'density_create_batch_105_0_0',
      image: 'cos-stable-109-17800-66-15',
      machine: 'cpu:2core,memory:7.5GB',
      desc: 'create 105 pods with 0s interval [Benchmark]',
      timestamp: '1700215200',
    });
    expect(perf?.dataItems.map((i) => [i.labels.datatype, i.labels.container ?? '', i.unit])).toEqual([
      ['latency', '', 'ms'],
      ['throughput', '', 'pods/min'],
      ['resource', 'kubelet', 'mCPU'],
      ['resource', 'runtime', 'MB'],
    ]);
  });

  it('keeps every stat with its exact value', () => {
    expect(perf?.dataItems[0].data).toEqual({ Perc50: 1843.2, Perc90: 2950.1, Perc99: 3310.7, Perc100: 3402.0 });
    expect(perf?.dataItems[1].data).toEqual({ batch: 12.4, 'single-worst': 8.1 });
    expect(perf?.dataItems[2].data.Perc95).toBe(33.0);
    expect(perf?.dataItems[3]).toEqual({
      data: { memory: 61.3, rss: 38.9, workingset: 52.0 },
      unit: 'MB',
      labels: {
        node: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
        container: 'runtime',
        datatype: 'resource',
        resource: 'memory',
      },
    });
  });
});

describe('parsePerfData on damaged values', () => {
  const origin = { file: 'build-log.txt', line: 155 };

  it('drops a non-numeric stat with a warning and keeps the rest of the item', () => {
    const { perf, warnings } = parsePerfData(
      {
        version: 'v1',
        dataItems: [{ data: { Perc50: 1843.2, Perc99: 'NaN', Perc100: null }, unit: 'ms', labels: { datatype: 'latency' } }],
        labels: { test: 'density_create_batch_105_0_0' },
      },
      origin,
    );
    expect(perf?.dataItems).toEqual([{ data: { Perc50: 1843.2 }, unit: 'ms', labels: { datatype: 'latency' } }]);
    expect(warnings).toEqual([
      { file: 'build-log.txt', line: 155, message: 'dataItems[0]: stat "Perc99" is not a number ("NaN"); dropped' },
      { file: 'build-log.txt', line: 155, message: 'dataItems[0]: stat "Perc100" is not a number (null); dropped' },
    ]);
  });

  it('drops items without data or without any numeric stat, and keeps the others', () => {
    const { perf, warnings } = parsePerfData(
      {
        version: 'v2',
        dataItems: [
          { unit: 'ms', labels: {} },
          { data: { batch: 'fast' }, unit: 'pods/min', labels: {} },
          'latency',
          { data: { batch: 12.4 }, unit: 'pods/min', labels: { datatype: 'throughput' } },
        ],
      },
      origin,
    );
    expect(perf?.dataItems).toEqual([{ data: { batch: 12.4 }, unit: 'pods/min', labels: { datatype: 'throughput' } }]);
    expect(perf?.labels).toEqual({});
    expect(warnings.map((w) => w.message)).toEqual([
      'dataItems[0]: no data object; dropped',
      'dataItems[1]: stat "batch" is not a number ("fast"); dropped',
      'dataItems[1]: no numeric stats; dropped',
      'dataItems[2]: not an object; dropped',
    ]);
  });

  it('keeps an unknown version with a warning', () => {
    const { perf, warnings } = parsePerfData({ version: 'v3', dataItems: [] }, origin);
    expect(perf).toEqual({ version: 'v3', dataItems: [], labels: {} });
    expect(warnings).toEqual([{ file: 'build-log.txt', line: 155, message: 'unknown version "v3"; kept' }]);
  });

  it('writes numeric labels as strings and drops nested ones', () => {
    const { perf, warnings } = parsePerfData(
      { version: 'v2', dataItems: [], labels: { timestamp: 1700215200, test: 'resource_0', extra: { a: 1 } } },
      origin,
    );
    expect(perf?.labels).toEqual({ timestamp: '1700215200', test: 'resource_0' });
    expect(warnings.map((w) => w.message)).toEqual(['labels: label "extra" is not a string; dropped']);
  });

  it('skips a value that is not PerfData', () => {
    expect(parsePerfData([1, 2], origin)).toEqual({
      warnings: [{ file: 'build-log.txt', line: 155, message: 'PerfData is not a JSON object; skipped' }],
    });
    expect(parsePerfData({ version: 'v2', dataItems: {} }, origin)).toEqual({
      warnings: [{ file: 'build-log.txt', line: 155, message: 'PerfData has no dataItems array; skipped' }],
    });
  });
});

describe('parsePerfDataText on malformed JSON', () => {
  it('warns with the file line of the error, counted from the text start line', () => {
    const text = '{\n  "version": "v1",\n  "dataItems": [\n    { "data": { "Perc50": 1843.2, } }\n  ]\n}';
    const { perf, warnings } = parsePerfDataText(text, { file: 'build-log.txt', line: 232 });
    expect(perf).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].line).toBe(235);
    expect(warnings[0].message).toMatch(/^malformed JSON: /);
  });

  it('warns at the line of an unexpected token, which V8 does not locate', () => {
    const text = '{\n  "version": "v2",\n  "dataItems": [ oops\n  ]\n}';
    const { warnings } = parsePerfDataText(text, { file: FILE });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: FILE, line: 3 });
    expect(warnings[0].message).not.toContain('\n');
  });

  it('warns at the last line when the text simply ends', () => {
    const { warnings } = parsePerfDataText('{\n  "dataItems": [', { file: FILE });
    expect(warnings).toEqual([{ file: FILE, line: 2, message: 'malformed JSON: Unexpected end of JSON input' }]);
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parsePerfDataText(text, { file: FILE });
        expect(Array.isArray(r.warnings)).toBe(true);
      }),
    );
  });

  it('never throws, whatever the JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = parsePerfData({ version: 'v2', dataItems: [value], labels: value }, { file: FILE });
        expect(r.perf?.dataItems.length ?? 0).toBeLessThanOrEqual(1);
      }),
    );
  });
});
