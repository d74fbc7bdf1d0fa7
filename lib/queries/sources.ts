// Where each build of a job was read from (a directory or a kept upload
// archive): what `kpd reingest` re-parses after a parser fix.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import { SelectionError } from './errors';
import { jobId } from './selection';

export interface BuildSource {
  number: BuildId;
  source: string;
}

export function buildSources(db: DB, job: string, build?: BuildId): BuildSource[] {
  const id = jobId(db, job);
  const rows =
    build === undefined
      ? db.prepare<[number], BuildSource>('SELECT number, source FROM builds WHERE job_id = ? ORDER BY sort_key').all(id)
      : db.prepare<[number, BuildId], BuildSource>('SELECT number, source FROM builds WHERE job_id = ? AND number = ?').all(id, build);
  if (build !== undefined && !rows.length) throw new SelectionError(`no build ${build} in job ${job}`);
  return rows;
}
