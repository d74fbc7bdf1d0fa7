// The last check before a parsed build goes to the loader: every time in it
// is plausible (ingest/parsers/plausible.ts). Parsers check what they read;
// this makes the class impossible whatever a parser misses: an impossible
// time is dropped with a warning naming its file, never stored, so no page,
// query or date formatting ever meets one.
import type { BuildRecord, IngestWarning, Micros, RunRecord } from '../lib/model';
import { isPlausibleTime } from './parsers/plausible';

const ok = (t: Micros | undefined): boolean => t === undefined || isPlausibleTime(t);

/** Drops the impossible times of a parsed build in place, with one warning per kind of record. */
export function dropImpossibleTimes(build: Omit<BuildRecord, 'contentHash'>, warnings: IngestWarning[]): void {
  const dropped = new Map<string, number>();
  const drop = (what: string, n = 1) => dropped.set(what, (dropped.get(what) ?? 0) + n);
  if (!ok(build.started)) {
    build.started = undefined;
    drop('build start');
  }
  if (!ok(build.finished)) {
    build.finished = undefined;
    drop('build end');
  }
  for (const run of build.runs) dropInRun(run, drop);
  for (const [what, n] of dropped) {
    warnings.push({ file: '(build)', message: `${n} ${what} time(s) outside 2000–2100 dropped` });
  }
}

function dropInRun(run: RunRecord, drop: (what: string, n?: number) => void): void {
  const where = `${run.test} on ${run.node.image}`;
  if (!ok(run.start)) {
    run.start = undefined;
    drop(`test window start of ${where}`);
  }
  if (!ok(run.end)) {
    run.end = undefined;
    drop(`test window end of ${where}`);
  }
  const probes = run.probes.filter((e) => isPlausibleTime(e.time));
  if (probes.length < run.probes.length) drop(`probe event of ${where}`, run.probes.length - probes.length);
  run.probes = probes;
  for (const [container, series] of Object.entries(run.resources)) {
    const keep = series.ts.map((t) => isPlausibleTime(t));
    const bad = keep.filter((k) => !k).length;
    if (!bad) continue;
    drop(`${container} resource sample of ${where}`, bad);
    run.resources[container] = {
      ...series,
      ts: series.ts.filter((_, i) => keep[i]),
      cpu: series.cpu.filter((_, i) => keep[i]),
      memory: series.memory.filter((_, i) => keep[i]),
    };
  }
  if (run.spans) {
    const spans = run.spans.filter((s) => isPlausibleTime(s.start) && isPlausibleTime(s.end));
    if (spans.length < run.spans.length) drop(`span of ${where}`, run.spans.length - spans.length);
    run.spans = spans;
  }
}
