'use client';
// What a 404 page says: which part of the address named nothing (the job, the
// build or the pod, read from the URL, since not-found pages get no params),
// what was probably meant, and where to go instead.
import Link from 'next/link';
import { useParams, usePathname } from 'next/navigation';
import { similarNames } from '@/lib/queries/selection';

export type Missing = 'job' | 'build' | 'pod';

/** Params may come still encoded (`ns%2Fname`); a lone % is left as it is. */
function decode(s: string | string[] | undefined): string | undefined {
  if (typeof s !== 'string') return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `jobs`: every job's name, for the address of an unknown job (only the root page knows them). */
export default function MissingAddress({ missing, jobs = [] }: { missing: Missing; jobs?: string[] }) {
  const path = usePathname();
  const params = useParams();
  const jobInPath = /^\/jobs\/([^/]+)/.exec(path)?.[1];
  const job = decode(params.job) ?? decode(jobInPath);
  const build = decode(params.build);
  const pod = decode(params.pod);
  const base = job ? `/jobs/${encodeURIComponent(job)}` : '/';

  if (missing === 'pod' && job && build && pod) {
    return (
      <Note title={`no pod ${pod} in build ${build}`}>
        Pods of this build are listed as the slowest pods of its{' '}
        <Link href={`${base}/tracing?build=${build}&last=all&builds=-${build}`}>tracing</Link>; its{' '}
        <Link href={`${base}/builds/${build}/series`}>time series</Link> shows every run.
      </Note>
    );
  }
  if (missing === 'build' && job && build) {
    return (
      <Note title={/^(?:0|[1-9][0-9]{0,18})$/.test(build) ? `no build ${build} in job ${job}` : `"${build}" is not a build ID`}>
        A build is named by its ID: a Prow build ID of 19 digits or a build number. The{' '}
        <Link href={`${base}/builds`}>builds of {job}</Link> link to each one.
      </Note>
    );
  }
  if (job && !jobs.includes(job)) {
    const close = similarNames(job, jobs);
    return (
      <Note title={`no job "${job}"`} choices={close.map((j) => ({ label: j, href: `/jobs/${encodeURIComponent(j)}/builds` }))}>
        {jobs.length ? 'The jobs the dashboard has are on the ' : 'The dashboard has no jobs yet; see the '}
        <Link href="/">list of jobs</Link>.
      </Note>
    );
  }
  return (
    <Note title={`nothing lives at ${path}`}>
      Start from the <Link href={base}>{job ? `views of ${job}` : 'list of jobs'}</Link>.
    </Note>
  );
}

function Note({ title, choices = [], children }: { title: string; choices?: { label: string; href: string }[]; children: React.ReactNode }) {
  return (
    <div className="note bad" role="alert" data-problem data-status="404">
      <b>{title}</b>
      {choices.length ? (
        <>
          <div className="muted">Choose one of:</div>
          <ul>
            {choices.map((c) => (
              <li key={c.label} className="mono">
                <Link href={c.href}>{c.label}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p style={{ margin: '0.4rem 0 0' }}>{children}</p>
    </div>
  );
}
