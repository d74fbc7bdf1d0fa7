// The sync thread's entry (`kpd serve --sync`): the sync loop with a
// read-write connection of its own, so listing buckets, downloading and
// parsing builds never run on the event loop that serves pages. Its log lines
// go to the server, which prints them.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../lib/db/open';
import { remoteSettingsFromEnv } from '../remote';
import { loadJobsConfig } from './config';
import { startSyncLoop } from './sync';

export interface SyncThreadData {
  dbFile: string;
  jobsFile: string;
  everyMs: number;
}

export type SyncThreadMessage = { type: 'log'; line: string } | { type: 'stopped' };

const data = workerData as SyncThreadData;
const db = openDb(data.dbFile);
const loop = startSyncLoop({
  db,
  loadJobs: () => loadJobsConfig(data.jobsFile),
  settings: () => remoteSettingsFromEnv(),
  everyMs: data.everyMs,
  log: (line) => parentPort!.postMessage({ type: 'log', line } satisfies SyncThreadMessage),
});

parentPort!.on('message', (m: 'stop') => {
  if (m !== 'stop') return;
  void loop.stop().then(() => {
    db.close();
    parentPort!.postMessage({ type: 'stopped' } satisfies SyncThreadMessage);
  });
});
