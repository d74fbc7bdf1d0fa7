// The log view's two ways of finding a probe's lines must agree on any log:
// reading a plain file at the probes' byte offsets, and one streaming pass
// (a gzipped copy, where gunzip's chunks split lines anywhere; and by line
// number alone). Random logs with empty, long, CRLF and multi-byte lines,
// random probe lines, any context.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podLogLines } from '../../ingest/sources/log-lines';
import { tempDir } from '../helpers';

const HOST = 'n1-standard-2-host';

const lineArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 120 }).map((s) => s.replace(/[\n]/g, ' ')) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ minLength: 500, maxLength: 20_000 }).map((s) => s.replace(/\n/g, ' ')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => s.replace(/\n/g, ' ') + 'é日本\r') },
);

function write(dir: string, name: string, body: Buffer) {
  fs.mkdirSync(path.join(dir, 'artifacts', HOST), { recursive: true });
  fs.writeFileSync(path.join(dir, 'artifacts', HOST, name), body);
}

describe('podLogLines on random logs', () => {
  it('finds the same lines at offsets, in a gzip stream and by line number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { minLength: 1, maxLength: 300 }),
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 5, max: 200 }),
        async (lines, trailingLf, picks, context, maxChars) => {
          const text = lines.join('\n') + (trailingLf ? '\n' : '');
          const body = Buffer.from(text, 'utf8');
          const starts: number[] = [];
          let at = 0;
          for (const l of lines) {
            starts.push(at);
            at += Buffer.byteLength(l, 'utf8') + 1;
          }
          // The last line of a file without a final LF is a line too, unless it is empty.
          const real = lines.length - (!trailingLf && lines[lines.length - 1] === '' ? 1 : 0);
          if (real === 0) return;
          const targets = [...new Set(picks.map((p) => p % real))].map((i, k) => ({ probe: `probe_${k}`, line: i + 1, offset: starts[i] }));
          const plain = tempDir('kpd-prop-');
          write(plain, 'kubelet.log', body);
          const gz = tempDir('kpd-prop-');
          write(gz, 'kubelet.log.gz', zlib.gzipSync(body));
          const opts = { context, maxChars };
          const byOffset = await podLogLines(plain, HOST, targets, opts);
          const streamed = await podLogLines(gz, HOST, targets, opts);
          const byLine = await podLogLines(plain, HOST, targets.map((t) => ({ ...t, offset: null })), opts);
          expect(byOffset.problems).toEqual([]);
          expect(streamed.excerpts).toEqual(byOffset.excerpts);
          expect(streamed.problems).toEqual([]);
          expect(byLine.excerpts).toEqual(byOffset.excerpts);
          const hits = byOffset.excerpts.flat().filter((l) => l.probes.length);
          expect(hits.map((l) => l.line).sort((a, b) => a! - b!)).toEqual(targets.map((t) => t.line).sort((a, b) => a - b));
          for (const l of hits) {
            const whole = lines[l.line! - 1].replace(/\r$/, '');
            expect(l.text).toBe(l.cut ? l.text : whole);
            expect(l.text.length).toBeLessThanOrEqual(maxChars);
          }
          fs.rmSync(plain, { recursive: true });
          fs.rmSync(gz, { recursive: true });
        },
      ),
      { numRuns: 60 },
    );
  });
});
