// `kpd changepoints FILE|-` through the real bin/kpd: one series or named
// series, missing values, empty and constant input, and the one-line errors.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Random } from '../ingest/demo/random';
import { tempDir } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kpd(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/kpd', 'changepoints', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** 40 builds around 100 ms, then 20 around 125 ms, 4 % noise. */
function stepped(seed: number): number[] {
  const rnd = new Random(seed);
  return Array.from({ length: 60 }, (_, i) => (i < 40 ? 100 : 125) * (1 + 0.04 * rnd.normal()));
}

function write(name: string, value: unknown): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('kpd changepoints', () => {
  it('finds the step of one series at the first point of the new level, as JSON', async () => {
    const r = await kpd([write('one.json', stepped(1)), '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const doc = JSON.parse(r.stdout) as { changePoints: Array<Record<string, number>> };
    expect(doc.changePoints.map((cp) => Object.keys(cp))).toEqual([['index', 'before', 'after', 'change', 'pValue']]);
    const [cp] = doc.changePoints;
    expect(cp.index).toBe(40);
    expect(cp.before).toBeCloseTo(100, -1);
    expect(cp.after).toBeCloseTo(125, -1);
    expect(cp.change).toBeCloseTo(cp.after / cp.before - 1, 12);
    expect(cp.pValue).toBeLessThan(1e-6);
  });

  it('keeps the indices of the input when values are missing (null)', async () => {
    const values: Array<number | null> = stepped(2);
    values.splice(10, 0, null, null);
    values.splice(45, 0, null);
    const r = await kpd([write('gaps.json', values), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changePoints.map((cp: { index: number }) => cp.index)).toEqual([42]);
  });

  it('reads named series from stdin with -, each with its own change points', async () => {
    const doc = { flat: Array(60).fill(7), stepped: stepped(3), empty: [] };
    const r = await kpd(['-', '--json'], JSON.stringify(doc));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as { series: Record<string, { changePoints: Array<{ index: number }> }> };
    expect(Object.keys(out.series)).toEqual(['flat', 'stepped', 'empty']);
    expect(out.series.flat.changePoints).toEqual([]);
    expect(out.series.empty.changePoints).toEqual([]);
    expect(out.series.stepped.changePoints.map((cp) => cp.index)).toEqual([40]);
  });

  it('prints a table by default, and says so when there is nothing', async () => {
    const one = await kpd([write('one.json', stepped(1))]);
    expect(one.code).toBe(0);
    const [head, row, ...rest] = one.stdout.trimEnd().split('\n');
    expect(head.split(/\s+/)).toEqual(['index', 'before', 'after', 'change', 'p-value']);
    expect(row.trim().split(/\s+/)[0]).toBe('40');
    expect(rest).toEqual([]);
    const named = await kpd(['-'], JSON.stringify({ a: stepped(4), b: Array(30).fill(3) }));
    expect(named.stdout.split('\n')[0].split(/\s+/)).toEqual(['series', 'index', 'before', 'after', 'change', 'p-value']);
    expect(named.stdout.split('\n')[1].split(/\s+/).slice(0, 2)).toEqual(['a', '40']);
    const constant = write('constant.json', Array(50).fill(12.5));
    expect(await kpd([constant])).toEqual({ code: 0, stdout: `no change points in ${constant}\n`, stderr: '' });
  });

  it('gives nothing for empty input and honours the detector options', async () => {
    expect(await kpd(['-', '--json'], '[]')).toEqual({ code: 0, stdout: '{\n  "changePoints": []\n}\n', stderr: '' });
    const file = write('small.json', stepped(5));
    const strict = await kpd([file, '--json', '--min-change', '0.5']);
    expect(JSON.parse(strict.stdout).changePoints).toEqual([]);
    const loose = await kpd([file, '--json', '--p-value', '0.01', '--window', '20']);
    expect(JSON.parse(loose.stdout).changePoints.map((cp: { index: number }) => cp.index)).toEqual([40]);
  });

  it('fails with one line naming the file for bad input and bad options', async () => {
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [[write('broken.json', '[1, 2,')], undefined, /^kpd: .*broken\.json: not JSON \(.*\)\n$/],
      [[write('words.json', [1, 2, 'three'])], undefined, /^kpd: .*words\.json: index 2 is "three", not a number or null\n$/],
      [['-'], '{"a": [1, 2], "b": {"c": 3}}', /^kpd: stdin: series "b" is not an array of numbers\n$/],
      [['-'], '{"a": [1, true]}', /^kpd: stdin: series "a", index 1 is true, not a number or null\n$/],
      [['-'], '"text"', /^kpd: stdin: expected an array of numbers or an object of named arrays\n$/],
      [[path.join(tempDir(), 'missing.json')], undefined, /^kpd: cannot read .*missing\.json: no such file\n$/],
      [[write('ok.json', [1, 2, 3]), '--p-value', '1.5'], undefined, /^kpd: --p-value must be in \(0, 1\], got 1\.5\n$/],
      [[write('ok.json', [1, 2, 3]), '--window', '4'], undefined, /^kpd: --window must be a whole number of at least 6, got 4\n$/],
    ];
    const results = await Promise.all(cases.map(([args, input]) => kpd(args, input)));
    results.forEach((r, k) => {
      const [args, , message] = cases[k];
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(r.stderr).toMatch(message);
    });
  });
});
