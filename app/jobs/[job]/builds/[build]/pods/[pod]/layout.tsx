// Guards one pod's page: a pod in no run of the build answers 404 before
// anything is streamed (a pod in another run than the one selected is the
// page's own message).
import { notFound } from 'next/navigation';
import { podExists } from '@/lib/queries/addresses';
import { serverDb } from '@/lib/server/db';

export default async function PodLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ job: string; build: string; pod: string }>;
}) {
  const { job, build, pod } = await params;
  if (!podExists(serverDb(), decodeURIComponent(job), build, decodeURIComponent(pod))) notFound();
  return children;
}
