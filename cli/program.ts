// The kpd command line's commands and options (the contract of DESIGN.md): every command takes
// --db and --json, prints one JSON document with --json, and exits non-zero
// with the reason on stderr when something is wrong.
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openDb, dbPath, type DB } from '../lib/db/open';
import { SelectionError } from '../lib/queries/errors';
import { SourceError } from '../ingest/sources/local';
import { ArchiveError } from '../ingest/sources/tarball';
import { buildsCommand, metricsCommand } from './read';
import { ingestCommand } from './ingest';
import { demoCommand } from './demo';
import { serveCommand } from './serve';
import { probesCommand } from './probes';
import { traceCommand, type TraceOptions } from './trace';
import { uploadCommand, type UploadOptions } from './upload';
import { reingestCommand } from './reingest';
import { sloCheckCommand, type SloCheckOptions } from './slo';
import { regressionsCommand, type RegressionsOptions } from './regressions';
import { ClientError } from './upload-client';
import { METRIC_NAMES } from '../lib/model';
import { UsageError, type CommonOptions } from './options';


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
    if (
      e instanceof SelectionError ||
      e instanceof SourceError ||
      e instanceof ArchiveError ||
      e instanceof UsageError ||
      e instanceof ClientError
    ) {
      process.stderr.write(`kpd: ${e.message}\n`);
      process.exitCode = 1;
    } else throw e;
  }
}

function fraction(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0`);
    return n;
  };
}

/** Runs a read command on the database, or on the server's API with --server. */
function dbOrServer(opts: CommonOptions & { server?: string }, fn: (db: DB | undefined) => Promise<number>) {
  return opts.server ? fn(undefined) : withDbAsync(opts, fn);
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

  common(p.command('trace'))
    .description('latency between two probes in one build of one test, per pod (percentiles in ms)')
    .requiredOption('--job <name>')
    .requiredOption('--build <n>', 'build number', int('--build'))
    .requiredOption('--test <name>')
    .option('--image <image>')
    .option('--machine <machine>')
    .requiredOption('--from <probe>', 'start probe, e.g. create or pod_config_change')
    .requiredOption('--to <probe>', 'end probe, e.g. running or pod_status_running')
    .action((o: TraceOptions & CommonOptions) => run(() => withDb(o, (db) => traceCommand(db, o, out))));

  common(p.command('probes'))
    .description('the tracing probes found in one kubelet log (any format, plain or .gz)')
    .argument('<file>')
    .option('--pod <ns/name>', 'follow one pod: every probe with its line and offset')
    .option('--year <yyyy>', 'year of the klog headers when nothing in the log dates them', int('--year'))
    .action((file: string, o: CommonOptions & { pod?: string; year?: number }) =>
      run(() =>
        probesCommand(file, { pod: o.pod, year: o.year, json: !!o.json }, (s) => process.stdout.write(s), undefined, () => once(process.stdout, 'drain').then(() => {})),
      ),
    );

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

  common(p.command('upload'))
    .description("send a build directory (or its .tar.gz) to the dashboard's upload endpoint; a CI job's last step")
    .argument('<path>')
    .requiredOption('--server <url>', 'dashboard URL, e.g. https://perf.example.com')
    .requiredOption('--job <name>')
    .requiredOption('--build <n>', 'build number', int('--build'))
    .option('--token <token>', 'upload token (default $KPD_UPLOAD_TOKEN; prefer the variable, arguments show in ps)')
    .option('--replace', 'replace the build when the server has different content for it')
    .action((path: string, o: UploadOptions) => run(() => uploadCommand(path, o, out)));

  common(p.command('reingest'))
    .description('re-parse builds from their kept upload archives or build directories (after a parser fix)')
    .requiredOption('--job <name>')
    .option('--build <n>', 'only this build', int('--build'))
    .action((o: CommonOptions & { job: string; build?: number }) =>
      run(() => withDbAsync(o, (db) => reingestCommand(db, o, out))),
    );

  const slo = p.command('slo').description('service level objectives');
  common(slo.command('check'))
    .description("each SLO's value and verdict on a build (the newest by default); exits 1 when one is violated")
    .requiredOption('--job <name>')
    .option('--build <n>', 'build number', int('--build'))
    .option('--slo <file>', 'SLO config (default $KPD_SLO, else data/slo.json, else the built-in defaults)')
    .option('--server <url>', "ask the dashboard's API instead of the database")
    .action((o: SloCheckOptions) => run(() => dbOrServer(o, (db) => sloCheckCommand(db, o, out))));

  common(p.command('regressions'))
    .description("change points in the job's series, newest first: build, levels before and after, relative change")
    .requiredOption('--job <name>')
    .option('--server <url>', "ask the dashboard's API instead of the database")
    .option('--p-value <p>', 'significance of a change point (default 0.001)', fraction('--p-value'))
    .option('--min-change <r>', 'smallest relative change reported (default 0.05)', fraction('--min-change'))
    .option('--window <n>', 'builds compared on each side (default 40)', int('--window'))
    .action((o: RegressionsOptions) => run(() => dbOrServer(o, (db) => regressionsCommand(db, o, out))));

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

