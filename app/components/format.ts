// How numbers and times read in charts and tables, one way on every page:
// three significant digits (never rounding away whole units: 1,354 ms stays
// 1,354), fewer where a unit counts whole things; browser tests format the
// API's numbers with the same functions to compare them with tooltips.

/** Most decimals a unit shows, where it is not the significant-digit rule's. */
export const UNIT_DECIMALS: Record<string, number> = {
  pods: 0,
  builds: 0,
  millicores: 1,
  mCPU: 1,
};

const SIGNIFICANT = 3;
const formats = new Map<number, Intl.NumberFormat>();

function fixed(decimals: number): Intl.NumberFormat {
  let f = formats.get(decimals);
  if (!f) formats.set(decimals, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals })));
  return f;
}

/** Decimals for a value: enough for three significant digits, none past the units. */
function decimalsFor(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || a >= 10 ** (SIGNIFICANT - 1)) return 0;
  return Math.min(6, SIGNIFICANT - 1 - Math.floor(Math.log10(a)));
}

export function formatValue(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const cap = unit === undefined ? undefined : UNIT_DECIMALS[unit];
  const d = decimalsFor(v);
  return fixed(cap === undefined ? d : Math.min(cap, d)).format(v);
}

/** Compact axis ticks: 12k rather than 12,000, 1.35M rather than 1,350,000. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1_000_000) return `${formatValue(v / 1_000_000)}M`;
  if (a >= 10_000) return `${formatValue(v / 1000)}k`;
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
