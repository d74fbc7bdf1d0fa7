// kill -9 in the middle of writing: during a job ingest and during uploads.
// Whenever the process dies, the database is sound and every build in it is
// whole or absent; the next run completes what the killed one had not.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, demoBuildId, writeDemoJob, type DemoJobOptions } from '../../ingest/demo/generate';
import { packBuildDir } from '../../cli/upload-client';
import { openDb } from '../../lib/db/open';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';
import { expectWholeBuilds, kpdChild, kpdJson } from '../kpd';

const DEMO: DemoJobOptions = {
  ...DEFAULT_DEMO,
  builds: 4,
  tests: DEFAULT_DEMO.tests.filter((t) => t.pods <= 35),
  nodes: DEFAULT_DEMO.nodes.slice(0, 2),
  legacyBuilds: 1,
  noisePerPod: 2,
};
const JOB = DEMO.job;
const IDS = Array.from({ length: DEMO.builds }, (_, i) => demoBuildId(DEMO, i));

let dir: string;
let jobDir: string;
beforeAll(() => {
  dir = tempDir('kpd-crash-');
  jobDir = writeDemoJob(path.join(dir, 'jobs'), DEMO);
});

function buildsIn(db: string): string[] {
  const handle = openDb(db, { readonly: true });
  try {
    expectWholeBuilds(handle);
    return handle.prepare<[], { number: string }>('SELECT number FROM builds ORDER BY sort_key').all().map((r) => r.number);
  } finally {
    handle.close();
  }
}

describe('kill -9 during kpd ingest', () => {
  it('leaves each build whole or absent, and the next ingest completes the job', async () => {
    // Kill at several moments of the run: while opening, reading, writing the first builds, the last ones.
    for (const [trial, afterMs] of [800, 2000, 4000].entries()) {
      const db = path.join(dir, `ingest-${trial}.db`);
      const child = kpdChild(['ingest', jobDir, '--db', db]);
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, afterMs));
      child.kill('SIGKILL');
      await exited;
      const kept = fs.existsSync(db) ? buildsIn(db) : [];
      expect(IDS.slice(0, kept.length), `trial ${trial}`).toEqual(kept);
      const again = kpdJson<{ builds: number; failed: number }>(['ingest', jobDir, '--db', db]);
      expect(again).toMatchObject({ builds: IDS.length, failed: 0 });
      expect(buildsIn(db)).toEqual(IDS);
    }
  }, 600_000);
});

describe('kill -9 of the server during uploads', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('leaves each build whole or absent and nothing half received; uploads land after a restart', async () => {
    const db = path.join(dir, 'server.db');
    openDb(db).close();
    const env = { KPD_UPLOAD_TOKEN: 'tok-crash', KPD_UPLOADS_DIR: path.join(dir, 'uploads') };
    server = await startServer(db, env);
    const archives = await Promise.all(
      IDS.map(async (id) => {
        const file = path.join(dir, `${id}.tar.gz`);
        await packBuildDir(path.join(jobDir, id), file);
        return fs.readFileSync(file);
      }),
    );
    const send = (s: RunningServer, i: number) =>
      fetch(`${s.url}/api/v1/jobs/${JOB}/builds/${IDS[i]}`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok-crash' },
        body: new Uint8Array(archives[i]),
      }).then((r) => r.status, () => 'lost' as const);
    const sent = IDS.map((_, i) => send(server!, i));
    // The writer takes uploads one at a time: once the first is answered, the others are being received or written.
    await Promise.race(sent);
    await server.crash();
    const answers = await Promise.all(sent);
    expect(answers.some((a) => a === 'lost')).toBe(true);
    const kept = buildsIn(db);
    // Only builds the server said it had written are there (and perhaps one it was answering for when it died).
    expect(kept.length).toBeGreaterThanOrEqual(answers.filter((a) => a === 201).length);

    server = await startServer(db, env);
    // The restarted server removed what the dead one had half received.
    expect(fs.readdirSync(path.join(dir, 'uploads', JOB, '.incoming'))).toEqual([]);
    const again = await Promise.all(IDS.map((_, i) => send(server!, i)));
    expect(again.every((a) => a === 200 || a === 201)).toBe(true);
    expect(buildsIn(db)).toEqual(IDS);
  }, 600_000);
});
