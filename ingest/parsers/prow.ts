// Prow's started.json and finished.json (FORMATS.md section 4): the build's
// start and end times, which yearless log lines need, and its result.
import type { IngestWarning, ProwInfo } from '../../lib/model';
import { fromUnixSeconds } from '../../lib/time';
import { isRecord, parseJsonText } from './json';

export interface ProwResult {
  info: ProwInfo;
  warnings: IngestWarning[];
}

/** Unix seconds as a number or a decimal string (older uploaders wrote strings). */
function readSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function readObject(text: string, file: string, warnings: IngestWarning[]): Record<string, unknown> | undefined {
  const parsed = parseJsonText(text, { file });
  if (!parsed.ok) {
    warnings.push(parsed.warning);
    return undefined;
  }
  if (!isRecord(parsed.value)) {
    warnings.push({ file, line: 1, message: 'not a JSON object; ignored' });
    return undefined;
  }
  return parsed.value;
}

function readTimestamp(doc: Record<string, unknown>, file: string, warnings: IngestWarning[]): number | undefined {
  const seconds = readSeconds(doc.timestamp);
  if (seconds === undefined) warnings.push({ file, message: 'no usable "timestamp" (Unix seconds)' });
  return seconds === undefined ? undefined : fromUnixSeconds(seconds);
}

/** started.json: `{"timestamp": 1700215200, …}`. */
export function parseStarted(text: string, file: string): ProwResult {
  const warnings: IngestWarning[] = [];
  const doc = readObject(text, file, warnings);
  if (!doc) return { info: {}, warnings };
  const started = readTimestamp(doc, file, warnings);
  return { info: started === undefined ? {} : { started }, warnings };
}

/**
 * finished.json: `{"timestamp": …, "result": "SUCCESS", "passed": true, …}`.
 * Without `passed`, a result of SUCCESS means passed and any other result failed.
 */
export function parseFinished(text: string, file: string): ProwResult {
  const warnings: IngestWarning[] = [];
  const doc = readObject(text, file, warnings);
  if (!doc) return { info: {}, warnings };
  const info: ProwInfo = {};
  const finished = readTimestamp(doc, file, warnings);
  if (finished !== undefined) info.finished = finished;
  if (typeof doc.result === 'string' && doc.result) info.result = doc.result;
  if (typeof doc.passed === 'boolean') info.passed = doc.passed;
  else if (info.result) info.passed = info.result === 'SUCCESS';
  return { info, warnings };
}
