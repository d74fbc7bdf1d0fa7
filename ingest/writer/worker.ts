// The writer thread's entry: one read-write connection, operations run one
// after another as the server sends them. Its waits for a lock and its
// parsing happen here, off the event loop that serves pages.
import { parentPort, workerData } from 'node:worker_threads';
import { LocalWriter } from './client';
import type { OperationName } from './operations';

export interface WriterMessage {
  id: number;
  op: OperationName;
  args: unknown;
}

export type WriterReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; code?: string; kind?: string } };

const local = new LocalWriter((workerData as { dbFile: string }).dbFile);

parentPort!.on('message', (m: WriterMessage) => {
  local.run(m.op, m.args as never).then(
    (value) => parentPort!.postMessage({ id: m.id, ok: true, value } satisfies WriterReply),
    (e: unknown) => {
      const err = e as { name?: string; message?: string; code?: unknown; kind?: unknown };
      parentPort!.postMessage({
        id: m.id,
        ok: false,
        error: {
          name: err?.name ?? 'Error',
          message: err?.message ?? String(e),
          ...(typeof err?.code === 'string' ? { code: err.code } : {}),
          ...(typeof err?.kind === 'string' ? { kind: err.kind } : {}),
        },
      } satisfies WriterReply);
    },
  );
});
