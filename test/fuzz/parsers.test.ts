// Every parser on hostile input (test/fuzz/targets.ts): a few thousand seeded
// runs each, cut short after a time limit on a slow machine. `npm run fuzz`
// runs the same properties as long as asked.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { TARGETS } from './targets';

const RUNS = 2_000;
const SECONDS = 20;

describe('parsers on fuzzed input', () => {
  for (const t of TARGETS) {
    it(`${t.name}: ${t.says}`, async () => {
      await fc.assert(t.property(), { numRuns: RUNS, seed: 20261202, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false });
    }, (SECONDS + 40) * 1000);
  }
});
