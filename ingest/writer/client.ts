// How the server's route handlers reach the one writer: `writer().run(op,
// args)`. `kpd serve` installs a writer thread (cli/server/writer-thread.ts),
// so ingest never runs on the event loop that serves pages and a long lock
// is a wait in that thread, never a stall. Without one (route handlers
// called in process by tests), operations run here, one after another, on a
// read-write connection of their own.
import { dbPath, openDb, type DB } from '../../lib/db/open';
import { OPERATIONS, type OperationArgs, type OperationName, type OperationResult } from './operations';

export interface Writer {
  run<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<OperationResult<K>>;
}

/** Runs operations in this thread, one at a time: a failure does not stop the ones queued after it. */
export class LocalWriter implements Writer {
  private tail: Promise<unknown> = Promise.resolve();
  private db: DB | undefined;

  constructor(private readonly file: string) {}

  run<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<OperationResult<K>> {
    const task = () => {
      this.db ??= openDb(this.file);
      return (OPERATIONS[op] as (db: DB, a: OperationArgs<K>) => Promise<OperationResult<K>>)(this.db, args);
    };
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

// On globalThis: Next.js may load this module more than once, and the server installs the writer before it does.
const g = globalThis as unknown as { __kpdWriter?: Writer };

export function installWriter(w: Writer): void {
  g.__kpdWriter = w;
}

export function writer(): Writer {
  g.__kpdWriter ??= new LocalWriter(dbPath());
  return g.__kpdWriter;
}
