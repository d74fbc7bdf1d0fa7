// Where archives are unpacked for reading: a folder of the system's
// temporary directory per build, removed when the build is read. What a
// killed process left there is removed later (removeStaleBuildDirs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMP_PREFIX = 'kpd-build-';

/**
 * Removes unpacked builds that a killed process left in the temporary
 * directory, once they are older than any ingest takes.
 */
export function removeStaleBuildDirs(maxAgeMs = 6 * 3600_000, now = Date.now()): number {
  let removed = 0;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const p = path.join(os.tmpdir(), name);
    try {
      if (now - fs.statSync(p).mtimeMs < maxAgeMs) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed++;
    } catch {
      // Another process removed it first.
    }
  }
  return removed;
}

