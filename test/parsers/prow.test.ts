import { describe, expect, it } from 'vitest';
import { parseFinished, parseStarted } from '../../ingest/parsers/prow';
import { fixture } from './fixture';

describe('parseStarted', () => {
  it('reads the build start from Unix seconds', () => {
    expect(parseStarted(fixture('started.json'), 'started.json')).toEqual({
      info: { started: 1_700_215_200_000_000 },
      warnings: [],
    });
  });

  it('accepts a timestamp written as a string (older uploaders)', () => {
    expect(parseStarted('{"timestamp": "1479378000", "node": "agent-light-4"}', 'started.json').info).toEqual({
      started: 1_479_378_000_000_000,
    });
  });

  it('warns when there is no usable timestamp', () => {
    expect(parseStarted('{"timestamp": "yesterday"}', 'started.json')).toEqual({
      info: {},
      warnings: [{ file: 'started.json', message: 'no usable "timestamp" (Unix seconds)' }],
    });
  });

  it('warns on malformed JSON with its line, and on JSON that is not an object', () => {
    const broken = parseStarted('{\n  "timestamp": 1700215200\n  "repos": {}\n}', 'started.json');
    expect(broken.info).toEqual({});
    expect(broken.warnings).toHaveLength(1);
    expect(broken.warnings[0]).toMatchObject({ file: 'started.json', line: 3 });
    expect(parseStarted('[1700215200]', 'started.json').warnings).toEqual([
      { file: 'started.json', line: 1, message: 'not a JSON object; ignored' },
    ]);
  });
});

describe('parseFinished', () => {
  it('reads the end time, result and passed flag', () => {
    expect(parseFinished(fixture('finished.json'), 'finished.json')).toEqual({
      info: { finished: 1_700_219_022_000_000, result: 'FAILURE', passed: false },
      warnings: [],
    });
  });

  it('derives passed from the result when the flag is missing', () => {
    expect(parseFinished('{"timestamp": 1479381000, "result": "SUCCESS"}', 'finished.json').info).toEqual({
      finished: 1_479_381_000_000_000,
      result: 'SUCCESS',
      passed: true,
    });
    expect(parseFinished('{"timestamp": 1479381000, "result": "ABORTED"}', 'finished.json').info.passed).toBe(false);
  });

  it('never throws on an empty file', () => {
    expect(parseFinished('', 'finished.json')).toEqual({
      info: {},
      warnings: [{ file: 'finished.json', line: 1, message: 'malformed JSON: Unexpected end of JSON input' }],
    });
  });
});
