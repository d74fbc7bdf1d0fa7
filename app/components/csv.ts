// Chart data as CSV, the points a chart shows: one row per build (or bar),
// one column per value, quoted where a field holds a comma, quote or newline.
// Built in the browser and handed over as a download.

export type CsvCell = string | number | null | undefined;

function cell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a chart's words: `latency Perc99` -> `latency-perc99.csv`. */
export function csvName(...parts: string[]): string {
  return `${parts.join('-').toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '')}.csv`;
}
