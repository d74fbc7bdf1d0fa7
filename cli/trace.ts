// `kpd trace`: latency between two probes in one build of one test, per pod
// where the probes carry pod identity, by sort order where they do not. An
// unknown probe is an error listing the choices; probes the wrong way round
// (every latency negative) get a hint with the command swapped.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { isReversed, traceRun } from '../lib/queries/tracing';
import { requireTest } from './choices';
import { fixed, printJson, table, type Out } from './output';

export interface TraceOptions {
  job: string;
  build: BuildId;
  test?: string;
  image?: string;
  machine?: string;
  from: string;
  to: string;
  json?: boolean;
  db?: string;
}

/** The command line that asks the same with the probes swapped. */
function swappedCommand(o: TraceOptions, test: string): string {
  const q = (v: string) => (/^[\w./:@,+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const parts = ['kpd trace', `--job ${q(o.job)}`, `--build ${o.build}`, `--test ${q(test)}`];
  if (o.image !== undefined) parts.push(`--image ${q(o.image)}`);
  if (o.machine !== undefined) parts.push(`--machine ${q(o.machine)}`);
  parts.push(`--from ${q(o.to)}`, `--to ${q(o.from)}`);
  if (o.db !== undefined) parts.push(`--db ${q(o.db)}`);
  return parts.join(' ');
}

export function traceCommand(db: DB, o: TraceOptions, out: Out, err: Out = (s) => process.stderr.write(s + '\n')): number {
  const test = requireTest(db, o, 'trace');
  const r = traceRun(db, { ...o, test });
  if (o.json) {
    printJson(out, r);
    return 0;
  }
  out(`${o.from} -> ${o.to} in ${o.job} build ${o.build}, ${r.test} on ${r.image} / ${r.machine}`);
  out(
    table([
      ['pods', 'missing', 'negative', 'matched by', 'p50 ms', 'p90 ms', 'p99 ms'],
      [r.count, r.missing, r.negative, r.matchedBy, fixed(r.p50), fixed(r.p90), fixed(r.p99)],
    ]),
  );
  if (r.matchedBy === 'order') out('(one probe has no pod identity: the i-th earliest start is paired with the i-th earliest end)');
  if (r.count === 0) out(`no pod has both ${o.from} and ${o.to} in this build`);
  if (isReversed(r)) {
    err(`kpd: hint: every latency is negative: ${o.to} comes before ${o.from} for every pod; swap them:\n  ${swappedCommand(o, r.test)}`);
  }
  return 0;
}
