// Finds builds in a bucket: a job prefix (numbered build folders, optional
// latest-build.txt) or one build prefix, like ingest/sources/local.ts does on
// disk; and lists the objects of a build that the build reader reads (the
// kinds of ingest/build.ts, so the two never disagree) and nothing else.
import { createHash } from 'node:crypto';
import { compareBuildIds, isBuildId, type BuildId } from '../../../lib/build-id';
import { formatRemoteUrl, lastSegment, parentOf, type RemoteUrl } from '../../../lib/remote-url';
import { kindOf } from '../../build';
import { SourceError } from '../local';
import { withRetry, type RetryPolicy } from './retry';
import { describeStatus, RemoteError, type ObjectStore, type RemoteObject } from './store';

/** The client of the URL's store, loaded on first use: each SDK takes most of a second to import, which no other kpd command should pay. */
export async function openStore(u: RemoteUrl): Promise<ObjectStore> {
  if (u.scheme === 'gs') return new (await import('./gcs')).GcsStore({ scheme: 'gs', bucket: u.bucket });
  return new (await import('./s3')).S3Store({ scheme: 's3', bucket: u.bucket });
}

export interface RemoteBuild {
  job: string;
  id: BuildId;
  /** gs://… or s3://… of the build folder: the build's source. */
  url: string;
  /** Key prefix of the build's objects, ending with '/'. */
  prefix: string;
}

/** An object the build reader reads, with its path inside the build. */
export interface BuildObject {
  rel: string;
  obj: RemoteObject;
}

const folder = (u: RemoteUrl) => (u.path ? `${u.path}/` : '');

/**
 * The builds under `u`: a job prefix yields its numbered build folders (and
 * the build latest-build.txt names: a store whose listings lag behind its
 * writes, as some S3-compatible ones do, still shows the newest build), the
 * newest `last` of them in build order; a build prefix yields itself, its
 * job named by the folder above unless `job` is given.
 */
export async function discoverRemoteBuilds(
  store: ObjectStore,
  u: RemoteUrl,
  opts: { job?: string; last?: number; retry: RetryPolicy },
): Promise<RemoteBuild[]> {
  const where = formatRemoteUrl(u);
  const top = await withRetry(opts.retry, () => store.list(folder(u), true)).catch((e) => {
    throw listingError(where, e);
  });
  const names = top.objects.map((o) => o.key.slice(folder(u).length));
  const isBuild = names.some((n) => kindOf(n) !== undefined) || top.prefixes.includes(`${folder(u)}artifacts/`);
  if (isBuild) {
    const id = lastSegment(u);
    if (!isBuildId(id)) throw new SourceError(`${where}: a build folder's name must be its build ID, got "${id}"`);
    const job = opts.job ?? lastSegment(parentOf(u));
    if (!job) throw new SourceError(`${where}: the build is at the bucket's root; name its job with --job`);
    return [{ job, id, url: where, prefix: folder(u) }];
  }

  const job = opts.job ?? lastSegment(u);
  if (!job) throw new SourceError(`${where}: the jobs are at the bucket's root; name the job with --job or give its folder`);
  const ids = new Set<BuildId>();
  for (const p of top.prefixes) {
    const name = p.slice(folder(u).length).replace(/\/$/, '');
    if (isBuildId(name)) ids.add(name);
  }
  const latest = top.objects.find((o) => o.key === `${folder(u)}latest-build.txt`);
  if (latest) {
    const named = (await readSmall(store, latest, opts.retry)).trim();
    if (isBuildId(named)) ids.add(named);
  }
  if (!ids.size) {
    throw new SourceError(
      `${where}: no builds (expected numbered build folders, or build-log.txt/started.json/artifacts/ under the prefix)`,
    );
  }
  const sorted = [...ids].sort(compareBuildIds);
  const chosen = opts.last !== undefined ? sorted.slice(Math.max(0, sorted.length - opts.last)) : sorted;
  return chosen.map((id) => ({ job, id, url: formatRemoteUrl(u, id), prefix: `${folder(u)}${id}/` }));
}

function listingError(where: string, e: unknown): Error {
  if (!(e instanceof RemoteError)) return e as Error;
  const what = e.status === 404 ? 'bucket not found' : describeStatus(e.status);
  return new SourceError(`${where}: cannot list: ${what}${e.status === undefined ? ` (${e.message})` : ''}`);
}

async function readSmall(store: ObjectStore, obj: RemoteObject, retry: RetryPolicy): Promise<string> {
  return withRetry(retry, async () => {
    const chunks: Buffer[] = [];
    for await (const c of (await store.read(obj)).chunks) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  });
}

/** The objects of a build the reader reads, sorted by path; everything else in the folder is never downloaded. */
export async function buildObjects(store: ObjectStore, build: RemoteBuild, retry: RetryPolicy): Promise<BuildObject[]> {
  const { objects } = await withRetry(retry, () => store.list(build.prefix, false));
  return objects
    .map((obj) => ({ rel: obj.key.slice(build.prefix.length), obj }))
    .filter((o) => kindOf(o.rel) !== undefined && o.rel.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** The files right in the build folder that the reader reads (build-log.txt, started.json, finished.json): one short listing. */
export async function topObjects(store: ObjectStore, build: RemoteBuild, retry: RetryPolicy): Promise<BuildObject[]> {
  const { objects } = await withRetry(retry, () => store.list(build.prefix, true));
  return objects.map((obj) => ({ rel: obj.key.slice(build.prefix.length), obj })).filter((o) => kindOf(o.rel) !== undefined);
}

/** Names, versions and sizes of a build's objects: equal signatures, equal bytes to read. */
export function signatureOf(objects: BuildObject[]): string {
  const h = createHash('sha256');
  for (const o of objects) h.update(`${o.rel}\0${o.obj.version}\0${o.obj.size}\n`);
  return h.digest('hex');
}
