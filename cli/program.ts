// The kpd command line's commands and options (the contract of DESIGN.md): every command takes
// --db and --json, prints one JSON document with --json, and exits non-zero
// with the reason on stderr when something is wrong. A command's module is
// loaded when it runs, so `kpd builds` never pays for the server, the bucket
// clients or the parsers.
import type { BuildId } from '../lib/build-id';
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openDb, dbPath, type DB } from '../lib/db/open';
import { EnvironmentProblem, environmentProblem } from '../lib/db/problems';
import { UserError } from '../lib/errors';
import pkg from '../package.json' with { type: 'json' };
import type { ServeOptions } from './serve';
import type { TraceOptions } from './trace';
import type { PodOptions } from './pod';
import type { UploadOptions } from './upload';
import type { SloCheckOptions } from './slo';
import type { RegressionsOptions } from './regressions';
import type { ChangepointsOptions } from './changepoints';
import type { AlertsOptions } from './alerts';
import { DEFAULT_CHANGE_POINT_OPTIONS } from '../lib/regressions';
import { ALERT_STATES, METRIC_NAMES } from '../lib/model';
import { exitCodeOf, type CommonOptions } from './options';
import { BuildIdError, parseBuildId } from '../lib/build-id';


const out = (s: string) => process.stdout.write(s + '\n');

/** Help of the options most commands share: what each names and where to find the names. */
const HELP = {
  job: 'the job, e.g. ci-kubernetes-node-kubelet-benchmark (`kpd jobs` lists them)',
  test: 'test short name, e.g. density_create_batch_105_0_0 (`kpd tests --job J` lists them)',
  image: 'node image the test ran on; needed when it ran on several (`kpd tests --job J` lists them)',
  machine: 'machine type the test ran on, e.g. n1-standard-2; needed when it ran on several',
} as const;

/** Counts (--last, --builds, --window…): whole numbers, at most a billion. */
function int(name: string) {
  return (v: string) => {
    if (!/^\d{1,9}$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number up to 999999999, got "${v.slice(0, 40)}"`);
    return Number(v);
  };
}

/** Read commands open the database read-only: they work on a file they may not write, and never create one. */
type Access = 'read' | 'write';

function withDb<T>(opts: CommonOptions, access: Access, fn: (db: DB) => T): T {
  const db = openDb(dbPath(opts.db), { readonly: access === 'read' });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function withDbAsync<T>(opts: CommonOptions, access: Access, fn: (db: DB) => Promise<T>): Promise<T> {
  const db = openDb(dbPath(opts.db), { readonly: access === 'read' });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}


/** Set by --debug (or $KPD_DEBUG=1): an unexpected error prints its stack. */
let debug = process.env.KPD_DEBUG === '1';

async function run(action: () => Promise<number | void> | number | void): Promise<void> {
  try {
    const code = await action();
    if (typeof code === 'number') process.exitCode = code;
  } catch (e) {
    process.exitCode = exitCodeOf(e);
    if (e instanceof UserError || e instanceof EnvironmentProblem) {
      process.stderr.write(`kpd: ${(e as Error).message}\n`);
      return;
    }
    const problem = environmentProblem(e, 'the database');
    if (problem) {
      process.stderr.write(`kpd: ${problem.message}\n`);
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`kpd: unexpected error: ${err.message}${debug ? `\n${err.stack}` : ' (--debug shows where)'}\n`);
  }
}

/** A build ID option: its exact digits, checked (Prow IDs are 19 digits, beyond a JavaScript number). */
function buildIdArg(name: string) {
  return (v: string) => {
    try {
      return parseBuildId(v, name);
    } catch (e) {
      if (e instanceof BuildIdError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

function portArg(v: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new InvalidArgumentError(`port must be a number from 1 to 65535, got "${v}"`);
  return Number(v);
}

/** Counts that must be at least one (--last of an ingest). */
function positive(name: string) {
  return (v: string) => {
    if (!/^[1-9]\d{0,8}$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number from 1 to 999999999`);
    return Number(v);
  };
}

/** `30s`, `10m`, `1h` in milliseconds. */
function duration(name: string) {
  return (v: string) => {
    const m = /^([1-9]\d{0,5})(s|m|h)$/.exec(v);
    if (!m) throw new InvalidArgumentError(`${name} must be a duration like 30s, 10m or 1h`);
    return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
  };
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
  return opts.server ? fn(undefined) : withDbAsync(opts, 'read', fn);
}

function common(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'SQLite database (default $KPD_DB, else data/kpd.db)')
    .option('--json', 'print one JSON document on stdout')
    .option('--debug', 'print the stack of an unexpected error');
}

export function program(): Command {
  const p = new Command('kpd')
    .description('kubelet-perf-dash: node e2e perf results and kubelet tracing, in SQLite')
    .version(pkg.version, '-V, --version', 'print the version of kpd')
    .showHelpAfterError()
    .hook('preAction', (_p, action) => {
      debug ||= !!action.opts().debug;
    });

  common(p.command('ingest'))
    .description(
      'ingest a job directory (numbered build dirs), one build directory, a build .tar.gz, or a job or build in a bucket ' +
        '(gs://BUCKET/PATH/JOB[/BUILD], s3://…); idempotent',
    )
    .argument('<path>')
    .option('--job <name>', 'job name (default: the directory name)')
    .option('--last <n>', 'only the newest N builds', positive('--last'))
    .option('--no-replace', 'refuse changed content for an existing build instead of replacing it')
    .action((path: string, o: CommonOptions & { job?: string; last?: number; replace: boolean }) =>
      run(async () => {
        const { ingestCommand } = await import('./ingest');
        return withDbAsync(o, 'write', (db) => ingestCommand(db, path, o, out));
      }),
    );

  common(p.command('builds'))
    .description("list a job's builds; with --build, one build: its runs and its ingest report's warnings")
    .requiredOption('--job <name>', HELP.job)
    .option('--build <id>', 'show this build (its ID): its runs, and each warning with its file and line', buildIdArg('--build'))
    .action((o: CommonOptions & { job: string; build?: BuildId }) =>
      run(async () => {
        const { buildsCommand } = await import('./read');
        return withDb(o, 'read', (db) => buildsCommand(db, o, out));
      }),
    );

  common(p.command('jobs'))
    .description('the jobs: how many builds, the last build, the last sync of a followed job')
    .action((o: CommonOptions) =>
      run(async () => {
        const { jobsCommand } = await import('./jobs');
        return withDb(o, 'read', (db) => jobsCommand(db, o, out));
      }),
    );

  common(p.command('tests'))
    .description("a job's tests and the node configs (image, machine) each ran on: the names --test, --image and --machine take")
    .requiredOption('--job <name>', HELP.job)
    .action((o: CommonOptions & { job: string }) =>
      run(async () => {
        const { testsCommand } = await import('./jobs');
        return withDb(o, 'read', (db) => testsCommand(db, o, out));
      }),
    );

  common(p.command('metrics'))
    .description("one metric of one test and node config, each build's stats in build order")
    .requiredOption('--job <name>', HELP.job)
    .option('--test <name>', HELP.test)
    .option('--image <image>', HELP.image)
    .option('--machine <machine>', HELP.machine)
    .addOption(new Option('--metric <metric>', 'the metric').choices([...METRIC_NAMES]).makeOptionMandatory())
    .option('--from <build>', 'first build ID of the range', buildIdArg('--from'))
    .option('--to <build>', 'last build ID of the range', buildIdArg('--to'))
    .option('--last <n>', 'only the last N builds of the range', int('--last'))
    .action((o) =>
      run(async () => {
        const { metricsCommand } = await import('./read');
        return withDb(o, 'read', (db) => metricsCommand(db, o, out));
      }),
    );

  common(p.command('trace'))
    .description('latency between two probes in one build of one test, per pod (percentiles in ms)')
    .requiredOption('--job <name>', HELP.job)
    .requiredOption('--build <id>', 'build ID (a Prow build ID or a build number)', buildIdArg('--build'))
    .option('--test <name>', HELP.test)
    .option('--image <image>', HELP.image)
    .option('--machine <machine>', HELP.machine)
    .requiredOption('--from <probe>', 'start probe, e.g. create or pod_config_change')
    .requiredOption('--to <probe>', 'end probe, e.g. running or pod_status_running')
    .action((o: TraceOptions & CommonOptions) =>
      run(async () => {
        const { traceCommand } = await import('./trace');
        return withDb(o, 'read', (db) => traceCommand(db, o, out));
      }),
    );

  common(p.command('pod'))
    .description('one pod of one build: its log and span probes, its spans, logs vs spans, and the kubelet log lines around its probes')
    .requiredOption('--job <name>', HELP.job)
    .requiredOption('--build <id>', 'build ID (a Prow build ID or a build number)', buildIdArg('--build'))
    .requiredOption('--pod <ns/name>', 'the pod, namespace/name')
    .option('--test <name>', 'the run (when the pod name is in several)')
    .option('--image <image>', HELP.image)
    .option('--machine <machine>', HELP.machine)
    .option('--instance <n>', "the pod name's life (0 first; a re-added pod is 1, …)", int('--instance'))
    .option('--context <n>', 'log lines shown before and after each probe (default 3)', int('--context'))
    .action((o: PodOptions & CommonOptions) =>
      run(async () => {
        const { podCommand } = await import('./pod');
        return withDbAsync(o, 'read', (db) => podCommand(db, o, out));
      }),
    );

  common(p.command('probes'))
    .description("the tracing probes found in one kubelet log (any format, plain or .gz), every pod's; an OTLP trace file's span probes")
    .argument('<file>')
    .option('--pod <ns/name>', 'follow one pod: every probe with its line and offset')
    .option('--test-pods', 'only the pods a test ran, as ingest keeps them: leave out kube-system, cAdvisor and static pods (and say which)')
    .option('--year <yyyy>', 'year of the klog headers when nothing in the log dates them', int('--year'))
    .action((file: string, o: CommonOptions & { pod?: string; year?: number; testPods?: boolean }) =>
      run(async () => {
        const { probesCommand } = await import('./probes');
        return probesCommand(file, { pod: o.pod, year: o.year, testPods: !!o.testPods, json: !!o.json }, (s) => process.stdout.write(s), undefined, () =>
          once(process.stdout, 'drain').then(() => {}),
        );
      }),
    );

  common(p.command('spans'))
    .description("the span probes found in one OTLP trace file (the Collector file exporter's JSON lines, plain or .gz)")
    .argument('<file>')
    .option('--pod <ns/name>', 'follow one pod: its probes, then its spans nested')
    .action((file: string, o: CommonOptions & { pod?: string }) =>
      run(async () => {
        const { spansCommand } = await import('./spans');
        return spansCommand(file, { pod: o.pod, json: !!o.json }, (s) => process.stdout.write(s));
      }),
    );

  common(p.command('serve'))
    .description('serve the dashboard (builds it first when needed; ingests the samples into an empty database)')
    .addOption(new Option('--port <port>', 'port to listen on').env('PORT').argParser(portArg).default(3000))
    .addOption(new Option('--hostname <host>', 'interface to listen on (default: all)').env('HOSTNAME'))
    .option('--no-samples', 'leave an empty database empty instead of ingesting data/samples')
    .option('--dev', 'run the Next.js development server')
    .option('--sync', 'keep the followed jobs (--jobs) in step with their buckets while serving')
    .option('--every <duration>', 'time between sync passes, e.g. 30s, 10m, 1h', duration('--every'), 600_000)
    .option('--jobs <file>', 'followed jobs (default $KPD_JOBS, else data/jobs.json)')
    .action((o: ServeOptions) => run(async () => (await import('./serve')).serveCommand(o)));

  common(p.command('sync'))
    .description('one pass over the followed jobs: read new and changed builds from their buckets, one job at a time')
    .option('--jobs <file>', 'followed jobs (default $KPD_JOBS, else data/jobs.json)')
    .action((o: CommonOptions & { jobs?: string }) =>
      run(async () => {
        const { syncCommand } = await import('./sync');
        return withDbAsync(o, 'write', (db) => syncCommand(db, o, out));
      }),
    );

  common(p.command('demo'))
    .description('generate realistic demo builds and ingest them')
    .option('--builds <n>', 'builds per job', int('--builds'), 30)
    .option('--out <dir>', 'where to write the generated build directories', 'data/demo')
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .action((o: CommonOptions & { builds: number; out: string; seed: number }) =>
      run(async () => {
        const { demoCommand } = await import('./demo');
        return withDbAsync(o, 'write', (db) => demoCommand(db, o, out));
      }),
    );

  common(p.command('upload'))
    .description("send a build directory (or its .tar.gz) to the dashboard's upload endpoint; a CI job's last step")
    .argument('<path>')
    .requiredOption('--server <url>', 'dashboard URL, e.g. https://perf.example.com')
    .requiredOption('--job <name>', HELP.job)
    .requiredOption('--build <id>', 'build ID (a Prow build ID or a build number)', buildIdArg('--build'))
    .option('--token <token>', 'upload token (default $KPD_UPLOAD_TOKEN; prefer the variable, arguments show in ps)')
    .option('--replace', 'replace the build when the server has different content for it')
    .option('--retries <n>', 'send again this many times after a lost connection or a busy server (default 5)', int('--retries'))
    .action((path: string, o: UploadOptions) => run(async () => (await import('./upload')).uploadCommand(path, o, out)));

  common(p.command('reingest'))
    .description('re-parse builds from their kept upload archives or build directories (after a parser fix)')
    .requiredOption('--job <name>', HELP.job)
    .option('--build <id>', 'only this build (its ID)', buildIdArg('--build'))
    .action((o: CommonOptions & { job: string; build?: BuildId }) =>
      run(async () => {
        const { reingestCommand } = await import('./reingest');
        return withDbAsync(o, 'write', (db) => reingestCommand(db, o, out));
      }),
    );

  const slo = p.command('slo').description('service level objectives');
  common(slo.command('check'))
    .description("each SLO's value and verdict on a build (the newest by default); exits 1 when one is violated")
    .requiredOption('--job <name>', HELP.job)
    .option('--build <id>', 'build ID (default: the newest build)', buildIdArg('--build'))
    .option('--slo <file>', 'SLO config (default $KPD_SLO, else data/slo.json, else the built-in defaults)')
    .option('--server <url>', "ask the dashboard's API instead of the database")
    .action((o: SloCheckOptions) =>
      run(async () => {
        const { sloCheckCommand } = await import('./slo');
        return dbOrServer(o, (db) => sloCheckCommand(db, o, out));
      }),
    );

  common(p.command('regressions'))
    .description("change points in the job's series, newest first: build, levels before and after, relative change")
    .requiredOption('--job <name>', HELP.job)
    .option('--server <url>', "ask the dashboard's API instead of the database")
    .option('--p-value <p>', `significance of a change point (default ${DEFAULT_CHANGE_POINT_OPTIONS.pValue})`, fraction('--p-value'))
    .option('--min-change <r>', `smallest relative change reported (default ${DEFAULT_CHANGE_POINT_OPTIONS.minRelativeChange})`, fraction('--min-change'))
    .option('--window <n>', `builds compared on each side (default ${DEFAULT_CHANGE_POINT_OPTIONS.window})`, int('--window'))
    .action((o: RegressionsOptions) =>
      run(async () => {
        const { regressionsCommand } = await import('./regressions');
        return dbOrServer(o, (db) => regressionsCommand(db, o, out));
      }),
    );

  common(p.command('changepoints'))
    .description('the change-point detector on any series: FILE (or - for stdin) holds a JSON array of numbers (null = missing) or an object of named arrays')
    .argument('<file>')
    .option('--p-value <p>', `significance of a change point (default ${DEFAULT_CHANGE_POINT_OPTIONS.pValue})`, fraction('--p-value'))
    .option('--min-change <r>', `smallest relative change reported (default ${DEFAULT_CHANGE_POINT_OPTIONS.minRelativeChange})`, fraction('--min-change'))
    .option('--window <n>', `points compared on each side (default ${DEFAULT_CHANGE_POINT_OPTIONS.window})`, int('--window'))
    .action((file: string, o: ChangepointsOptions) => run(async () => (await import('./changepoints')).changepointsCommand(file, o, out)));

  common(p.command('alerts'))
    .description("a job's alerts (the change points at one build of one test and node config, grouped), newest first, with their triage state; `alerts set ID --state S [--note T]` sets one's state")
    .argument('[set]', 'set the state of alert ID')
    .argument('[id]', 'the alert to set')
    .option('--job <name>', 'the job (needed to list, and with --server)')
    .addOption(new Option('--state <state>', 'list only alerts in this state; with set, the new state').choices([...ALERT_STATES]))
    .option('--note <text>', 'with set: a note kept with the state ("" clears it)')
    .option('--test <name>', 'list only alerts of this test')
    .option('--image <image>', 'list only alerts of this image')
    .option('--machine <machine>', 'list only alerts of this machine')
    .option('--server <url>', "go through the dashboard's API instead of the database")
    .option('--token <token>', 'with set --server: upload token (default $KPD_UPLOAD_TOKEN; prefer the variable, arguments show in ps)')
    .action((action: string | undefined, id: string | undefined, o: AlertsOptions) =>
      run(async () => {
        const { alertsAction, alertsCommand, existingDb, setAlertCommand } = await import('./alerts');
        const what = alertsAction(action, id);
        if (!what.set) return dbOrServer(o, (db) => alertsCommand(db, o, out));
        if (o.server) return setAlertCommand(undefined, what.id, o, out);
        existingDb(o);
        return withDbAsync(o, 'write', (db) => setAlertCommand(db, what.id, o, out));
      }),
    );

  return p;
}
