// The server's one writer, in a worker thread (ingest/writer/worker.ts):
// uploads and every other write are parsed and written there, one after
// another, so the event loop that serves pages never parses a build or
// waits for a lock. A thread that dies is replaced; the requests it held fail
// with a message, and are never half written (each build is one transaction).
import type { Worker } from 'node:worker_threads';
import { EnvironmentProblem, type ProblemKind } from '../../lib/db/problems';
import { startWorker } from '../../lib/threads';
import type { Writer } from '../../ingest/writer/client';
import type { OperationArgs, OperationName, OperationResult } from '../../ingest/writer/operations';
import type { WriterMessage, WriterReply } from '../../ingest/writer/worker';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class ThreadWriter implements Writer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private closing = false;

  constructor(private readonly dbFile: string) {}

  run<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<OperationResult<K>> {
    const w = this.thread();
    const id = this.next++;
    return new Promise<OperationResult<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, op, args } satisfies WriterMessage);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker(import.meta.url, '../../ingest/writer/worker.ts', './writer-worker.mjs', { workerData: { dbFile: this.dbFile } });
    w.on('message', (r: WriterReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(reviveError(r.error));
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new Error(`the writer thread stopped (${why}); nothing of this request was written, send it again`));
      }
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => {
      if (!this.closing) lost(`exit code ${code}`);
    });
    w.unref();
    this.worker = w;
    return w;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

/** An error as the writer thread reported it, as the error the route handlers know. */
function reviveError(e: { name: string; message: string; code?: string; kind?: string }): Error {
  if (e.kind) return new EnvironmentProblem(e.kind as ProblemKind, e.message);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  return err;
}
