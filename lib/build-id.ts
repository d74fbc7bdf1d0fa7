// Build IDs as exact strings. Prow's are 19-digit decimal numbers
// (1853849370541559808), beyond a float64 and, at 19 nines, beyond SQLite's
// int64 too; consecutive builds can differ in the last digit only. Jenkins-era
// builds are small numbers. So an ID is kept as its digits everywhere (JSON,
// URLs, SQLite TEXT) and compared numerically by length, then digits.
import { UserError } from './errors';
import type { Micros } from './model';

/** A build's ID: 1 to 19 decimal digits, no sign, no leading zero. */
export type BuildId = string;

const BUILD_ID = /^(?:0|[1-9][0-9]{0,18})$/;

export class BuildIdError extends UserError {}

export function isBuildId(s: string): boolean {
  return BUILD_ID.test(s);
}

/** `s` as a build ID, or a BuildIdError naming `what` and saying what an ID looks like. */
export function parseBuildId(s: string, what = 'build ID'): BuildId {
  if (isBuildId(s)) return s;
  const shown = JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  const why = /^[0-9]+$/.test(s) ? (s.length > 19 ? 'more than 19 digits' : 'a leading zero') : 'not only digits';
  throw new BuildIdError(`${what} must be 1 to 19 digits without a sign or leading zero (a Prow build ID or a build number), got ${shown}: ${why}`);
}

/** Numeric order of two IDs without converting them to numbers. */
export function compareBuildIds(a: BuildId, b: BuildId): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The key builds are ordered by: start time, then ID. Text that sorts like
 * the pair (a build without a start time sorts before every dated one, by
 * ID), so SQLite can index it and page through it.
 */
export function buildOrderKey(started: Micros | null | undefined, id: BuildId): string {
  const t = started === null || started === undefined || !(started >= 0) ? 0 : Math.floor(started);
  return `${String(t).padStart(17, '0')}:${id.padStart(19, '0')}`;
}
