// JSON helpers shared by the perf-result parsers: parsing text into a warning
// that points at the failing line, and reading untrusted objects field by field.
import type { IngestWarning, Labels, Origin } from '../../lib/model';
import { jsonErrorOffset } from '../../lib/jsonerror';

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** 1-based line of the text's first character in its file. */
function startLine(origin: Origin): number {
  return origin.line ?? 1;
}

/**
 * The file line where JSON.parse gave up: found by our own scanner, so it is
 * the same on every Node version; else V8's "at position N"; else the first line.
 */
function errorLine(text: string, message: string, origin: Origin): number {
  const pos = /at position (\d+)/.exec(message);
  const offset = jsonErrorOffset(text) ?? (pos ? Number(pos[1]) : 0);
  const end = Math.min(offset, text.length);
  let newlines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) newlines += 1;
  return startLine(origin) + newlines;
}

export function parseJsonText(
  text: string,
  origin: Origin,
): { value: unknown; ok: true } | { ok: false; warning: IngestWarning } {
  try {
    return { value: JSON.parse(text), ok: true };
  } catch (e) {
    // V8 quotes the text around the error, newlines included.
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ');
    return {
      ok: false,
      warning: { file: origin.file, line: errorLine(text, message, origin), message: `malformed JSON: ${message}` },
    };
  }
}

/**
 * Labels as strings. Numbers and booleans are written as Go would have
 * printed them; anything else is dropped with a warning.
 */
export function readLabels(v: unknown, where: string, origin: Origin, warnings: IngestWarning[]): Labels {
  const labels: Labels = {};
  if (v === undefined || v === null) return labels;
  if (!isRecord(v)) {
    warnings.push({ file: origin.file, line: origin.line, message: `${where}: labels are not an object; ignored` });
    return labels;
  }
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') labels[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') labels[k] = String(val);
    else warnings.push({ file: origin.file, line: origin.line, message: `${where}: label "${k}" is not a string; dropped` });
  }
  return labels;
}

/**
 * A short, bounded description of an untrusted JSON value for a warning: a
 * scalar as written (cut at 40 characters), a container by its kind and
 * size. Never walks into containers, so no nesting depth can overflow it.
 */
export function describeJson(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isRecord(v)) return `an object of ${Object.keys(v).length} keys`;
  const s = typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v);
  return s;
}

/** The document's `version`: kept whatever it is, with a warning when it is not v1 or v2. */
export function readVersion(v: unknown, origin: Origin, warnings: IngestWarning[]): string {
  if (v === 'v1' || v === 'v2') return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const version = String(v).slice(0, 100);
    warnings.push({ file: origin.file, line: origin.line, message: `unknown version ${describeJson(version)}; kept` });
    return version;
  }
  warnings.push({ file: origin.file, line: origin.line, message: 'no version; kept as "unknown"' });
  return 'unknown';
}
