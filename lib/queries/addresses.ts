// Whether the job, build and pod a page's address names exist, so a page for
// one that does not answers 404 (as the JSON API does) rather than 200 with a
// message; and, for the not-found page, the names a mistyped job was close to.
import { isBuildId } from '../build-id';
import type { DB } from '../db/open';
import { similarNames } from './selection';

export function jobExists(db: DB, job: string): boolean {
  return db.prepare<[string], { found: number }>('SELECT EXISTS (SELECT 1 FROM jobs WHERE name = ?) AS found').get(job)!.found === 1;
}

/** A malformed ID (letters, a leading zero) names no build either. */
export function buildExists(db: DB, job: string, build: string): boolean {
  if (!isBuildId(build)) return false;
  return (
    db
      .prepare<[string, string], { found: number }>(
        'SELECT EXISTS (SELECT 1 FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = ? AND b.number = ?) AS found',
      )
      .get(job, build)!.found === 1
  );
}

/** A pod with a probe or a span in any run of the build. */
export function podExists(db: DB, job: string, build: string, pod: string): boolean {
  if (!isBuildId(build)) return false;
  return (
    db
      .prepare<[string, string, string, string], { found: number }>(
        `WITH r AS (SELECT r.id FROM runs r JOIN builds b ON b.id = r.build_id JOIN jobs j ON j.id = b.job_id WHERE j.name = ? AND b.number = ?)
         SELECT EXISTS (SELECT 1 FROM probe_events p WHERE p.run_id IN (SELECT id FROM r) AND p.pod = ?)
             OR EXISTS (SELECT 1 FROM pod_spans s WHERE s.run_id IN (SELECT id FROM r) AND s.pod = ?) AS found`,
      )
      .get(job, build, pod, pod)!.found === 1
  );
}

/** Every job's name, and those close to `wanted` (a typo's likely meaning). */
export function jobNames(db: DB, wanted?: string): { all: string[]; close: string[] } {
  const all = db.prepare<[], { name: string }>('SELECT name FROM jobs ORDER BY name').all().map((r) => r.name);
  return { all, close: wanted === undefined ? [] : similarNames(wanted, all) };
}
