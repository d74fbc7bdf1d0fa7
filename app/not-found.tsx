// An address that names nothing: an unknown job (its job layout answers 404)
// or no page at all. Says which, with the jobs a typo was close to.
import { connection } from 'next/server';
import MissingAddress from '@/app/components/MissingAddress';
import { jobNames } from '@/lib/queries/addresses';
import { serverDb } from '@/lib/server/db';

export default async function NotFound() {
  // The job names are read per request: the page is not prerendered at build time.
  await connection();
  return (
    <>
      <h1>Not found</h1>
      <MissingAddress missing="job" jobs={jobNames(serverDb()).all} />
    </>
  );
}
