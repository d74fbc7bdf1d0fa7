// Overview: every job with its latest build, result, recent results, build
// count and time since its last build; stale jobs stand out.
import Link from 'next/link';
import { jobsOverview } from '@/lib/queries/overview';
import { serverDb } from '@/lib/server/db';
import { formatDate, formatDuration } from '@/app/components/format';
import { jobPath, seriesPath } from '@/app/params';

export const dynamic = 'force-dynamic';

export default function Overview() {
  const jobs = jobsOverview(serverDb(), Date.now() * 1000);
  if (!jobs.length) {
    return (
      <div className="card empty" data-empty>
        <h1>No data yet</h1>
        <p>
          Ingest a job directory with <code>kpd ingest PATH</code>, generate demo data with <code>kpd demo</code>, or upload a
          build from CI with <code>kpd upload DIR --server URL --job NAME --build N</code>.
        </p>
      </div>
    );
  }
  return (
    <>
      <h1>Jobs</h1>
      <div className="table-wrap">
        <table className="data" data-jobs>
          <thead>
            <tr>
              <th>Job</th>
              <th className="num">Builds</th>
              <th className="num">Latest</th>
              <th>Result</th>
              <th>Recent builds</th>
              <th>Last build</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.job} className={j.stale ? 'stale' : undefined} data-job={j.job}>
                <td>
                  <Link href={jobPath(j.job, 'builds')}>{j.job}</Link>
                  <div className="muted" style={{ fontSize: '0.78rem' }}>
                    <Link href={jobPath(j.job, 'compare')}>compare</Link> · <Link href={jobPath(j.job, 'tracing')}>tracing</Link>
                  </div>
                </td>
                <td className="num">{j.builds}</td>
                <td className="num">{j.latest ? <Link href={seriesPath(j.job, j.latest.number)}>{j.latest.number}</Link> : '–'}</td>
                <td>
                  {j.latest?.result ? (
                    <span className={`badge ${j.latest.result === 'SUCCESS' ? 'good' : 'bad'}`}>{j.latest.result}</span>
                  ) : (
                    '–'
                  )}
                </td>
                <td>
                  <span className="strip" aria-label="results of the recent builds">
                    {j.recent.map((b) => (
                      <Link
                        key={b.number}
                        href={seriesPath(j.job, b.number)}
                        title={`build ${b.number}: ${b.result ?? 'no result'}`}
                        className={b.result === 'SUCCESS' ? 'good' : b.result ? 'bad' : undefined}
                      />
                    ))}
                  </span>
                </td>
                <td title={formatDate(j.latest?.started)}>
                  {j.ageUs === null ? '–' : `${formatDuration(j.ageUs)} ago`}
                  {j.stale ? (
                    <span
                      className="badge warn"
                      style={{ marginLeft: '0.4rem' }}
                      title={j.typicalGapUs ? `builds usually come every ${formatDuration(j.typicalGapUs)}` : undefined}
                    >
                      stale
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
