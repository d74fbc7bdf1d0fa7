// One writer at a time: uploads are received in parallel but ingested one
// after another, so builds never race each other for the write lock or for
// the job's change points. One queue per process (kept on globalThis, since
// Next.js may load this module more than once).

export class WriterQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; its failure does not stop the queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const g = globalThis as unknown as { __kpdWriterQueue?: WriterQueue };

export function writerQueue(): WriterQueue {
  if (!g.__kpdWriterQueue) g.__kpdWriterQueue = new WriterQueue();
  return g.__kpdWriterQueue;
}
