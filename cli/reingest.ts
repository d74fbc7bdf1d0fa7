// `kpd reingest --job J [--build N]`: re-parses builds from where they were
// read (kept upload archives, build directories, a bucket's objects through
// the cache) and re-writes them even when the bytes are unchanged: what to
// run after a parser fix.
import type { BuildId } from '../lib/build-id';
import fs from 'node:fs';
import type { DB } from '../lib/db/open';
import { ingestBuilds } from '../ingest/ingest';
import type { BuildLocation } from '../ingest/sources/local';
import { reingestRemote, remoteSettingsFromEnv, type RemoteBuildResult } from '../ingest/remote';
import { buildSources, type BuildSource } from '../lib/queries/sources';
import { remoteBuildState, type RemoteBuildState } from '../lib/queries/sync';
import { isRemoteUrl } from '../lib/remote-url';
import { printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

const ARCHIVE = /\.(tar\.gz|tgz)$/;

export async function reingestCommand(
  db: DB,
  o: CommonOptions & { job: string; build?: BuildId },
  out: Out,
): Promise<number> {
  const sources = buildSources(db, o.job, o.build);
  const local = sources.filter((s) => !isRemoteUrl(s.source));
  const remote = sources.filter((s) => isRemoteUrl(s.source));
  const states = remote.map((s) => remoteBuildState(db, o.job, String(s.number)));
  const missing: BuildSource[] = [
    ...local.filter((s) => !fs.existsSync(s.source)),
    ...remote.filter((_, i) => states[i] === undefined),
  ];
  const locs: BuildLocation[] = local
    .filter((s) => fs.existsSync(s.source))
    .map((s) => ({ job: o.job, number: s.number, path: s.source, archive: ARCHIVE.test(s.source) }));
  const kept = states.filter((s): s is RemoteBuildState => s !== undefined);
  const fromBuckets: RemoteBuildResult[] = kept.length ? await reingestRemote(db, kept, o.job, remoteSettingsFromEnv()) : [];
  const failed = fromBuckets.filter((r) => r.outcome === 'failed');
  const results = [...(await ingestBuilds(db, locs, { force: true })), ...fromBuckets.filter((r) => r.outcome !== 'failed')];
  if (o.json) {
    printJson(out, { job: o.job, reingested: results, missing });
  } else {
    if (results.length) {
      out(table([['build', 'outcome', 'runs', 'warnings'], ...results.map((r) => [r.number, r.outcome, r.runs, r.warnings])]));
    }
    out(`${results.length} builds of ${o.job} re-parsed` + (missing.length ? `; ${missing.length} sources missing` : ''));
  }
  for (const m of missing) process.stderr.write(`kpd: build ${o.job}#${m.number}: source ${m.source} is gone; not re-parsed\n`);
  for (const f of failed) process.stderr.write(`kpd: build ${o.job}#${f.number}: ${f.error}; not re-parsed\n`);
  return missing.length || failed.length ? 1 : 0;
}
