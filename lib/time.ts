// Time conversions. The whole tool keeps integer microseconds since the Unix
// epoch, UTC; JSON output uses ISO-8601 with six fractional digits.
import type { Micros } from './model';

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;

/** `2025-03-16T04:31:21.080604Z` */
export function toIso(us: Micros): string {
  const ms = Math.floor(us / 1000);
  const frac = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac + 'Z';
}

export function toIsoOrNull(us: Micros | null | undefined): string | null {
  return us == null ? null : toIso(us);
}

/** Parses ISO-8601 (any fraction length, Z or offset) to microseconds; undefined when not a date. */
export function fromIso(s: string): Micros | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) return undefined;
  const base = Date.parse(m[1] + (m[3] ?? 'Z'));
  if (Number.isNaN(base)) return undefined;
  const frac = (m[2] ?? '').slice(0, 6).padEnd(6, '0');
  return base * 1000 + Number(frac);
}

/** Unix seconds (possibly fractional) to microseconds. */
export function fromUnixSeconds(s: number): Micros {
  return Math.round(s * US_PER_S);
}

/**
 * Unix nanoseconds to microseconds. JSON numbers near 1.7e18 are doubles with
 * a 256 ns step, so rounding to the microsecond is exact enough.
 */
export function fromUnixNanos(ns: number): Micros {
  return Math.round(ns / 1000);
}

/** A decimal string of Unix nanoseconds to microseconds, without going through a double. */
export function fromUnixNanosString(ns: string): Micros | undefined {
  if (!/^\d{1,19}$/.test(ns)) return undefined;
  if (ns.length <= 3) return 0;
  const us = Number(ns.slice(0, -3));
  return Number(ns.slice(-3)) >= 500 ? us + 1 : us;
}
