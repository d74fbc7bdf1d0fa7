// Shared by the OTLP tests: read a trace fixture through the public reader,
// and look at one pod's span probes as ISO times (exact to the microsecond).
import fs from 'node:fs';
import path from 'node:path';
import { readTraceFile } from '../../ingest/parsers/otlp/reader';
import type { TraceResult } from '../../lib/model';
import { toIso } from '../../lib/time';
import { chunksOf } from '../kubelet/helpers';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/otlp');
export const TRACES = 'kubelet-traces.jsonl';

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export function readTraceBuffer(buf: Buffer, sizes?: readonly number[], opts: { includeSystemPods?: boolean; maxLineBytes?: number } = {}): Promise<TraceResult> {
  return readTraceFile(chunksOf(buf, sizes), { file: TRACES, ...opts });
}

/** probe -> ISO time of one pod instance. */
export function probesOf(r: Pick<TraceResult, 'events'>, pod: string, instance = 0): Record<string, string> {
  return Object.fromEntries(r.events.filter((e) => e.pod === pod && e.instance === instance).map((e) => [e.probe, toIso(e.time)]));
}

/** One OTLP/JSON line holding the given spans of one resource. */
export function line(service: string, spans: object[]): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }],
  });
}
