// What the parser fuzzers found, pinned: times outside 2000–2100 that parsers
// used to keep are dropped with a warning naming the file.
import { describe, expect, it } from 'vitest';
import { parseBuildLog } from '../../ingest/parsers/buildlog';
import { readLines } from '../../ingest/parsers/lines';
import { parseTimeSeriesText } from '../../ingest/parsers/timeseries';
import { parseJobsConfig } from '../../ingest/sync/config';
import { EARLIEST_US } from '../../ingest/parsers/plausible';
import { chunksOf, readBuffer } from '../kubelet/helpers';

describe('jobs.json errors found by fuzzing', () => {
  it('a syntax error early in a long file is one line naming the file, the line and the column', () => {
    const text = `{"jobs":\n x${' '.repeat(60)}\n]}`;
    expect(() => parseJobsConfig(text, 'jobs.json')).toThrow(/^jobs\.json: line 2, column 2: invalid JSON: Unexpected token 'x'$/);
  });
});

describe('implausible times found by fuzzing', () => {
  it('a JSON kubelet log line stamped 1970 yields no probe event, with a warning at its line', async () => {
    const log = [
      '{"ts":123456,"caller":"kubelet/kubelet.go:1932","msg":"SyncLoop ADD","v":2,"source":"api","pods":["density-1/pod-s"]}',
      '{"ts":1609459200.5,"caller":"kuberuntime/kuberuntime_manager.go:467","msg":"No sandbox for pod can be found. Need to start a new one","v":4,"pod":"density-1/pod-s"}',
    ].join('\n');
    const r = await readBuffer(Buffer.from(log));
    expect(r.events.map((e) => [e.probe, e.time])).toEqual([['runtime_manager', 1609459200_500000]]);
    expect(r.warnings).toContainEqual({ file: 'kubelet.log', line: 1, message: '1 probe events at a time outside 2000–2100 dropped' });
  });

  it('a time series keeps no op time or sample at Unix time 0', () => {
    const text = JSON.stringify({
      version: 'v2',
      op_series: { running: [0, 1700215200000000000] },
      resource_series: { kubelet: { ts: [0, 1700215200000000000], cpu: [1, 2], memory: [3, 4] } },
    });
    const r = parseTimeSeriesText(text, { file: 'time_series.json' });
    expect(r.series?.opSeries).toEqual({ running: [1700215200000000] });
    expect(r.series?.resourceSeries.kubelet).toMatchObject({ ts: [1700215200000000], cpu: [2], memory: [4] });
    expect(r.warnings.map((w) => w.message)).toEqual([
      'op_series.running: 1 time(s) outside 2000–2100 dropped',
      'resource_series.kubelet: 1 sample(s) at a time outside 2000–2100 dropped',
    ]);
  });

  it('a yearless build-log line of a build started on Jan 1 2000 resolves to 1999: its time is left unknown', async () => {
    const line = 'I1117 10:38:00.121] [It] create 105 pods with 0s interval [Benchmark]';
    const r = await parseBuildLog(readLines(chunksOf(Buffer.from(line))), { file: 'build-log.txt', buildTime: EARLIEST_US });
    expect(r.specs).toEqual([{ description: 'create 105 pods with 0s interval [Benchmark]', line: 1 }]);
    expect(r.warnings).toEqual([{ file: 'build-log.txt', message: 'the times of 1 block(s) or spec(s) fall outside 2000–2100; left unknown' }]);
  });
});
