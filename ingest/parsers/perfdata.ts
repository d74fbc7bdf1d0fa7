// PerfData (`perftype.PerfData`, FORMATS.md section 1): validates a parsed
// JSON value into the domain type, keeping every usable item and stat and
// saying what it dropped.
import type { IngestWarning, Origin, PerfData, PerfDataItem } from '../../lib/model';
import { describeJson, isRecord, parseJsonText, readLabels, readVersion } from './json';

export interface PerfDataResult {
  perf?: PerfData;
  warnings: IngestWarning[];
}

function readItem(v: unknown, index: number, origin: Origin, warnings: IngestWarning[]): PerfDataItem | undefined {
  const where = `dataItems[${index}]`;
  const warn = (message: string) => warnings.push({ file: origin.file, line: origin.line, message: `${where}: ${message}` });
  if (!isRecord(v)) {
    warn('not an object; dropped');
    return undefined;
  }
  if (!isRecord(v.data)) {
    warn('no data object; dropped');
    return undefined;
  }
  const data: Record<string, number> = {};
  for (const [stat, value] of Object.entries(v.data)) {
    if (typeof value === 'number' && Number.isFinite(value)) data[stat] = value;
    else warn(`stat ${describeJson(stat)} is not a number (${describeJson(value)}); dropped`);
  }
  if (Object.keys(data).length === 0) {
    warn('no numeric stats; dropped');
    return undefined;
  }
  let unit = '';
  if (typeof v.unit === 'string') unit = v.unit;
  else warn('no unit');
  return { data, unit, labels: readLabels(v.labels, where, origin, warnings) };
}

/** Validates a parsed JSON value as PerfData. Never throws. */
export function parsePerfData(value: unknown, origin: Origin): PerfDataResult {
  const warnings: IngestWarning[] = [];
  if (!isRecord(value)) {
    warnings.push({ file: origin.file, line: origin.line, message: 'PerfData is not a JSON object; skipped' });
    return { warnings };
  }
  if (!Array.isArray(value.dataItems)) {
    warnings.push({ file: origin.file, line: origin.line, message: 'PerfData has no dataItems array; skipped' });
    return { warnings };
  }
  const version = readVersion(value.version, origin, warnings);
  const dataItems: PerfDataItem[] = [];
  value.dataItems.forEach((v, i) => {
    const item = readItem(v, i, origin, warnings);
    if (item) dataItems.push(item);
  });
  const labels = readLabels(value.labels, 'labels', origin, warnings);
  return { perf: { version, dataItems, labels }, warnings };
}

/** Parses PerfData JSON text; `origin.line` is the line of the text's first character. */
export function parsePerfDataText(text: string, origin: Origin): PerfDataResult {
  const parsed = parseJsonText(text, origin);
  if (!parsed.ok) return { warnings: [parsed.warning] };
  return parsePerfData(parsed.value, origin);
}
