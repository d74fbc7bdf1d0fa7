// NodeTimeSeries (FORMATS.md section 2): per-pod operation times and
// per-container resource samples of one test, nanoseconds turned into
// microseconds, ragged or non-numeric samples dropped with a warning.
import type { IngestWarning, Micros, NodeTimeSeries, Origin, ResourceSeries } from '../../lib/model';
import { fromUnixNanos, fromUnixNanosString } from '../../lib/time';
import { isRecord, parseJsonText, readLabels, readVersion } from './json';
import { isPlausibleTime } from './plausible';

export interface TimeSeriesResult {
  series?: NodeTimeSeries;
  warnings: IngestWarning[];
}

const DEFAULT_UNIT = { cpu: 'mCPU', memory: 'MB' };

/** A Unix-nanosecond JSON value (a number, or a decimal string, which is exact) in µs. */
function nanosToMicros(v: unknown): Micros | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return fromUnixNanos(v);
  if (typeof v === 'string') return fromUnixNanosString(v);
  return undefined;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function readOpSeries(v: unknown, warn: (m: string) => void): Record<string, Micros[]> {
  const ops: Record<string, Micros[]> = {};
  if (v === undefined || v === null) return ops;
  if (!isRecord(v)) {
    warn('op_series is not an object; ignored');
    return ops;
  }
  for (const [op, values] of Object.entries(v)) {
    if (!Array.isArray(values)) {
      warn(`op_series.${op} is not an array; dropped`);
      continue;
    }
    const times: Micros[] = [];
    let bad = 0;
    let implausible = 0;
    for (const t of values) {
      const us = nanosToMicros(t);
      if (us === undefined) bad += 1;
      else if (!isPlausibleTime(us)) implausible += 1;
      else times.push(us);
    }
    if (bad) warn(`op_series.${op}: ${bad} non-numeric value(s) dropped`);
    if (implausible) warn(`op_series.${op}: ${implausible} time(s) outside 2000–2100 dropped`);
    ops[op] = times.sort((a, b) => a - b);
  }
  return ops;
}

function readUnit(v: unknown, container: string, warn: (m: string) => void): ResourceSeries['unit'] {
  if (v === undefined || v === null) return { ...DEFAULT_UNIT };
  if (!isRecord(v)) {
    warn(`resource_series.${container}.unit is not an object; default units assumed`);
    return { ...DEFAULT_UNIT };
  }
  return {
    cpu: typeof v.cpu === 'string' ? v.cpu : DEFAULT_UNIT.cpu,
    memory: typeof v.memory === 'string' ? v.memory : DEFAULT_UNIT.memory,
  };
}

function readResource(container: string, v: unknown, warn: (m: string) => void): ResourceSeries | undefined {
  if (!isRecord(v)) {
    warn(`resource_series.${container} is not an object; dropped`);
    return undefined;
  }
  const { ts, cpu, memory } = v;
  if (!Array.isArray(ts) || !Array.isArray(cpu) || !Array.isArray(memory)) {
    warn(`resource_series.${container} lacks a ts, cpu or memory array; dropped`);
    return undefined;
  }
  const n = Math.min(ts.length, cpu.length, memory.length);
  if (ts.length !== n || cpu.length !== n || memory.length !== n) {
    warn(
      `resource_series.${container}: ts, cpu and memory have ${ts.length}, ${cpu.length} and ${memory.length} samples; truncated to ${n}`,
    );
  }
  const out: ResourceSeries = { ts: [], cpu: [], memory: [], unit: readUnit(v.unit, container, warn) };
  let bad = 0;
  let implausible = 0;
  for (let i = 0; i < n; i++) {
    const t = nanosToMicros(ts[i]);
    const c = cpu[i];
    const m = memory[i];
    if (t === undefined || !isNumber(c) || !isNumber(m)) {
      bad += 1;
      continue;
    }
    if (!isPlausibleTime(t)) {
      implausible += 1;
      continue;
    }
    out.ts.push(t);
    out.cpu.push(c);
    out.memory.push(m);
  }
  if (bad) warn(`resource_series.${container}: ${bad} sample(s) with a non-numeric value dropped`);
  if (implausible) warn(`resource_series.${container}: ${implausible} sample(s) at a time outside 2000–2100 dropped`);
  return out;
}

/** Validates a parsed JSON value as NodeTimeSeries. Never throws. */
export function parseTimeSeries(value: unknown, origin: Origin): TimeSeriesResult {
  const warnings: IngestWarning[] = [];
  const warn = (message: string) => warnings.push({ file: origin.file, line: origin.line, message });
  if (!isRecord(value)) {
    warn('NodeTimeSeries is not a JSON object; skipped');
    return { warnings };
  }
  if (!('op_series' in value) && !('resource_series' in value)) {
    warn('NodeTimeSeries has neither op_series nor resource_series; skipped');
    return { warnings };
  }
  const version = readVersion(value.version, origin, warnings);
  const opSeries = readOpSeries(value.op_series, warn);
  const resourceSeries: Record<string, ResourceSeries> = {};
  const rs = value.resource_series;
  if (isRecord(rs)) {
    for (const [container, v] of Object.entries(rs)) {
      const series = readResource(container, v, warn);
      if (series) resourceSeries[container] = series;
    }
  } else if (rs !== undefined && rs !== null) {
    warn('resource_series is not an object; ignored');
  }
  const labels = readLabels(value.labels, 'labels', origin, warnings);
  return { series: { opSeries, resourceSeries, labels, version }, warnings };
}

/** Parses NodeTimeSeries JSON text; `origin.line` is the line of the text's first character. */
export function parseTimeSeriesText(text: string, origin: Origin): TimeSeriesResult {
  const parsed = parseJsonText(text, origin);
  if (!parsed.ok) return { warnings: [parsed.warning] };
  return parseTimeSeries(parsed.value, origin);
}
