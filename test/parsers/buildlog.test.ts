import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBuildLog, type BuildLogResult } from '../../ingest/parsers/buildlog';
import { readLines } from '../../ingest/parsers/lines';
import { fixture } from './fixture';

const FILE = 'build-log.txt';
/** started.json of the fixture build: 2016-11-17T10:20:00Z. */
const BUILD_TIME = 1_479_378_000_000_000;
const log = fixture('build-log-v1.txt');

async function* chunks(items: (string | Buffer)[]): AsyncGenerator<string | Buffer> {
  yield* items;
}

function parse(text: string | (string | Buffer)[], buildTime?: number): Promise<BuildLogResult> {
  const items = typeof text === 'string' ? [text] : text;
  return parseBuildLog(readLines(chunks(items)), { file: FILE, buildTime });
}

/** `Date.UTC` in microseconds. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) * 1000;
}

describe('parseBuildLog on a v1 build log with CI prefixes on every line', () => {
  const result = parse(log, BUILD_TIME);

  it('reads the perf data block of the 105-pod test, its time and its [It] text', async () => {
    const { perf } = await result;
    const block = perf.find((p) => p.perf.labels.test === 'density_create_batch_105_0_0');
    expect(block).toMatchObject({
      file: FILE,
      line: 155,
      loggedAt: utc(2016, 11, 17, 10, 40, 1, 512),
      itDescription: 'create 105 pods with 0s interval [Benchmark]',
    });
    expect(block?.perf.version).toBe('v1');
    expect(block?.perf.dataItems[0].data).toEqual({ Perc50: 1843.2, Perc90: 2950.1, Perc99: 3310.7, Perc100: 3402.0 });
    expect(block?.perf.dataItems[3].data).toEqual({ memory: 61.3, rss: 38.9, workingset: 52.0 });
    expect(block?.perf.labels.node).toBe('n1-standard-2-cos-stable-55-8872-76-0-4b1f2c3d');
  });

  it('keeps every complete block, the retried one included, and warns about the one cut short by a STEP line', async () => {
    const { perf, series, warnings, blocks } = await result;
    expect(blocks).toBe(5);
    expect(perf.map((p) => [p.line, p.perf.labels.test, p.perf.dataItems[0].data.Perc99])).toEqual([
      [19, 'density_create_batch_10_0_0', 1702.3],
      [155, 'density_create_batch_105_0_0', 3310.7],
      [251, 'density_create_batch_35_0_0', 2355.5],
    ]);
    expect(perf[2].loggedAt).toBe(utc(2016, 11, 17, 10, 46, 2, 331));
    expect(series.map((s) => s.line)).toEqual([55]);
    expect(warnings).toEqual([
      {
        file: FILE,
        line: 232,
        message:
          '[Result:Performance] block cut short at line 241 by "STEP: Destroying namespace "e2e-tests-density-test-k3m1z" for this suite."; skipped',
      },
    ]);
  });

  it('reads the time series block', async () => {
    const [ts] = (await result).series;
    expect(ts.loggedAt).toBe(utc(2016, 11, 17, 10, 34, 12, 880));
    expect(ts.itDescription).toBe('create 10 pods with 0s interval [Benchmark]');
    expect(ts.series.opSeries.create[0]).toBe(utc(2016, 11, 17, 10, 33, 10, 0));
    expect(ts.series.opSeries.running[9]).toBe(utc(2016, 11, 17, 10, 33, 11, 707));
    expect(ts.series.resourceSeries.runtime.cpu).toEqual([12, 88, 61, 15]);
  });

  it('lists the specs with their line and time, and the run summary', async () => {
    const { specs, summary } = await result;
    expect(specs).toEqual([
      { description: 'create 10 pods with 0s interval [Benchmark]', line: 16, time: utc(2016, 11, 17, 10, 33, 1, 207) },
      { description: 'create 105 pods with 0s interval [Benchmark]', line: 152, time: utc(2016, 11, 17, 10, 38, 0, 121) },
      { description: 'create 35 pods with 0s interval [Benchmark]', line: 229, time: utc(2016, 11, 17, 10, 41, 0, 502) },
      { description: 'create 35 pods with 0s interval [Benchmark]', line: 248, time: utc(2016, 11, 17, 10, 43, 21, 2) },
    ]);
    expect(summary).toEqual({ ran: 12, total: 300, passed: false });
  });

  it('reads the same log without prefixes, or with ISO or bracketed stamps, the same way', async () => {
    const base = await result;
    const bare = log.replace(/^I1117 (\d{2}:\d{2}:\d{2}\.\d{3})\] ?/gm, '');
    const iso = log.replace(/^I1117 (\d{2}:\d{2}:\d{2}\.\d{3})\] ?/gm, '2016-11-17T$1Z ');
    const bracketed = log.replace(/^I1117 (\d{2}:\d{2}:\d{2})\.\d{3}\] ?/gm, '[2016-11-17 $1] ');
    for (const variant of [bare, iso, bracketed]) {
      const r = await parse(variant, BUILD_TIME);
      expect(r.perf).toEqual(base.perf);
      expect(r.series).toEqual(base.series);
      expect(r.warnings).toEqual(base.warnings);
    }
  });
});

describe('parseBuildLog years and times', () => {
  const block = (stamp: string) =>
    `${stamp}: INFO: [Result:Performance] {\n  "version": "v1",\n  "dataItems": [],\n  "labels": {"test": "resource_0"}\n}\n[Finish:Performance]\n`;

  it('puts a Jan 1 line of a build started on Dec 31 in the next year', async () => {
    const { perf } = await parse(block('Jan  1 00:00:02.100'), utc(2016, 12, 31, 23, 50, 0, 0));
    expect(perf[0].loggedAt).toBe(utc(2017, 1, 1, 0, 0, 2, 100));
  });

  it('puts a Dec 31 line of a build started on Jan 1 in the previous year', async () => {
    const { perf } = await parse(block('Dec 31 23:59:58.000'), utc(2017, 1, 1, 0, 0, 5, 0));
    expect(perf[0].loggedAt).toBe(utc(2016, 12, 31, 23, 59, 58, 0));
  });

  it('without a build time, takes the year from the first dated fact, even one printed later', async () => {
    const text =
      block('Nov 17 10:40:01.512') +
      '  STEP: Destroying namespace "e2e-tests-density-test-x2l5p" @ 11/17/23 10:40:09.301\n';
    const { perf, warnings } = await parse(text);
    expect(perf[0].loggedAt).toBe(utc(2023, 11, 17, 10, 40, 1, 512));
    expect(warnings).toEqual([]);
  });

  it('uses a v2 timestamp label as a dated fact', async () => {
    const text =
      'Nov 17 09:59:58.020: INFO: [Result:Performance] {"version": "v2", "dataItems": [], "labels": {"timestamp": "1700215200"}}\n';
    expect((await parse(text)).perf[0].loggedAt).toBe(utc(2023, 11, 17, 9, 59, 58, 20));
  });

  it('without a build time or any dated fact, warns and leaves the times unknown', async () => {
    const { perf, specs, warnings } = await parse(log);
    expect(perf).toHaveLength(3);
    expect(perf.every((p) => p.loggedAt === undefined)).toBe(true);
    expect(specs.every((s) => s.time === undefined)).toBe(true);
    expect(warnings.at(-1)).toEqual({
      file: FILE,
      message: 'no build time and no dated line: the times of 8 block(s) or spec(s) are unknown',
    });
  });
});

describe('parseBuildLog on odd blocks', () => {
  it('reads a block printed on one line, and a tag alone on its line with the JSON below', async () => {
    const text = [
      'Nov 17 10:40:01.530: INFO: [Result:TimeSeries] {"op_series": {"create": [1479379190000000000]}, "resource_series": {}, "labels": {"test": "density_create_batch_1_0_0"}, "version": "v1"}',
      '[Finish:TimeSeries]',
      'Nov 17 10:40:01.531: INFO: [Result:Performance]',
      '',
      '{"version": "v1", "dataItems": [{"data": {"Perc50": 1.5}, "unit": "ms", "labels": {"datatype": "latency"}}]}',
      '[Finish:Performance]',
    ].join('\n');
    const { perf, series, warnings, blocks } = await parse(text, BUILD_TIME);
    expect(warnings).toEqual([]);
    expect(blocks).toBe(2);
    expect(series[0].series.opSeries.create).toEqual([1_479_379_190_000_000]);
    expect(perf[0]).toMatchObject({ line: 3, loggedAt: utc(2016, 11, 17, 10, 40, 1, 531) });
  });

  it('ignores braces inside JSON strings', async () => {
    const text = 'Nov 17 10:40:01.512: INFO: [Result:Performance] {\n  "version": "v1",\n  "dataItems": [],\n  "labels": {"desc": "pods {with} \\"braces}\\""}\n}\n';
    const { perf, warnings } = await parse(text, BUILD_TIME);
    expect(warnings).toEqual([]);
    expect(perf[0].perf.labels.desc).toBe('pods {with} "braces}"');
  });

  it('warns about a block cut short by the end of the log, and one cut short by another block', async () => {
    const text = [
      'Nov 17 10:40:01.512: INFO: [Result:Performance] {',
      '  "version": "v1",',
      'Nov 17 10:40:01.530: INFO: [Result:TimeSeries] {"op_series": {}, "version": "v1"}',
      'Nov 17 10:40:02.000: INFO: [Result:Performance] {',
      '  "version": "v1",',
      '  "dataItems": [',
    ].join('\n');
    const { series, warnings, blocks } = await parse(text, BUILD_TIME);
    expect(blocks).toBe(3);
    expect(series).toHaveLength(1);
    expect(warnings).toEqual([
      {
        file: FILE,
        line: 1,
        message:
          '[Result:Performance] block cut short at line 3 by "Nov 17 10:40:01.530: INFO: [Result:TimeSeries] {"op_series": {}, "version": "v1…"; skipped',
      },
      { file: FILE, line: 4, message: '[Result:Performance] block cut short by the end of the log; skipped' },
    ]);
  });

  it('warns with the line of a JSON error inside a block whose braces balance', async () => {
    const text = 'x\nNov 17 10:40:01.512: INFO: [Result:Performance] {\n  "version": "v1",\n  "dataItems": [],\n}\n';
    const { perf, warnings } = await parse(text, BUILD_TIME);
    expect(perf).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: FILE, line: 5 });
    expect(warnings[0].message).toMatch(/^malformed JSON: /);
  });

  it('warns about a tag followed by text that is not JSON', async () => {
    const { warnings } = await parse('Nov 17 10:40:01.512: INFO: [Result:Performance] see artifacts\n', BUILD_TIME);
    expect(warnings).toEqual([
      { file: FILE, line: 1, message: '[Result:Performance] block at line 1 does not hold a JSON object; skipped' },
    ]);
  });
});

describe('parseBuildLog on Ginkgo v2 output', () => {
  it('reads `> Enter [It]` lines with their location and dated stamp, colour codes and summed summaries', async () => {
    const text = [
      '\x1b[1m> Enter \x1b[1m[It] create 105 pods with 0s interval [Benchmark]\x1b[0m - test/e2e_node/density_test.go:101 @ 11/17/23 10:38:00.123',
      'Nov 17 10:40:01.512: INFO: [Result:Performance] {"version": "v1", "dataItems": []}',
      '< Exit [It] create 105 pods with 0s interval [Benchmark] - test/e2e_node/density_test.go:101 @ 11/17/23 10:40:09.000 (2m9s)',
      '• [129.877 seconds]',
      'Ran 6 of 300 Specs in 1234.567 seconds',
      '\x1b[1m\x1b[32mSUCCESS!\x1b[0m -- 6 Passed | 0 Failed | 0 Pending | 294 Skipped',
      'Ran 6 of 300 Specs in 1201.002 seconds',
      'SUCCESS! -- 6 Passed | 0 Failed | 0 Pending | 294 Skipped',
    ].join('\n');
    const { perf, specs, summary } = await parse(text);
    expect(specs).toEqual([
      { description: 'create 105 pods with 0s interval [Benchmark]', line: 1, time: utc(2023, 11, 17, 10, 38, 0, 123) },
    ]);
    expect(perf[0].loggedAt).toBe(utc(2023, 11, 17, 10, 40, 1, 512));
    expect(perf[0].itDescription).toBe('create 105 pods with 0s interval [Benchmark]');
    expect(summary).toEqual({ ran: 12, total: 600, passed: true });
  });
});

describe('parseBuildLog properties', () => {
  it('gives the same result however the log is chunked', async () => {
    const bytes = Buffer.from(log);
    const whole = await parse(log, BUILD_TIME);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 12 }), async (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parts = [...points, bytes.length].map((p, i) => bytes.subarray(i === 0 ? 0 : points[i - 1], p));
        expect(await parse(parts, BUILD_TIME)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  const logish = fc.array(
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        'Nov 17 10:40:01.512: INFO: [Result:Performance] {',
        '[Result:TimeSeries] {"op_series": {"create": [1]}',
        '[Finish:Performance]',
        'I1117 10:40:01.512] ',
        '  "dataItems": [{"data": {"Perc50": 1}}]',
        '}',
        '{',
        '"\\',
        '[It] create 10 pods',
        'STEP: x',
        'Ran 1 of 2 Specs in 3 seconds',
        'FAIL!',
        '2016-11-17T10:40:01.512Z ',
        'Feb 29 00:00:00.000: INFO: ',
      ),
    ),
    { maxLength: 30 },
  );

  it('never throws on log-like garbage, and chunking does not change the result', async () => {
    await fc.assert(
      fc.asyncProperty(logish, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), async (pieces, cuts, withTime) => {
        const text = pieces.join('\n');
        const buildTime = withTime ? BUILD_TIME : undefined;
        const whole = await parse(text, buildTime);
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const parts = [...points, text.length].map((p, i) => text.slice(i === 0 ? 0 : points[i - 1], p));
        expect(await parse(parts, buildTime)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), async (bytes) => {
        const r = await parse([Buffer.from(bytes)], BUILD_TIME);
        expect(r.blocks).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
