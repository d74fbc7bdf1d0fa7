// The download worker: a thread of its own that fetches builds' objects
// (fetch.ts) on request from the ingest (downloader.ts), reporting bytes as
// they arrive and the laid-out build folder when done, and keeps the cache
// within its size after each build. One cache, one bound on requests and one
// client per bucket for the worker's life.
import { parentPort, workerData } from 'node:worker_threads';
import { ObjectCache } from './cache';
import { fetchBuild, explain, type FetchSettings } from './fetch';
import { Limiter } from './limit';
import { openStore, type BuildObject } from './source';
import type { ObjectStore } from './store';
import type { RemoteUrl } from '../../../lib/remote-url';

export interface FetchRequest {
  id: number;
  url: RemoteUrl;
  objects: BuildObject[];
}

export type FetchMessage =
  | { id: number; type: 'bytes'; n: number }
  | { id: number; type: 'done'; fetched: import('./fetch').Fetched };

const settings = workerData as FetchSettings;
const cache = new ObjectCache({ dir: settings.cacheDir, maxBytes: settings.cacheMaxBytes });
const limiter = new Limiter(settings.parallel);
const stores = new Map<string, Promise<ObjectStore>>();

parentPort!.on('message', async (req: FetchRequest) => {
  const post = (m: FetchMessage) => parentPort!.postMessage(m);
  const key = `${req.url.scheme}://${req.url.bucket}`;
  if (!stores.has(key)) stores.set(key, openStore(req.url));
  try {
    const store = await stores.get(key)!;
    const fetched = await fetchBuild(store, cache, limiter, settings, req.objects, (n) => post({ id: req.id, type: 'bytes', n }));
    cache.evict();
    post({ id: req.id, type: 'done', fetched });
  } catch (e) {
    post({ id: req.id, type: 'done', fetched: { kind: 'failed', error: explain(e), downloaded: 0, cached: 0, bytes: 0 } });
  }
});
