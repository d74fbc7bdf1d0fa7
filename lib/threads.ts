// Starting a worker thread from TypeScript sources (run through tsx in
// development and tests) or from the compiled bundle in dist/ (what bin/kpd
// runs): the caller names both forms of the entry, relative to itself.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when this code runs from its .ts sources rather than from dist/. */
export function fromSources(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.ts');
}

/**
 * A worker running `source` (a .ts file, loaded through tsx's loader, which a
 * worker does not inherit) when the caller runs from sources, else `compiled`
 * (a .mjs file of dist/).
 */
export function startWorker(callerUrl: string, source: string, compiled: string, options: WorkerOptions = {}): Worker {
  if (!fromSources(callerUrl)) return new Worker(new URL(compiled, callerUrl), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(source, callerUrl).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
