// Starts the download worker: the worker thread gets its own module loader,
// so TypeScript is registered here as bin/kpd does for the main thread.
import { register } from 'tsx/esm/api';

register();
await import('./fetch-worker.ts');
