// `kpd ingest gs://BUCKET/PATH/JOB` (or s3://…, or one build …/JOB/BUILD):
// builds straight from a bucket. Progress on a TTY (builds and bytes), a
// summary at the end; exit 1 when a build could not be read (it was not
// written; run again to resume, from the cache).
import cliProgress from 'cli-progress';
import type { DB } from '../lib/db/open';
import { ingestRemote, remoteSettingsFromEnv, type RemoteBuildResult } from '../ingest/remote';
import { plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

function megabytes(n: number): string {
  return (n / 1e6).toFixed(n < 1e7 ? 2 : 1);
}

export async function remoteIngestCommand(
  db: DB,
  source: string,
  o: CommonOptions & { job?: string; last?: number; replace?: boolean },
  out: Out,
): Promise<number> {
  const settings = remoteSettingsFromEnv();
  const tty = process.stderr.isTTY && !o.json;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'ingest [{bar}] {value}/{total} builds  {mb} MB  {build}', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let bytes = 0;
  let done = 0;
  const res = await ingestRemote(db, source, settings, {
    job: o.job,
    last: o.last,
    replaceOther: o.replace !== false,
    onStart: (total) => bar?.start(total, 0, { mb: megabytes(0), build: '' }),
    onBytes: (n) => {
      bytes += n;
      bar?.update(done, { mb: megabytes(bytes) });
    },
    onBuild: (d, _total, b) => {
      done = d;
      bar?.update(d, { mb: megabytes(bytes), build: `${b.job}#${b.number}` });
    },
  }).finally(() => bar?.stop());

  const builds = res.builds;
  const count = (k: RemoteBuildResult['outcome']) => builds.filter((r) => r.outcome === k).length;
  const sum = (f: (r: RemoteBuildResult) => number) => builds.reduce((n, r) => n + f(r), 0);
  const failed = builds.filter((r) => r.outcome === 'failed');
  const summary = {
    source: res.source,
    job: res.job,
    builds: builds.length,
    inserted: count('inserted'),
    replaced: count('replaced'),
    unchanged: count('unchanged'),
    /** Unchanged builds whose objects were not even downloaded. */
    skipped: builds.filter((r) => r.skipped).length,
    kept: count('kept'),
    failed: failed.length,
    runs: sum((r) => r.runs),
    rows: sum((r) => r.rows),
    warnings: sum((r) => r.warnings),
    downloaded: sum((r) => r.downloaded),
    cached: sum((r) => r.cached),
    bytes: sum((r) => r.bytes),
    results: builds,
  };
  for (const f of failed) process.stderr.write(`kpd: build ${f.job}#${f.number}: ${f.error}; not written (run again to resume)\n`);
  if (o.json) {
    printJson(out, summary);
  } else {
    out(
      table(
        [
          ['job', 'build', 'outcome', 'runs', 'warnings', 'downloaded'],
          ...builds.map((r) => [r.job, r.number, r.skipped ? 'unchanged (not downloaded)' : r.outcome, r.runs, r.warnings, r.downloaded]),
        ],
        new Set([3, 4, 5]),
      ),
    );
    out(
      `${plural(summary.builds, 'build')} from ${res.source}: ${summary.inserted} new, ${summary.replaced} replaced, ` +
        `${summary.unchanged} unchanged (${summary.skipped} not downloaded)` +
        (summary.kept ? `, ${summary.kept} kept as another source wrote them` : '') +
        (summary.failed ? `, ${summary.failed} failed (not written; run again to resume)` : '') +
        `; ${plural(summary.runs, 'run')}, ${plural(summary.rows, 'row')}, ${plural(summary.warnings, 'warning')}; ` +
        `${summary.downloaded} objects downloaded (${megabytes(summary.bytes)} MB), ${summary.cached} from the cache ${settings.cacheDir}`,
    );
  }
  return failed.length ? 1 : 0;
}
