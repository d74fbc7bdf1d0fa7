// Where raw uploads are kept: <uploads>/<job>/<build>.tar.gz, <uploads> being
// $KPD_UPLOADS_DIR or `uploads` next to the database, so `kpd reingest` can
// re-parse them after a parser fix; and the spans the traces receiver took for
// a build, <uploads>/<job>/<build>.traces/<host>.jsonl (OTLP JSON lines, one
// export request a line), read with the build whenever it is ingested. Job
// names, build numbers and host names arrive in requests: only names that are
// safe as one path component become paths.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BuildIdError, isBuildId, parseBuildId, type BuildId } from '../../lib/build-id';
import { dbPath } from '../../lib/db/open';

/** Prow job names: letters, digits, `.`, `_`, `-`; never `.`/`..` or a path. */
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export class UploadNameError extends Error {}

export function checkJobName(job: string): string {
  if (!JOB_NAME.test(job)) {
    throw new UploadNameError(
      `job name ${JSON.stringify(job.slice(0, 100))} is not allowed: use letters, digits, ".", "_" and "-" (at most 200), starting with a letter or digit`,
    );
  }
  return job;
}

/** A build ID from a URL: 1 to 19 digits (a Prow build ID or a build number). */
export function checkBuildId(build: string): BuildId {
  try {
    return parseBuildId(build, 'the build in the URL');
  } catch (e) {
    if (e instanceof BuildIdError) throw new UploadNameError(e.message);
    throw e;
  }
}

/** The uploads folder of the database `db` (default: the one dbPath() names). */
export function uploadsDir(env: NodeJS.ProcessEnv = process.env, db?: string): string {
  return path.resolve(
    /*turbopackIgnore: true*/ env.KPD_UPLOADS_DIR || path.join(path.dirname(path.resolve(/*turbopackIgnore: true*/ dbPath(db))), 'uploads'),
  );
}

/** The kept archive of a build. */
export function archivePath(dir: string, job: string, build: BuildId): string {
  return path.join(dir, checkJobName(job), `${build}.tar.gz`);
}

/** A fresh file to receive an upload into, on the same file system as the kept archives so that keeping it is a rename. */
export function incomingPath(dir: string, job: string, build: BuildId): string {
  const incoming = path.join(dir, checkJobName(job), '.incoming');
  fs.mkdirSync(incoming, { recursive: true });
  return path.join(incoming, `${build}-${randomUUID()}.tar.gz`);
}

/** Moves a received archive to where its build's archive is kept, replacing an older one. */
export function keepArchive(received: string, kept: string): void {
  fs.mkdirSync(path.dirname(kept), { recursive: true });
  fs.renameSync(received, kept);
}

/** The spans received for one build, per host. */
export function tracesDir(dir: string, job: string, build: BuildId): string {
  return path.join(dir, checkJobName(job), `${build}.traces`);
}

/** A host name as a file name: node names are DNS names and stay as they are; anything else is made safe, never refused. */
export function hostFileName(host: string | undefined): string {
  const safe = (host ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '').slice(0, 200);
  return safe || UNKNOWN_HOST;
}

/** Where spans go whose resource names no `host.name`. */
export const UNKNOWN_HOST = 'unknown-host';

export interface KeptTraceFile {
  host: string;
  path: string;
  /** The file as a build's ingest report names it: `<build>.traces/<host>.jsonl`. */
  rel: string;
}

/** The trace files received for a build, by host name; none for a job name that could never have received any. */
export function keptTraceFiles(dir: string, job: string, build: BuildId): KeptTraceFile[] {
  if (!JOB_NAME.test(job) || !isBuildId(build)) return [];
  const folder = tracesDir(dir, job, build);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.jsonl') && fs.statSync(path.join(folder, n)).isFile())
    .sort()
    .map((n) => ({ host: n.slice(0, -'.jsonl'.length), path: path.join(folder, n), rel: `${build}.traces/${n}` }));
}

/**
 * Appends one OTLP JSON line to a host's received spans. One synchronous
 * append of the whole line: requests for the same host never interleave.
 */
export function appendTraceLine(dir: string, job: string, build: BuildId, host: string, line: string): string {
  const folder = tracesDir(dir, job, build);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${hostFileName(host)}.jsonl`);
  fs.appendFileSync(file, line.endsWith('\n') ? line : line + '\n');
  return file;
}

/**
 * Removes received uploads that were never ingested: what a killed server
 * left in the `.incoming` folders. Called when the server starts, before
 * anything else is received.
 */
export function removeStaleIncoming(dir: string): number {
  let removed = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const job of fs.readdirSync(dir, { withFileTypes: true })) {
    const incoming = path.join(dir, job.name, '.incoming');
    if (!job.isDirectory() || !fs.existsSync(incoming)) continue;
    for (const f of fs.readdirSync(incoming)) {
      fs.rmSync(path.join(incoming, f), { force: true, recursive: true });
      removed++;
    }
  }
  return removed;
}
