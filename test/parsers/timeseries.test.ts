import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimeSeries, parseTimeSeriesText } from '../../ingest/parsers/timeseries';
import { fixture } from './fixture';

const FILE = 'artifacts/time_series-e2e-density_create_batch_10_0_0.json';
const text = fixture('time_series-e2e-density_create_batch_10_0_0.json');

describe('parseTimeSeriesText on a v2 time_series-*.json', () => {
  const { series, warnings } = parseTimeSeriesText(text, { file: FILE });

  it('turns op_series nanoseconds into microseconds, one per pod', () => {
    expect(warnings).toEqual([]);
    expect(series?.version).toBe('v2');
    expect(series?.opSeries.create).toHaveLength(10);
    expect(series?.opSeries.create[0]).toBe(1_700_215_100_000_000);
    expect(series?.opSeries.create[9]).toBe(1_700_215_100_036_000);
    expect(series?.opSeries.running.slice(0, 2)).toEqual([1_700_215_101_512_000, 1_700_215_101_535_000]);
  });

  it('keeps each container’s samples with their units', () => {
    expect(series?.resourceSeries.kubelet).toEqual({
      ts: [1_700_215_099_000_000, 1_700_215_104_000_000, 1_700_215_109_000_000, 1_700_215_114_000_000],
      cpu: [31, 142, 97, 40],
      memory: [40, 44, 46, 46],
      unit: { cpu: 'mCPU', memory: 'MB' },
    });
    expect(Object.keys(series?.resourceSeries ?? {})).toEqual(['kubelet', 'runtime']);
    expect(series?.labels.test).toBe('density_create_batch_10_0_0');
  });
});

describe('parseTimeSeries on damaged values', () => {
  const origin = { file: 'build-log.txt', line: 55 };

  it('truncates ragged arrays to the shortest, with a warning', () => {
    const { series, warnings } = parseTimeSeries(
      {
        op_series: {},
        resource_series: {
          runtime: {
            ts: [1479378785000000000, 1479378790000000000, 1479378795000000000],
            cpu: [12, 88],
            memory: [58, 63, 66],
          },
        },
        labels: {},
        version: 'v1',
      },
      origin,
    );
    expect(series?.resourceSeries.runtime).toEqual({
      ts: [1_479_378_785_000_000, 1_479_378_790_000_000],
      cpu: [12, 88],
      memory: [58, 63],
      unit: { cpu: 'mCPU', memory: 'MB' },
    });
    expect(warnings).toEqual([
      {
        file: 'build-log.txt',
        line: 55,
        message: 'resource_series.runtime: ts, cpu and memory have 3, 2 and 3 samples; truncated to 2',
      },
    ]);
  });

  it('drops non-numeric samples and op times, keeps string nanoseconds exactly, and sorts op times', () => {
    const { series, warnings } = parseTimeSeries(
      {
        op_series: { running: ['1479378791523456789', 1479378790000000000, 'soon'] },
        resource_series: { kubelet: { ts: [1479378785000000000, 1479378790000000000], cpu: [31, null], memory: [40, 44] } },
        version: 'v1',
      },
      origin,
    );
    expect(series?.opSeries.running).toEqual([1_479_378_790_000_000, 1_479_378_791_523_457]);
    expect(series?.resourceSeries.kubelet.ts).toEqual([1_479_378_785_000_000]);
    expect(warnings.map((w) => w.message)).toEqual([
      'op_series.running: 1 non-numeric value(s) dropped',
      'resource_series.kubelet: 1 sample(s) with a non-numeric value dropped',
    ]);
  });

  it('drops a container without its arrays and keeps the others', () => {
    const { series, warnings } = parseTimeSeries(
      { resource_series: { kubelet: { ts: [], cpu: [], memory: [] }, runtime: { cpu: [1] } }, version: 'v2' },
      origin,
    );
    expect(Object.keys(series?.resourceSeries ?? {})).toEqual(['kubelet']);
    expect(warnings.map((w) => w.message)).toEqual(['resource_series.runtime lacks a ts, cpu or memory array; dropped']);
  });

  it('skips values that are not NodeTimeSeries', () => {
    expect(parseTimeSeries('x', origin).series).toBeUndefined();
    expect(parseTimeSeries({ version: 'v2', dataItems: [] }, origin)).toEqual({
      warnings: [{ file: 'build-log.txt', line: 55, message: 'NodeTimeSeries has neither op_series nor resource_series; skipped' }],
    });
  });

  it('never throws, whatever the text or value (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.jsonValue(), (text, value) => {
        expect(Array.isArray(parseTimeSeriesText(text, { file: FILE }).warnings)).toBe(true);
        const r = parseTimeSeries({ op_series: value, resource_series: { kubelet: value } }, { file: FILE });
        expect(Array.isArray(r.warnings)).toBe(true);
      }),
    );
  });
});
