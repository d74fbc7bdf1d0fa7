// JSON helpers shared by the perf-result parsers: parsing text into a warning
// that points at the failing line, and reading untrusted objects field by field.
import type { IngestWarning, Labels, Origin } from '../../lib/model';

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** 1-based line of the text's first character in its file. */
function startLine(origin: Origin): number {
  return origin.line ?? 1;
}

/**
 * The file line where JSON.parse gave up. V8 says "at position N" (Node 20)
 * or "(line L column C)" (newer); without either, the text's first line.
 */
function errorLine(text: string, message: string, origin: Origin): number {
  const base = startLine(origin);
  const lc = /\(line (\d+) column \d+\)/.exec(message);
  if (lc) return base + Number(lc[1]) - 1;
  const pos = /at position (\d+)/.exec(message);
  if (!pos) return base;
  const end = Math.min(Number(pos[1]), text.length);
  let newlines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) newlines += 1;
  return base + newlines;
}

export function parseJsonText(
  text: string,
  origin: Origin,
): { value: unknown; ok: true } | { ok: false; warning: IngestWarning } {
  try {
    return { value: JSON.parse(text), ok: true };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
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

/** The document's `version`: kept whatever it is, with a warning when it is not v1 or v2. */
export function readVersion(v: unknown, origin: Origin, warnings: IngestWarning[]): string {
  if (v === 'v1' || v === 'v2') return v;
  if (typeof v === 'string' || typeof v === 'number') {
    warnings.push({ file: origin.file, line: origin.line, message: `unknown version "${v}"; kept` });
    return String(v);
  }
  warnings.push({ file: origin.file, line: origin.line, message: 'no version; kept as "unknown"' });
  return 'unknown';
}
