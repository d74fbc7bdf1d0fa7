// Re-parses builds of a job (one, or all) from where they were read and
// re-writes them even when their bytes are unchanged: after a parser fix, or
// when spans arrived for a build that exists. Builds read from a directory or
// a kept upload archive are read there again; builds read from a bucket are
// read from the raw-object cache (ingest/remote.ts).
import fs from 'node:fs';
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { buildSources, type BuildSource } from '../lib/queries/sources';
import { remoteBuildState, type RemoteBuildState } from '../lib/queries/sync';
import { isRemoteUrl } from '../lib/remote-url';
import { ingestBuilds, type IngestedBuild, type IngestOptions } from './ingest';
import { reingestRemote, remoteSettingsFromEnv, type RemoteBuildResult } from './remote';
import type { BuildLocation } from './sources/local';

const ARCHIVE = /\.(tar\.gz|tgz)$/;

export interface Reingested {
  results: (IngestedBuild | RemoteBuildResult)[];
  /** Builds whose source (directory, kept archive, cached bucket objects) is gone: not re-parsed. */
  missing: BuildSource[];
  /** Builds of a bucket that could not be read again, with why. */
  failed: { number: BuildId; error: string }[];
}

/** An unknown job or build is a SelectionError. */
export async function reingest(db: DB, job: string, build?: BuildId, opts: Pick<IngestOptions, 'uploadsDir'> = {}): Promise<Reingested> {
  const sources = buildSources(db, job, build);
  const local = sources.filter((s) => !isRemoteUrl(s.source));
  const remote = sources.filter((s) => isRemoteUrl(s.source));
  const states = remote.map((s) => remoteBuildState(db, job, s.number));
  const missing: BuildSource[] = [...local.filter((s) => !fs.existsSync(s.source)), ...remote.filter((_, i) => states[i] === undefined)];
  const locs: BuildLocation[] = local
    .filter((s) => fs.existsSync(s.source))
    .map((s) => ({ job, number: s.number, path: s.source, archive: ARCHIVE.test(s.source) }));
  const kept = states.filter((s): s is RemoteBuildState => s !== undefined);
  const fromBuckets = kept.length ? await reingestRemote(db, kept, job, remoteSettingsFromEnv()) : [];
  const results = [...(await ingestBuilds(db, locs, { force: true, ...opts })), ...fromBuckets.filter((r) => r.outcome !== 'failed')];
  const failed = fromBuckets.filter((r) => r.outcome === 'failed').map((r) => ({ number: r.number, error: r.error ?? 'not read' }));
  return { results, missing, failed };
}
