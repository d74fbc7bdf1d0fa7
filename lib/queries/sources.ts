// Where each build of a job was read from (a directory or a kept upload
// archive): what `kpd reingest` re-parses after a parser fix.
import type { DB } from '../db/open';
import { SelectionError } from './errors';
import { jobId } from './selection';

export interface BuildSource {
  number: number;
  source: string;
}

export function buildSources(db: DB, job: string, build?: number): BuildSource[] {
  const id = jobId(db, job);
  const rows = db
    .prepare<[number, number, number], BuildSource>(
      'SELECT number, source FROM builds WHERE job_id = ? AND number BETWEEN ? AND ? ORDER BY number',
    )
    .all(id, build ?? 0, build ?? Number.MAX_SAFE_INTEGER);
  if (build !== undefined && !rows.length) throw new SelectionError(`no build ${build} in job ${job}`);
  return rows;
}
