// What syncing from buckets keeps in the database: per build read from a
// bucket, the objects it was read from and their signature (remote_builds),
// so that an unchanged build is skipped without downloading and `kpd
// reingest` finds its objects in the cache; and per followed job its last
// sync (sync_jobs), which the overview and /api/v1/jobs show.
import type { BuildId } from '../build-id';
import type { DB } from '../db/open';
import type { Micros } from '../model';
import type { LinkTemplates } from '../links';
import { lastSegment, parseRemoteUrl } from '../remote-url';

/** One object a build was read from. */
export interface StoredObject {
  rel: string;
  key: string;
  version: string;
  size: number;
}

export interface RemoteBuildState {
  build: BuildId;
  url: string;
  signature: string;
  objects: StoredObject[];
  /** The content hash of the build as read from those objects. */
  contentHash: string;
  /** The build as the database holds it now (null when it is gone): another source (an upload) may have written it since. */
  stored: { source: string; contentHash: string } | null;
}

interface RemoteRow {
  build: string;
  url: string;
  signature: string;
  objects: string;
  content_hash: string;
  stored_source: string | null;
  stored_hash: string | null;
}

const REMOTE_SELECT = `
  SELECT r.build, r.url, r.signature, r.objects, r.content_hash, b.source AS stored_source, b.content_hash AS stored_hash
  FROM remote_builds r JOIN jobs j ON j.id = r.job_id
  LEFT JOIN builds b ON b.job_id = r.job_id AND b.number = r.build
  WHERE j.name = ?`;

const toState = (r: RemoteRow): RemoteBuildState => ({
  build: r.build,
  url: r.url,
  signature: r.signature,
  objects: JSON.parse(r.objects) as StoredObject[],
  contentHash: r.content_hash,
  stored: r.stored_source === null || r.stored_hash === null ? null : { source: r.stored_source, contentHash: r.stored_hash },
});

/** The job's builds read from a bucket, by build ID. */
export function remoteBuildStates(db: DB, job: string): Map<BuildId, RemoteBuildState> {
  const rows = db.prepare<[string], RemoteRow>(REMOTE_SELECT).all(job);
  return new Map(rows.map((r) => [r.build, toState(r)]));
}

export function remoteBuildState(db: DB, job: string, build: BuildId): RemoteBuildState | undefined {
  const row = db.prepare<[string, string], RemoteRow>(`${REMOTE_SELECT} AND r.build = ?`).get(job, build);
  return row ? toState(row) : undefined;
}

/** Records what a build was read from and the content hash of what was read. */
export function recordRemoteBuild(
  db: DB,
  r: { jobId: number; build: BuildId; url: string; signature: string; objects: StoredObject[]; contentHash: string },
): void {
  db.prepare(
    `INSERT INTO remote_builds (job_id, build, url, signature, objects, content_hash, checked_us) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (job_id, build) DO UPDATE SET url = excluded.url, signature = excluded.signature, objects = excluded.objects,
       content_hash = excluded.content_hash, checked_us = excluded.checked_us`,
  ).run(r.jobId, r.build, r.url, r.signature, JSON.stringify(r.objects), r.contentHash, Date.now() * 1000);
}

/** The build's source and content hash as the database holds them now; undefined when it is not there. */
export function storedBuild(db: DB, jobId: number, build: BuildId): { source: string; contentHash: string } | undefined {
  const row = db
    .prepare<[number, string], { source: string; content_hash: string }>('SELECT source, content_hash FROM builds WHERE job_id = ? AND number = ?')
    .get(jobId, build);
  return row ? { source: row.source, contentHash: row.content_hash } : undefined;
}

export type SyncOutcome = 'ok' | 'partial' | 'failed';

export interface JobSyncState {
  job: string;
  /** The bucket URL it follows. */
  source: string;
  displayName: string | null;
  /** Link templates with {bucket}, {job}, {build}. */
  prowUrl: string | null;
  artifactsUrl: string | null;
  /** When the last sync of the job started and ended; null before the first. */
  lastSync: Micros | null;
  finished: Micros | null;
  /** ok: every build read; partial: some builds failed (kept for the next pass); failed: the job could not be read. */
  outcome: SyncOutcome | null;
  error: string | null;
  newBuilds: number;
  failedBuilds: number;
  /** When a sync of the job last ended ok. */
  lastOk: Micros | null;
}

interface SyncRow {
  job: string;
  source: string;
  display_name: string | null;
  prow_url: string | null;
  artifacts_url: string | null;
  started_us: number | null;
  finished_us: number | null;
  outcome: SyncOutcome | null;
  error: string | null;
  new_builds: number;
  failed_builds: number;
  last_ok_us: number | null;
}

const toSync = (r: SyncRow): JobSyncState => ({
  job: r.job,
  source: r.source,
  displayName: r.display_name,
  prowUrl: r.prow_url,
  artifactsUrl: r.artifacts_url,
  lastSync: r.started_us,
  finished: r.finished_us,
  outcome: r.outcome,
  error: r.error,
  newBuilds: r.new_builds,
  failedBuilds: r.failed_builds,
  lastOk: r.last_ok_us,
});

/** Every followed job's last sync, by job name. */
export function jobSyncStates(db: DB): JobSyncState[] {
  return db.prepare<[], SyncRow>('SELECT * FROM sync_jobs ORDER BY job').all().map(toSync);
}

export interface FollowedJobRecord {
  job: string;
  source: string;
  displayName?: string;
  prowUrl?: string;
  artifactsUrl?: string;
}

/** The jobs followed now: new ones added, their settings updated, the ones no longer followed removed. */
export function recordFollowedJobs(db: DB, jobs: FollowedJobRecord[]): void {
  const upsert = db.prepare(
    `INSERT INTO sync_jobs (job, source, display_name, prow_url, artifacts_url) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (job) DO UPDATE SET source = excluded.source, display_name = excluded.display_name,
       prow_url = excluded.prow_url, artifacts_url = excluded.artifacts_url`,
  );
  db.transaction(() => {
    const names = jobs.map((j) => j.job);
    db.prepare(`DELETE FROM sync_jobs WHERE job NOT IN (SELECT value FROM json_each(?))`).run(JSON.stringify(names));
    for (const j of jobs) upsert.run(j.job, j.source, j.displayName ?? null, j.prowUrl ?? null, j.artifactsUrl ?? null);
  }).immediate();
}

export function recordSyncStart(db: DB, job: string, now: Micros): void {
  db.prepare('UPDATE sync_jobs SET started_us = ?, finished_us = NULL WHERE job = ?').run(now, job);
}

export function recordSyncEnd(
  db: DB,
  job: string,
  r: { outcome: SyncOutcome; error: string | null; newBuilds: number; failedBuilds: number; now: Micros },
): void {
  db.prepare(
    `UPDATE sync_jobs SET finished_us = ?, outcome = ?, error = ?, new_builds = ?, failed_builds = ?,
       last_ok_us = CASE WHEN ? = 'ok' THEN ? ELSE last_ok_us END
     WHERE job = ?`,
  ).run(r.now, r.outcome, r.error, r.newBuilds, r.failedBuilds, r.outcome, r.now, job);
}

/**
 * A followed job's link templates (its `prowUrl` and `artifactsUrl` in
 * jobs.json), with its bucket and its folder there; undefined for a job not
 * followed, which gets lib/links.ts's defaults.
 */
export function jobLinkTemplates(db: DB, job: string): LinkTemplates | undefined {
  const row = db
    .prepare<[string], Pick<SyncRow, 'source' | 'prow_url' | 'artifacts_url'>>('SELECT source, prow_url, artifacts_url FROM sync_jobs WHERE job = ?')
    .get(job);
  if (!row) return undefined;
  const source = parseRemoteUrl(row.source);
  return {
    ...(row.prow_url ? { prowUrl: row.prow_url } : {}),
    ...(row.artifacts_url ? { artifactsUrl: row.artifacts_url } : {}),
    bucket: source.bucket,
    job: lastSegment(source),
  };
}
