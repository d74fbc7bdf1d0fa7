// The frame of every job page: the job's name and the tabs between its views.
// A job the dashboard does not have answers 404 before anything is streamed.
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import JobTabs from '@/app/components/JobTabs';
import { jobExists } from '@/lib/queries/addresses';
import { serverDb } from '@/lib/server/db';

export default async function JobLayout({ children, params }: { children: React.ReactNode; params: Promise<{ job: string }> }) {
  const job = decodeURIComponent((await params).job);
  if (!jobExists(serverDb(), job)) notFound();
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
