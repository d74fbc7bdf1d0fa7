// The ingest's side of the download worker: asks it for a build's objects
// and hands back the laid-out build folder. The worker starts on the first
// download (a run over unchanged builds never pays for it) and stops with
// `close`.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../lib/threads';
import type { RemoteUrl } from '../../../lib/remote-url';
import type { Fetched, FetchSettings } from './fetch';
import type { FetchMessage, FetchRequest } from './fetch-worker';
import type { BuildObject } from './source';

export class Downloader {
  private worker: Worker | undefined;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (f: Fetched) => void; onBytes?: (n: number) => void }>();

  constructor(private readonly settings: FetchSettings) {}

  fetch(url: RemoteUrl, objects: BuildObject[], onBytes?: (n: number) => void): Promise<Fetched> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, onBytes });
      this.start().postMessage({ id, url, objects } satisfies FetchRequest);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, './fetch-worker.ts', './fetch-worker.mjs', { workerData: this.settings });
    worker.on('message', (m: FetchMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'bytes') p.onBytes?.(m.n);
      else {
        this.pending.delete(m.id);
        p.resolve(m.fetched);
      }
    });
    // A worker that dies fails what it was doing; those builds are read again on the next run.
    worker.on('error', (e) => this.failAll(`the download worker failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (code !== 0) this.failAll(`the download worker exited (${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: string) {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ kind: 'failed', error, downloaded: 0, cached: 0, bytes: 0 });
    }
  }
}
