// How commands print: one JSON document with --json, aligned text otherwise;
// errors to stderr with a non-zero exit.

export type Out = (s: string) => void;

export function printJson(out: Out, value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Aligned columns, the first row a header; columns in `rightAligned` (numbers) align right. */
export function table(rows: (string | number | null | undefined)[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function fmt(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** "1 warning", "3 warnings". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
