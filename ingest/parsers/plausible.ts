// The plausible range of every time the parsers accept. A timestamp outside
// it (1e20 seconds, a year 0001 sentinel, a unit mistaken for another) is a
// warning and no value, never a row that later breaks date formatting or the
// order of builds.
import type { IngestWarning, Micros } from '../../lib/model';

/** 2000-01-01T00:00:00Z: older than any Kubernetes build. */
export const EARLIEST_US: Micros = 946_684_800_000_000;
/** 2100-01-01T00:00:00Z. */
export const LATEST_US: Micros = 4_102_444_800_000_000;

export function isPlausibleTime(us: number): boolean {
  return Number.isFinite(us) && us >= EARLIEST_US && us < LATEST_US;
}

/** `us` when plausible; otherwise a warning naming the place and undefined. */
export function checkedTime(
  us: number,
  where: { file: string; line?: number; what: string },
  warnings: IngestWarning[],
): Micros | undefined {
  if (isPlausibleTime(us)) return Math.round(us);
  warnings.push({
    file: where.file,
    ...(where.line === undefined ? {} : { line: where.line }),
    message: `${where.what} is not a time between 2000 and 2100 (${Number.isFinite(us) ? `${us / 1e6} s` : String(us)}); ignored`,
  });
  return undefined;
}
