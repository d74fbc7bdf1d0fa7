// `npm run fuzz [-- --runs N] [--seed S] [--only NAME,…]`: the parser fuzz
// targets of test/fuzz/targets.ts with many runs (N in all, shared equally;
// default 100,000). A failing input does not stop a run: every crash is
// counted, and the first of each parser printed (not shrunk: rerun it with
// the test, or --only NAME and the seed).
// Exits 1 when anything crashed.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { TARGETS } from '../test/fuzz/targets';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' }, only: { type: 'string' } },
});
const total = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const only = values.only?.split(',');
const targets = TARGETS.filter((t) => !only || only.includes(t.name));
if (!Number.isSafeInteger(total) || total < targets.length || !Number.isSafeInteger(seed) || targets.length === 0) {
  process.stderr.write(`fuzz: --runs must be a whole number ≥ ${targets.length}, --seed a whole number, --only one of ${TARGETS.map((t) => t.name).join(', ')}\n`);
  process.exit(2);
}
const each = Math.ceil(total / targets.length);

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0].slice(0, 300);

process.stdout.write(`fuzz: ${each * targets.length} runs (${each} per parser), seed ${seed}\n\n`);
process.stdout.write(`| parser | runs | crashes | seconds | first crash |\n|---|--:|--:|--:|---|\n`);
let crashes = 0;
let runs = 0;
const start = performance.now();
for (const t of targets) {
  let count = 0;
  let first: { input: unknown; error: unknown } | undefined;
  const t0 = performance.now();
  const details = await fc.check(
    t.property((input, error) => {
      count++;
      first ??= { input, error };
    }),
    { numRuns: each, seed },
  );
  const seconds = (performance.now() - t0) / 1000;
  runs += details.numRuns;
  crashes += count;
  const shown = first ? `${errorText(first.error)} on ${JSON.stringify(first.input).slice(0, 200)}` : '';
  process.stdout.write(`| ${t.name} | ${details.numRuns} | ${count} | ${seconds.toFixed(1)} | ${shown} |\n`);
}
process.stdout.write(`\n${runs} runs, ${crashes} crashes in ${((performance.now() - start) / 1000).toFixed(0)} s (seed ${seed})\n`);
process.exit(crashes > 0 ? 1 : 0);
