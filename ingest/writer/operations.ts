// What the one writer does, as a table of named operations: each takes the
// writer's read-write connection and plain, structured-cloneable arguments
// and returns a plain answer, so it runs the same in the server's writer
// thread and in process (tests, the CLI). Adding a write is adding a row.
import type { DB } from '../../lib/db/open';
import { acceptUpload, type UploadAnswer, type UploadRequest } from '../upload/accept';
import { reingestWithTraces, type TraceReingest, type TraceReingestRequest } from '../upload/traces';
import { alertStateOperation, type AlertStateAnswer, type AlertStateRequest } from './alert-state';
import { refreshAlerts } from '../../lib/queries/alerts';
import { staleChangePointJobs } from '../../lib/queries/regressions';

export interface Operations {
  upload: (db: DB, req: UploadRequest) => Promise<UploadAnswer>;
  /** Spans arrived for a build (POST …/traces): re-ingest it with them when it exists. */
  traces: (db: DB, req: TraceReingestRequest) => Promise<TraceReingest>;
  alertState: (db: DB, req: AlertStateRequest) => Promise<AlertStateAnswer>;
  /**
   * Stores fresh change points and alerts for every job whose stored ones are
   * stale, so that readers stop analysing those jobs on every request.
   */
  refreshStale: (db: DB, req: Record<string, never>) => Promise<{ jobs: string[] }>;
}

export type OperationName = keyof Operations;
export type OperationArgs<K extends OperationName> = Parameters<Operations[K]>[1];
export type OperationResult<K extends OperationName> = Awaited<ReturnType<Operations[K]>>;

export const OPERATIONS: Operations = {
  upload: acceptUpload,
  traces: reingestWithTraces,
  alertState: alertStateOperation,
  refreshStale: async (db) => {
    const jobs = staleChangePointJobs(db);
    for (const job of jobs) refreshAlerts(db, job);
    return { jobs };
  },
};
