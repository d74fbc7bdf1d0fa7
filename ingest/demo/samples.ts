// The committed sample job in data/samples/: small, in the real on-disk
// layout, ingested by `npm start` into an empty database. Regenerate with
// `npx tsx ingest/demo/samples.ts` after changing the generator.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DEMO, DEMO_NODES, DEMO_TESTS, writeDemoJob, type DemoJobOptions } from './generate';

export const SAMPLES: DemoJobOptions = {
  ...DEFAULT_DEMO,
  job: 'ci-kubernetes-node-kubelet-benchmark',
  builds: 24,
  ids: 'jenkins',
  firstBuild: 1200,
  seed: 42,
  nodes: DEMO_NODES.slice(0, 2).map((n) => ({ ...n, gzip: true })),
  tests: DEMO_TESTS.filter((t) => t.name !== 'density_create_batch_105_0_100'),
  legacyBuilds: 2,
  regressionAt: 16,
  noisePerPod: 1,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(import.meta.dirname, '../../data/samples');
  fs.rmSync(path.join(dir, SAMPLES.job), { recursive: true, force: true });
  writeDemoJob(dir, SAMPLES);
  process.stdout.write(`wrote ${SAMPLES.builds} builds to ${path.join(dir, SAMPLES.job)}\n`);
}
