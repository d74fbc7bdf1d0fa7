// `kpd serve --sync`: the sync loop in a thread of its own
// (ingest/sync/worker.ts), next to the server and its writer thread.
import { startWorker } from '../../lib/threads';
import type { SyncThreadData, SyncThreadMessage } from '../../ingest/sync/worker';

/** How long a pass may take to reach the end of its job once the server stops. */
const STOP_GRACE_MS = 5_000;

export function startSyncThread(data: SyncThreadData, log: (line: string) => void): { stop(): Promise<void> } {
  const worker = startWorker(import.meta.url, '../../ingest/sync/worker.ts', './sync-worker.mjs', { workerData: data });
  let stopped: () => void = () => {};
  const idle = new Promise<void>((r) => (stopped = r));
  worker.on('message', (m: SyncThreadMessage) => (m.type === 'log' ? log(m.line) : stopped()));
  worker.on('error', (e) => log(`the sync thread failed: ${e.message}`));
  worker.on('exit', () => stopped());
  return {
    async stop() {
      worker.postMessage('stop');
      // Downloads still in flight may keep it busy: what was written is whole (one transaction per build).
      await Promise.race([idle, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
      await worker.terminate();
    },
  };
}
