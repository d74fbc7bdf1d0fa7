// `kpd ingest PATH`: a job directory, one build directory or a build archive.
// Progress on a TTY, a summary at the end.
import cliProgress from 'cli-progress';
import type { DB } from '../lib/db/open';
import { ingestBuilds, type IngestedBuild } from '../ingest/ingest';
import { discoverBuilds } from '../ingest/sources/local';
import { plural, printJson, table, type Out } from './output';
import type { CommonOptions } from './options';

export async function ingestCommand(
  db: DB,
  path: string,
  o: CommonOptions & { job?: string; replace?: boolean },
  out: Out,
): Promise<number> {
  const locs = discoverBuilds(path, o.job);
  const bar =
    process.stderr.isTTY && !o.json && locs.length > 1
      ? new cliProgress.SingleBar(
          { format: 'ingest [{bar}] {value}/{total} builds  {job}#{number}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(locs.length, 0, { job: locs[0].job, number: locs[0].number });
  let results: IngestedBuild[];
  try {
    results = await ingestBuilds(db, locs, {
      replace: o.replace !== false,
      onBuild: (done, _total, b) => bar?.update(done, { job: b.job, number: b.number }),
    });
  } finally {
    bar?.stop();
  }
  const count = (k: IngestedBuild['outcome']) => results.filter((r) => r.outcome === k).length;
  const summary = {
    builds: results.length,
    inserted: count('inserted'),
    replaced: count('replaced'),
    unchanged: count('unchanged'),
    failed: count('failed'),
    runs: results.reduce((n, r) => n + r.runs, 0),
    rows: results.reduce((n, r) => n + r.rows, 0),
    warnings: results.reduce((n, r) => n + r.warnings, 0),
    results,
  };
  // Every build was tried; the exit code says whether one failed.
  const code = summary.failed ? 1 : 0;
  for (const r of results) if (r.error) process.stderr.write(`kpd: build ${r.job}#${r.number} failed: ${r.error}\n`);
  if (o.json) {
    printJson(out, summary);
    return code;
  }
  out(
    table(
      [['job', 'build', 'outcome', 'runs', 'warnings'], ...results.map((r) => [r.job, r.number, r.outcome, r.runs, r.warnings])],
      new Set([3, 4]),
    ),
  );
  out(
    `${plural(summary.builds, 'build')}: ${summary.inserted} new, ${summary.replaced} replaced, ${summary.unchanged} unchanged` +
      (summary.failed ? `, ${summary.failed} failed` : '') +
      `; ${plural(summary.runs, 'run')}, ${plural(summary.rows, 'row')}, ${plural(summary.warnings, 'warning')}` +
      (summary.warnings ? ` (read them with: kpd builds --job ${results.find((r) => r.warnings)!.job} --build ${results.find((r) => r.warnings)!.number})` : ''),
  );
  return code;
}
