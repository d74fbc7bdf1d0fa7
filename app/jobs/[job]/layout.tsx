// The frame of every job page: the job's name and the tabs between its views.
import Link from 'next/link';
import { Suspense } from 'react';
import JobTabs from '@/app/components/JobTabs';

export default async function JobLayout({ children, params }: { children: React.ReactNode; params: Promise<{ job: string }> }) {
  const job = decodeURIComponent((await params).job);
  return (
    <>
      <div className="jobhead">
        <span className="crumbs">
          <Link href="/">Jobs</Link> /
        </span>
        <h1>{job}</h1>
      </div>
      <Suspense fallback={<nav className="tabs" />}>
        <JobTabs job={job} />
      </Suspense>
      {children}
    </>
  );
}
