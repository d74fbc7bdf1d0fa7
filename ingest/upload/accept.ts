// Ingests a received upload with the same path as `kpd ingest` (through the
// one-writer queue), keeps its archive for `kpd reingest`, recomputes the
// job's change points and alerts (announcing new ones), and says what HTTP
// answer that is: 201 a new build, 200 a replaced or unchanged one, 409
// different content without replace, 400 an archive that is not a safe build
// archive, 413 one over the limits.
import fs from 'node:fs';
import path from 'node:path';
import { environmentProblem, type EnvironmentProblem } from '../../lib/db/problems';
import type { BuildId } from '../../lib/build-id';
import type { DB } from '../../lib/db/open';
import type { IngestReport } from '../../lib/model';
import { ingestBuild, type IngestedBuild } from '../ingest';
import { BuildConflictError } from '../load';
import { ArchiveError } from '../sources/tarball';
import { buildReport } from '../../lib/queries/builds';
import { refreshAndAnnounce } from '../alert-webhook';
import type { UploadLimits } from './limits';
import { archivePath, keepArchive } from './store';

export interface UploadRequest {
  job: string;
  build: BuildId;
  /** The received archive; always removed or kept by the time this returns. */
  received: string;
  replace: boolean;
  limits: UploadLimits;
  uploadsDir: string;
}

export interface UploadAnswer {
  status: number;
  body: UploadReport | { error: string };
}

export interface UploadReport extends IngestedBuild {
  /** Where the raw archive is kept. */
  archive: string;
  report: IngestReport | null;
}

/** An archive that unpacks past a limit (a gzip bomb): too large rather than malformed. */
const OVER_LIMIT = /unpacks to more than|has more than \d+ entries/;

export async function acceptUpload(db: DB, u: UploadRequest): Promise<UploadAnswer> {
  const kept = archivePath(u.uploadsDir, u.job, u.build);
  try {
    const res = await ingestBuild(
      db,
      { job: u.job, number: u.build, path: u.received, archive: true },
      { replace: u.replace, limits: u.limits, source: kept, uploadsDir: u.uploadsDir },
    );
    if (res.outcome === 'unchanged') {
      fs.rmSync(u.received, { force: true });
    } else {
      keepArchive(u.received, kept);
      // The answer does not wait for the webhook: a slow one must not hold up a CI job.
      void refreshAndAnnounce(db, u.job);
    }
    return {
      status: res.outcome === 'inserted' ? 201 : 200,
      body: { ...res, archive: path.relative(u.uploadsDir, kept), report: buildReport(db, u.job, u.build) ?? null },
    };
  } catch (e) {
    fs.rmSync(u.received, { force: true });
    if (e instanceof BuildConflictError) {
      return { status: 409, body: { error: `${e.message}: upload again with ?replace=true` } };
    }
    const problem = environmentProblem(e, db.name, { hidePaths: true });
    if (problem) return serverTrouble(problem);
    if (e instanceof ArchiveError) {
      return { status: OVER_LIMIT.test(e.message) ? 413 : 400, body: { error: `archive refused: ${e.message}` } };
    }
    throw e;
  }
}

/** The server's own trouble, said so: a CI job must not read it as a broken build. */
export function serverTrouble(p: EnvironmentProblem): UploadAnswer {
  const status = p.kind === 'full' ? 507 : 503;
  return { status, body: { error: `server problem, not the build's: ${p.message}` } };
}
