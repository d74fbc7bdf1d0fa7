// Resolves a user's selection (job, test, image, machine) to database ids;
// an unknown or ambiguous selection is a SelectionError that lists the choices.
import type { DB } from '../db/open';
import type { NodeConfig } from '../model';
import { SelectionError } from './errors';

export interface Selection {
  job: string;
  test: string;
  image?: string;
  machine?: string;
}

export interface ResolvedSelection {
  jobId: number;
  seriesId: number;
  testId: number;
  nodeConfigId: number;
  test: string;
  node: NodeConfig;
}

export function jobId(db: DB, job: string): number {
  const row = db.prepare<[string], { id: number }>('SELECT id FROM jobs WHERE name = ?').get(job);
  if (!row) {
    const jobs = db.prepare<[], { name: string }>('SELECT name FROM jobs ORDER BY name').all().map((r) => r.name);
    const like = similarNames(job, jobs);
    throw new SelectionError(`no job "${job}"`, like);
  }
  return row.id;
}

/**
 * Names close to a mistyped one (a few edits apart, or one inside the other),
 * at most five: a hint for a typo that does not hand out the whole list.
 */
export function similarNames(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const close = (n: string) => {
    const m = n.toLowerCase();
    return (w.length >= 4 && (m.includes(w) || w.includes(m))) || editDistance(w, m) <= Math.max(2, Math.floor(w.length / 6));
  };
  return names.filter(close).slice(0, 5);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export function resolveSelection(db: DB, sel: Selection): ResolvedSelection {
  const job = jobId(db, sel.job);
  const test = db.prepare<[string], { id: number }>('SELECT id FROM tests WHERE name = ?').get(sel.test);
  const testsOfJob = () =>
    db
      .prepare<[number], { name: string }>(
        `SELECT DISTINCT t.name FROM tests t JOIN series s ON s.test_id = t.id WHERE s.job_id = ? ORDER BY t.name`,
      )
      .all(job)
      .map((r) => r.name);
  if (!test) throw new SelectionError(`no test "${sel.test}" in job ${sel.job}`, testsOfJob());
  const configs = db
    .prepare<[number, number], { id: number; seriesId: number; image: string; machine: string }>(
      `SELECT n.id, s.id AS seriesId, n.image, n.machine FROM series s JOIN node_configs n ON n.id = s.node_config_id
       WHERE s.job_id = ? AND s.test_id = ? ORDER BY n.image, n.machine`,
    )
    .all(job, test.id);
  const matching = configs.filter(
    (c) => (sel.image === undefined || c.image === sel.image) && (sel.machine === undefined || c.machine === sel.machine),
  );
  const list = (cs: typeof configs) => cs.map((c) => `--image '${c.image}' --machine '${c.machine}'`);
  if (!matching.length) {
    throw new SelectionError(`no runs of ${sel.test} on that image/machine`, list(configs));
  }
  if (matching.length > 1) {
    throw new SelectionError(`test ${sel.test} ran on ${matching.length} node configs`, list(matching));
  }
  const c = matching[0];
  return { jobId: job, seriesId: c.seriesId, testId: test.id, nodeConfigId: c.id, test: sel.test, node: { image: c.image, machine: c.machine } };
}
