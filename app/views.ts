// What a page and its JSON twin share beyond the query functions: the series
// a partial selection in the URL stands for (the first test and node config
// when none is given, as the page shows it) and the JSON form of times.
import type { DB } from '@/lib/db/open';
import type { Micros } from '@/lib/model';
import { SelectionError } from '@/lib/queries/errors';
import { jobOptions, pickSeries } from '@/lib/queries/options';
import { toIsoOrNull } from '@/lib/time';
import { selectionOf, type Params } from './params';

export function seriesFor(db: DB, job: string, p: Params): { job: string; test: string; image: string; machine: string } {
  const opts = jobOptions(db, job);
  const want = selectionOf(p);
  if (!opts.tests.length) throw new SelectionError(`no runs in job ${job} yet`);
  const picked = pickSeries(opts, want);
  if (!picked) {
    const test = opts.tests.find((t) => t.name === want.test);
    if (!test) throw new SelectionError(`no test "${want.test}" in job ${job}`, opts.tests.map((t) => t.name));
    throw new SelectionError(
      `no runs of ${want.test} on that image/machine`,
      test.configs.map((c) => `image=${c.image} machine=${c.machine}`),
    );
  }
  return { job, test: picked.test.name, image: picked.config.image, machine: picked.config.machine };
}

/** Replaces `started` (µs) with its ISO-8601 form, as every JSON document of the API writes times. */
export function isoStarted<T extends { started: Micros | null }>(x: T): Omit<T, 'started'> & { started: string | null } {
  return { ...x, started: toIsoOrNull(x.started) };
}
