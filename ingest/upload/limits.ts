// Upload limits, from the environment: the request body
// ($KPD_UPLOAD_MAX_BYTES), what it may unpack to
// ($KPD_UPLOAD_MAX_UNPACKED_BYTES) and how many entries it may hold
// ($KPD_UPLOAD_MAX_ENTRIES).
import { DEFAULT_LIMITS, type ArchiveLimits } from '../sources/tarball';

export interface UploadLimits extends ArchiveLimits {
  /** Bytes of the compressed archive as sent. */
  maxBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxBytes: 512 * 1024 ** 2,
  ...DEFAULT_LIMITS,
};

export class LimitConfigError extends Error {}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw new LimitConfigError(`${name} must be a whole number of at least 1, got "${v}"`);
  }
  return Number(v);
}

export function uploadLimits(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  return {
    maxBytes: positive(env, 'KPD_UPLOAD_MAX_BYTES', DEFAULT_UPLOAD_LIMITS.maxBytes),
    maxUnpackedBytes: positive(env, 'KPD_UPLOAD_MAX_UNPACKED_BYTES', DEFAULT_UPLOAD_LIMITS.maxUnpackedBytes),
    maxEntries: positive(env, 'KPD_UPLOAD_MAX_ENTRIES', DEFAULT_UPLOAD_LIMITS.maxEntries),
  };
}
