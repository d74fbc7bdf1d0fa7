// How numbers and times read in charts and tables; browser tests format the
// API's numbers with the same functions to compare them with tooltips.

const big = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const small = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Math.abs(v) >= 100 ? big.format(v) : small.format(v);
}

/** Compact axis ticks: 1.2k rather than 1,200. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return `${small.format(v / 1000)}k`;
  return formatValue(v);
}

/** `2026-11-07 04:00 UTC` from microseconds since the epoch. */
export function formatDate(us: number | null | undefined): string {
  if (us === null || us === undefined) return 'no date';
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function formatDuration(us: number): string {
  const s = Math.round(us / 1_000_000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** A build ID short enough for an axis tick: small numbers whole, Prow's 19 digits as their last six. */
export function shortBuild(id: string): string {
  return id.length <= 7 ? id : `…${id.slice(-6)}`;
}
