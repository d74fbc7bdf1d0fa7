// `kpd changepoints FILE|-`: the dashboard's change-point detector on any
// series, so anyone can check it on their own data. FILE (or stdin for `-`)
// holds a JSON array of numbers, one series, `null` marking a missing value
// (skipped; indices stay those of the array), or a JSON object of such arrays,
// one series per name. Each change point is reported at the index of the first
// point of the new level, with the medians before and after.
import fs from 'node:fs';
import { DEFAULT_CHANGE_POINT_OPTIONS, detectChangePoints, type ChangePointOptions } from '../lib/regressions';
import { fmt, printJson, table, type Out } from './output';
import { UsageError, type CommonOptions } from './options';

export interface ChangepointsOptions extends CommonOptions {
  pValue?: number;
  minChange?: number;
  window?: number;
}

/** One change point as `kpd changepoints --json` prints it; `change` is null when the level before is 0. */
export interface ChangePointRecord {
  index: number;
  before: number;
  after: number;
  change: number | null;
  pValue: number;
}

type Series = Array<number | null>;

export async function changepointsCommand(
  file: string,
  o: ChangepointsOptions,
  out: Out,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const opts = detectorOptions(o);
  const name = file === '-' ? 'stdin' : file;
  const doc = parse(name, await read(file, stdin));
  if (Array.isArray(doc)) {
    const changePoints = analyse(doc, opts);
    if (o.json) printJson(out, { changePoints });
    else out(changePoints.length ? render(changePoints.map((cp) => ['', cp])) : `no change points in ${name}`);
    return 0;
  }
  const series = Object.fromEntries(Object.entries(doc).map(([key, values]) => [key, { changePoints: analyse(values, opts) }]));
  if (o.json) {
    printJson(out, { series });
    return 0;
  }
  const rows = Object.entries(series).flatMap(([key, s]) => s.changePoints.map((cp) => [key, cp] as [string, ChangePointRecord]));
  out(rows.length ? render(rows, true) : `no change points in ${name}`);
  return 0;
}

/** Options as the detector takes them, each checked here so the message names the flag. */
function detectorOptions(o: ChangepointsOptions): Partial<ChangePointOptions> {
  const d = DEFAULT_CHANGE_POINT_OPTIONS;
  if (o.pValue !== undefined && !(o.pValue > 0 && o.pValue <= 1)) {
    throw new UsageError(`--p-value must be in (0, 1], got ${o.pValue}`);
  }
  if (o.window !== undefined && !(Number.isInteger(o.window) && o.window >= 2 * d.minSegment)) {
    throw new UsageError(`--window must be a whole number of at least ${2 * d.minSegment}, got ${o.window}`);
  }
  return { pValue: o.pValue, minRelativeChange: o.minChange, window: o.window };
}

async function read(file: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
}

/** The series of a document: an array, or an object of named arrays; anything else is the user's to fix. */
function parse(name: string, text: string): Series | Record<string, Series> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${name}: not JSON (${(e as Error).message})`);
  }
  if (Array.isArray(doc)) return checkSeries(name, '', doc);
  if (doc !== null && typeof doc === 'object') {
    return Object.fromEntries(
      Object.entries(doc).map(([key, values]) => {
        if (!Array.isArray(values)) {
          throw new UsageError(`${name}: series ${JSON.stringify(key)} is not an array of numbers`);
        }
        return [key, checkSeries(name, key, values)];
      }),
    );
  }
  throw new UsageError(`${name}: expected an array of numbers or an object of named arrays`);
}

function checkSeries(name: string, key: string, values: unknown[]): Series {
  values.forEach((v, i) => {
    if (v === null || (typeof v === 'number' && Number.isFinite(v))) return;
    const where = key ? `series ${JSON.stringify(key)}, index ${i}` : `index ${i}`;
    throw new UsageError(`${name}: ${where} is ${JSON.stringify(v)}, not a number or null`);
  });
  return values as Series;
}

/** Change points of the non-missing values, at the indices of the input. */
function analyse(values: Series, opts: Partial<ChangePointOptions>): ChangePointRecord[] {
  const at: number[] = [];
  const present: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    at.push(i);
    present.push(v);
  });
  return detectChangePoints(present, opts).map((cp) => ({
    index: at[cp.index],
    before: cp.before,
    after: cp.after,
    change: Number.isFinite(cp.change) ? cp.change : null,
    pValue: cp.pValue,
  }));
}

function render(rows: Array<[string, ChangePointRecord]>, named = false): string {
  const head = ['index', 'before', 'after', 'change', 'p-value'];
  const cells = rows.map(([key, cp]) => [
    ...(named ? [key] : []),
    cp.index,
    fmt(cp.before, 3),
    fmt(cp.after, 3),
    cp.change === null ? 'new' : `${cp.change > 0 ? '+' : ''}${(cp.change * 100).toFixed(1)} %`,
    cp.pValue.toExponential(1),
  ]);
  const right = named ? new Set([1, 2, 3, 4, 5]) : new Set([0, 1, 2, 3, 4]);
  return table([[...(named ? ['series'] : []), ...head], ...cells], right);
}
