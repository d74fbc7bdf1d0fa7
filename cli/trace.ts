// `kpd trace`: latency between two probes in one build of one test, per pod
// where the probes carry pod identity, by sort order where they do not.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { traceRun } from '../lib/queries/tracing';
import { fmt, printJson, table, type Out } from './output';

export interface TraceOptions {
  job: string;
  build: BuildId;
  test: string;
  image?: string;
  machine?: string;
  from: string;
  to: string;
  json?: boolean;
}

export function traceCommand(db: DB, o: TraceOptions, out: Out): number {
  const r = traceRun(db, o);
  if (o.json) {
    printJson(out, r);
    return 0;
  }
  out(`${o.from} -> ${o.to} in ${o.job} build ${o.build}, ${r.test} on ${r.image} / ${r.machine}`);
  out(
    table([
      ['pods', 'missing', 'negative', 'matched by', 'p50 ms', 'p90 ms', 'p99 ms'],
      [r.count, r.missing, r.negative, r.matchedBy, fmt(r.p50), fmt(r.p90), fmt(r.p99)],
    ]),
  );
  if (r.matchedBy === 'order') out('(one probe has no pod identity: the i-th earliest start is paired with the i-th earliest end)');
  return 0;
}
