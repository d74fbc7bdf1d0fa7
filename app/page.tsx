// Overview: every job with its latest build, result, build count and how long ago it ran.
import Link from 'next/link';
import { formatDistanceToNowStrict } from 'date-fns';
import { listJobs } from '@/lib/queries/builds';
import { serverDb } from '@/lib/server/db';

export const dynamic = 'force-dynamic';

export default function Overview() {
  const jobs = listJobs(serverDb());
  if (!jobs.length) {
    return (
      <div className="card empty">
        <h1>No data yet</h1>
        <p>
          Ingest a job directory with <code>kpd ingest PATH</code>, generate demo data with <code>kpd demo</code>, or
          upload a build from CI.
        </p>
      </div>
    );
  }
  return (
    <>
      <h1>Jobs</h1>
      <table className="data">
        <thead>
          <tr>
            <th>Job</th>
            <th className="num">Builds</th>
            <th className="num">Latest build</th>
            <th>Result</th>
            <th>Last run</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.job}>
              <td>
                <Link href={`/jobs/${encodeURIComponent(j.job)}/builds`}>{j.job}</Link>
              </td>
              <td className="num">{j.builds}</td>
              <td className="num">{j.latest?.number ?? '-'}</td>
              <td>
                {j.latest?.result ? (
                  <span className={`badge ${j.latest.result === 'SUCCESS' ? 'good' : 'bad'}`}>{j.latest.result}</span>
                ) : (
                  '-'
                )}
              </td>
              <td>{j.latest?.started ? formatDistanceToNowStrict(new Date(j.latest.started / 1000), { addSuffix: true }) : '-'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
