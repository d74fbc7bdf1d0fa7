// How commands print: one JSON document with --json, aligned text otherwise;
// errors to stderr with a non-zero exit.

export type Out = (s: string) => void;

export function printJson(out: Out, value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

type Cell = string | number | null | undefined;

/** A number as text tables print it: digits, maybe a sign, a decimal part, a unit or a percent sign after a space. */
const NUMERIC = /^[+-]?\d[\d,]*(?:\.\d+)?(?: ?(?:%|[a-zµ/]{1,8}))?$/i;

/** Build IDs are names, not quantities: a column headed "build" (or "first build"…) and long runs of digits stay left. */
const ID_HEADER = /\bbuild\b/i;
const IDENTIFIER = /^\d{8,}$/;

/** Columns whose every value (the header and `-` aside) is a number: they align right. */
function numericColumns(cells: string[][], raw: Cell[][]): Set<number> {
  const found = new Set<number>();
  for (let i = 0; i < cells[0].length; i++) {
    if (ID_HEADER.test(cells[0][i])) continue;
    const body = raw.slice(1).map((r) => r[i]).filter((c) => c !== null && c !== undefined && c !== '-' && c !== '');
    if (body.length && body.every((c) => typeof c === 'number' || (NUMERIC.test(String(c)) && !IDENTIFIER.test(String(c))))) found.add(i);
  }
  return found;
}

/**
 * Aligned columns, the first row a header. Columns of numbers align right,
 * and so do the columns in `rightAligned`.
 */
export function table(rows: Cell[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const right = new Set([...rightAligned, ...numericColumns(cells, rows)]);
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function fmt(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** A number with exactly `digits` decimals ("-" for none): for values that are measurements, never counts. */
export function fixed(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

/**
 * A column of numbers with one number of decimals: none when every value is
 * whole, else `digits` for all of them, so the points line up.
 */
export function fmtColumn(values: readonly (number | null | undefined)[], digits = 1): string[] {
  const whole = values.every((v) => v === null || v === undefined || Number.isNaN(v) || Number.isInteger(v));
  return values.map((v) => (v === null || v === undefined || Number.isNaN(v) ? '-' : whole ? String(v) : v.toFixed(digits)));
}

/** "1 warning", "3 warnings". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
