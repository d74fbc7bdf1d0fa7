// The kubelet reader compiled to JavaScript, as kpd runs it once built: the
// reader and its worker bundled by esbuild (the worker as kubelet-worker.mjs
// next to the reader's code, lib/threads.ts), run by plain node without tsx.
// Its workers start from the compiled entry, read pieces, and the result is
// the one the TypeScript sources give; without the compiled worker, it reads
// alone and still gives it.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKubeletLogFile } from '../../ingest/parsers/kubelet/reader';
import { FIXTURES } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KUBELET = path.join(ROOT, 'ingest/parsers/kubelet');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-kubelet-compiled-'));
const log = path.join(out, 'kubelet.log');

beforeAll(async () => {
  await build({
    entryPoints: { reader: path.join(KUBELET, 'reader.ts'), parallel: path.join(KUBELET, 'parallel.ts'), 'kubelet-worker': path.join(KUBELET, 'kubelet-worker.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  // A few thousand pods' lines: the fixtures again and again.
  const names = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.log') && f !== 'new-year.log');
  const one = Buffer.concat(names.map((n) => fs.readFileSync(path.join(FIXTURES, n))));
  fs.writeFileSync(log, Buffer.concat(Array.from({ length: 200 }, () => one)));
}, 60_000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** Runs `script` (an ES module body) with plain node; its stdout as JSON. */
function node(script: string): unknown {
  const file = path.join(out, `run-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, script);
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }));
}

describe('the compiled reader', () => {
  const opts = { file: 'kubelet.log', year: 2025 };

  it('starts its workers from kubelet-worker.mjs, and they read pieces', () => {
    const r = node(`
      import { readPieces, workersAvailable } from './parallel.mjs';
      const size = (await import('node:fs')).statSync(${JSON.stringify(log)}).size;
      const p = await readPieces(${JSON.stringify(log)}, size, { pieceBytes: 65536, maxLineBytes: 262144, threads: true, workers: 2, inThisThread: false }, () => {});
      console.log(JSON.stringify({ available: workersAvailable(), pieces: p.pieces, byWorkers: p.byWorkers }));
    `) as { available: boolean; pieces: number; byWorkers: number };
    expect(r.available).toBe(true);
    expect(r.pieces).toBeGreaterThan(10);
    expect(r.byWorkers).toBe(r.pieces);
  });

  it('gives what the sources give, split across workers or not', async () => {
    const expected = JSON.parse(JSON.stringify(await readKubeletLogFile(log, opts)));
    for (const extra of [{}, { splitBytes: 0, pieceBytes: 50_000, workers: 2 }]) {
      const got = node(`
        import { readKubeletLogFile } from './reader.mjs';
        console.log(JSON.stringify(await readKubeletLogFile(${JSON.stringify(log)}, ${JSON.stringify({ ...opts, ...extra })})));
      `);
      expect(got).toEqual(expected);
    }
  });

  it('reads alone when the compiled worker is missing', async () => {
    const expected = JSON.parse(JSON.stringify(await readKubeletLogFile(log, opts)));
    const alone = path.join(out, 'alone');
    fs.mkdirSync(alone);
    for (const f of fs.readdirSync(out)) if (f.endsWith('.mjs') && f !== 'kubelet-worker.mjs') fs.copyFileSync(path.join(out, f), path.join(alone, f));
    const got = node(`
      import { readKubeletLogFile } from './alone/reader.mjs';
      import { workersAvailable } from './alone/parallel.mjs';
      const r = await readKubeletLogFile(${JSON.stringify(log)}, ${JSON.stringify({ ...opts, splitBytes: 0, pieceBytes: 50_000, workers: 2 })});
      console.log(JSON.stringify({ available: workersAvailable(), r }));
    `) as { available: boolean; r: unknown };
    expect(got.available).toBe(false);
    expect(got.r).toEqual(expected);
  });
});
