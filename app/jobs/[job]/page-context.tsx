// What every job page starts from: the job named in its URL, its query, and
// the tests and node configs the job has; or, when the job is unknown or has
// no runs yet, what to show instead.
import type { ReactElement } from 'react';
import type { DB } from '@/lib/db/open';
import { jobOptions, type JobOptions } from '@/lib/queries/options';
import { serverDb } from '@/lib/server/db';
import Problem, { NoData, attempt } from '@/app/components/Problem';
import type { Params } from '@/app/params';

export interface JobPageProps {
  params: Promise<{ job: string }>;
  searchParams: Promise<Params>;
}

export type JobPage = { ok: true; job: string; sp: Params; db: DB; options: JobOptions } | { ok: false; show: ReactElement };

export async function openJobPage(props: JobPageProps): Promise<JobPage> {
  const job = decodeURIComponent((await props.params).job);
  const sp = await props.searchParams;
  const db = serverDb();
  const opts = attempt(() => jobOptions(db, job));
  if (!opts.ok) return { ok: false, show: <Problem error={opts.error} /> };
  if (!opts.value.tests.length) return { ok: false, show: <NoData job={job} /> };
  return { ok: true, job, sp, db, options: opts.value };
}
