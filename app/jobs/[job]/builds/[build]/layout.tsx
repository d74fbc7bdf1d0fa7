// Guards the pages of one build (time series, pods): a build the job does not
// have answers 404 before anything is streamed.
import { notFound } from 'next/navigation';
import { buildExists } from '@/lib/queries/addresses';
import { serverDb } from '@/lib/server/db';

export default async function BuildLayout({ children, params }: { children: React.ReactNode; params: Promise<{ job: string; build: string }> }) {
  const { job, build } = await params;
  if (!buildExists(serverDb(), decodeURIComponent(job), build)) notFound();
  return children;
}
