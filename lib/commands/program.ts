// The kpd command line's commands and options (the contract of DESIGN.md): every command takes
// --db and --json, prints one JSON document with --json, and exits non-zero
// with the reason on stderr when something is wrong.
import { Command, InvalidArgumentError, Option } from 'commander';
import { openDb, dbPath, type DB } from '../db/open';
import { SelectionError } from '../queries/errors';
import { SourceError } from '../../ingest/sources/local';
import { ArchiveError } from '../../ingest/sources/tarball';
import { buildsCommand, metricsCommand } from './read';
import { ingestCommand } from './ingest';
import { demoCommand } from './demo';
import { serveCommand } from './serve';
import { METRIC_NAMES } from '../model';

export interface CommonOptions {
  db?: string;
  json?: boolean;
}

/** Errors that are the user's to fix: printed as a message, no stack. */
export class UsageError extends Error {}

const out = (s: string) => process.stdout.write(s + '\n');

function int(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(v);
  };
}

function withDb<T>(opts: CommonOptions, fn: (db: DB) => T): T {
  const db = openDb(dbPath(opts.db));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function run(action: () => Promise<number | void> | number | void): Promise<void> {
  try {
    const code = await action();
    if (typeof code === 'number') process.exitCode = code;
  } catch (e) {
    if (e instanceof SelectionError || e instanceof SourceError || e instanceof ArchiveError || e instanceof UsageError) {
      process.stderr.write(`kpd: ${e.message}\n`);
      process.exitCode = 1;
    } else throw e;
  }
}

function common(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'SQLite database (default $KPD_DB, else data/kpd.db)')
    .option('--json', 'print one JSON document on stdout');
}

export function program(): Command {
  const p = new Command('kpd')
    .description('kubelet-perf-dash: node e2e perf results and kubelet tracing, in SQLite')
    .showHelpAfterError();

  common(p.command('ingest'))
    .description('ingest a job directory (numbered build dirs), one build directory, or a build .tar.gz; idempotent')
    .argument('<path>')
    .option('--job <name>', 'job name (default: the directory name)')
    .option('--no-replace', 'refuse changed content for an existing build instead of replacing it')
    .action((path: string, o: CommonOptions & { job?: string; replace: boolean }) =>
      run(() => withDbAsync(o, (db) => ingestCommand(db, path, o, out))),
    );

  common(p.command('builds'))
    .description("list a job's builds")
    .requiredOption('--job <name>')
    .action((o: CommonOptions & { job: string }) => run(() => withDb(o, (db) => buildsCommand(db, o, out))));

  common(p.command('metrics'))
    .description("one metric of one test and node config, each build's stats in build order")
    .requiredOption('--job <name>')
    .requiredOption('--test <name>', 'test short name, e.g. density_create_batch_105_0_0')
    .option('--image <image>')
    .option('--machine <machine>')
    .addOption(new Option('--metric <metric>').choices([...METRIC_NAMES]).makeOptionMandatory())
    .option('--from <build>', 'first build', int('--from'))
    .option('--to <build>', 'last build', int('--to'))
    .option('--last <n>', 'only the last N builds of the range', int('--last'))
    .action((o) => run(() => withDb(o, (db) => metricsCommand(db, o, out))));

  common(p.command('serve'))
    .description('serve the dashboard (builds it first when needed; ingests the samples into an empty database)')
    .option('--port <port>', 'port', int('--port'), 3000)
    .option('--dev', 'run the Next.js development server')
    .action((o: CommonOptions & { port: number; dev?: boolean }) => run(() => serveCommand(o)));

  common(p.command('demo'))
    .description('generate realistic demo builds and ingest them')
    .option('--builds <n>', 'builds per job', int('--builds'), 30)
    .option('--out <dir>', 'where to write the generated build directories', 'data/demo')
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .action((o: CommonOptions & { builds: number; out: string; seed: number }) =>
      run(() => withDbAsync(o, (db) => demoCommand(db, o, out))),
    );

  return p;
}

async function withDbAsync<T>(opts: CommonOptions, fn: (db: DB) => Promise<T>): Promise<T> {
  const db = openDb(dbPath(opts.db));
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

