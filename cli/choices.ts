// What a command needs chosen and the user left out: `--test` where one test
// is needed lists the job's tests (a wrong argument, exit 2), as `kpd tests` would.
import type { DB } from '../lib/db/open';
import { jobOptions } from '../lib/queries/options';
import { ArgumentError } from './options';

/** The test the command was given, or a UsageError listing the job's tests to choose from. */
export function requireTest(db: DB, o: { job: string; test?: string }, command: string): string {
  if (o.test !== undefined) return o.test;
  const tests = jobOptions(db, o.job).tests.map((t) => t.name);
  if (!tests.length) throw new ArgumentError(`${command} needs --test, and job ${o.job} has no tests yet`);
  throw new ArgumentError(`${command} needs --test; job ${o.job} has ${tests.length === 1 ? '1 test' : `${tests.length} tests`}:\n  ${tests.join('\n  ')}`);
}
