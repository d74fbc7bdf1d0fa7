// `kpd pod --job J --build N --pod NS/NAME [--test T] [--image I] [--machine M] [--instance K] [--context L]`:
// one pod of one run, as the pod page shows it: its log and span probes, its
// spans nested, how far logs and spans agree (for it and across the run), and
// the kubelet log lines around its probes. A command of its own: `kpd probes`
// reads a log file, this reads an ingested build.
import type { BuildId } from '../lib/build-id';
import type { DB } from '../lib/db/open';
import { podLog } from '../ingest/sources/log-lines';
import { podJson, podView } from '../lib/queries/pod';
import { toIso } from '../lib/time';
import { printJson, table, type Out } from './output';
import { UsageError } from './options';

export interface PodOptions {
  job: string;
  build: BuildId;
  pod: string;
  test?: string;
  image?: string;
  machine?: string;
  instance?: number;
  context?: number;
  json?: boolean;
}

/** Milliseconds with microsecond digits, as every column of this command shows them. */
const f3 = (n: number | null) => (n === null ? null : n.toFixed(3));

export async function podCommand(db: DB, o: PodOptions, out: Out): Promise<number> {
  if (!/^[^/\s]+\/[^/\s]+$/.test(o.pod)) throw new UsageError(`--pod wants NAMESPACE/NAME, got "${o.pod}"`);
  const v = podView(db, o);
  const log = await podLog(v, { context: o.context ?? 3 });
  if (o.json) {
    printJson(out, podJson(v, log));
    return 0;
  }
  const t0 = Math.min(...v.probes.map((p) => p.time), ...v.spans.map((s) => s.start));
  const ms = (us: number) => (us / 1000).toFixed(3);
  const since = (t: number) => ms(t - t0);
  out(`${v.pod}${v.instances.length > 1 ? ` (life ${v.instance} of ${v.instances.length})` : ''} in ${v.job} build ${v.build}`);
  out(`${v.test} on ${v.image} / ${v.machine}, host ${v.host ?? '-'}, uid ${v.uid ?? '-'}`);
  out('');
  // A span probe's line is in the trace file; the log view below is of the kubelet log.
  out(table([['TIME', '+MS', 'SOURCE', 'PROBE', 'LOG LINE'], ...v.probes.map((p) => [toIso(p.time), since(p.time), p.source, p.probe, p.source === 'kubelet' ? p.line : null])], new Set([1, 4])));
  if (v.spans.length) {
    out('');
    out(
      table(
        [['SPAN', '+MS', 'MS', 'SERVICE'], ...v.spans.map((s) => [`${'  '.repeat(s.depth)}${s.name}${s.error ? ' (error)' : ''}`, since(s.start), ms(s.end - s.start), s.service])],
        new Set([1, 2]),
      ),
    );
  }
  if (v.agreement.length) {
    out('');
    out('logs vs spans (log minus span):');
    out(table([['SPAN PROBE', 'LOG PROBE', 'DIFF MS'], ...v.agreement.map((a) => [a.span, a.log, f3(a.diffMs)])], new Set([2])));
  }
  if (v.runAgreement.some((a) => a.pods > 0)) {
    out('');
    out('logs vs spans across the run, |log minus span|:');
    out(table([['SPAN PROBE', 'LOG PROBE', 'PODS', 'MEDIAN MS', 'P90 MS'], ...v.runAgreement.map((a) => [a.span, a.log, a.pods, f3(a.medianMs), f3(a.p90Ms)])], new Set([2, 3, 4])));
  }
  if (log.file) {
    out('');
    out(`${log.file}:`);
    const width = String(Math.max(0, ...log.excerpts.flat().map((l) => l.line ?? 0))).length;
    log.excerpts.forEach((e, i) => {
      if (i > 0) out('  ...');
      for (const l of e) {
        const mark = l.probes.length ? '>' : ' ';
        out(`${mark} ${String(l.line ?? '').padStart(width)}  ${l.text}${l.cut ? ' …' : ''}${l.probes.length ? `    <- ${l.probes.join(', ')}` : ''}`);
      }
    });
  }
  for (const p of log.problems) process.stderr.write(`kpd: log view: ${p}\n`);
  return 0;
}
