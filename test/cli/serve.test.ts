// `kpd serve` on a fresh machine: an empty database is filled with the
// committed samples (Jenkins-era build numbers), a full one is left alone.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../../cli/serve';
import { openDb } from '../../lib/db/open';
import { listBuilds } from '../../lib/queries/builds';
import { tempDir } from '../helpers';

describe('seedIfEmpty', () => {
  it('ingests data/samples into an empty database, once', async () => {
    const file = path.join(tempDir(), 'kpd.db');
    const said: string[] = [];
    await seedIfEmpty(file, (s) => said.push(s));
    expect(said).toEqual(['kpd: empty database; ingested 24 sample builds of ci-kubernetes-node-kubelet-benchmark']);
    await seedIfEmpty(file, (s) => said.push(s));
    expect(said).toHaveLength(1);
    const db = openDb(file);
    const builds = listBuilds(db, 'ci-kubernetes-node-kubelet-benchmark');
    db.close();
    expect(builds.map((b) => b.number).slice(0, 3)).toEqual(['1200', '1201', '1202']);
    expect(builds[0].version).toBe('v1.32.0-alpha.1200');
  }, 120_000);
});
