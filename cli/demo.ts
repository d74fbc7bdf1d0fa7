// `kpd demo`: writes realistic demo builds in the real on-disk layout and
// ingests them with the same pipeline as `kpd ingest`.
import fs from 'node:fs';
import path from 'node:path';
import type { DB } from '../lib/db/open';
import { DEFAULT_DEMO, writeDemoJob } from '../ingest/demo/generate';
import { ingestCommand } from './ingest';
import type { Out } from './output';
import type { CommonOptions } from './options';

export async function demoCommand(
  db: DB,
  o: CommonOptions & { builds: number; out: string; seed: number },
  out: Out,
): Promise<number> {
  const jobDir = path.join(o.out, DEFAULT_DEMO.job);
  fs.rmSync(jobDir, { recursive: true, force: true });
  // Dated up to now, so a fresh demo is not stale; its own job, so it never mixes with real or sample builds.
  const hours = DEFAULT_DEMO.everyHours * 3600e6;
  const start = Math.floor((Date.now() * 1000 - o.builds * hours) / hours) * hours;
  writeDemoJob(o.out, { ...DEFAULT_DEMO, builds: o.builds, seed: o.seed, start, regressionAt: Math.floor(o.builds * 0.65) });
  if (!o.json) out(`kpd: wrote ${o.builds} demo builds to ${jobDir}`);
  return ingestCommand(db, jobDir, { json: o.json }, out);
}
