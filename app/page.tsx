// Overview: every job with its latest build, result, recent results, build
// count, time since its last build (stale jobs stand out), the SLO verdict of
// its newest build and the regression alerts still to triage. On a narrow
// window each job's row stacks into labelled lines, so no column is off-screen.
import Link from 'next/link';
import { jobsOverview, worstChange, type JobOverview } from '@/lib/queries/overview';
import { loadSloRules } from '@/lib/queries/slo';
import { serverDb } from '@/lib/server/db';
import { formatDate, formatDuration } from '@/app/components/format';
import Problem, { attempt } from '@/app/components/Problem';
import { href, jobPath, seriesPath } from '@/app/params';

export const dynamic = 'force-dynamic';

export default function Overview() {
  const rules = attempt(() => loadSloRules());
  const jobs = jobsOverview(serverDb(), Date.now() * 1000, rules.ok ? rules.value : undefined);
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
      {rules.ok ? null : <Problem error={rules.error} />}
      <div className="table-wrap">
        <table className="data stacking" data-jobs>
          <thead>
            <tr>
              <th>Job</th>
              <th className="num">Builds</th>
              <th className="num">Latest</th>
              <th>Result</th>
              <th>Recent builds</th>
              <th>Last build</th>
              <th>SLOs</th>
              <th>New alerts</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.job} className={j.stale ? 'stale' : undefined} data-job={j.job}>
                <td className="jobname">
                  <Link href={jobPath(j.job, 'builds')}>{j.job}</Link>
                  <div className="muted" style={{ fontSize: '0.78rem' }}>
                    <Link href={jobPath(j.job, 'compare')}>compare</Link> · <Link href={jobPath(j.job, 'tracing')}>tracing</Link> ·{' '}
                    <Link href={jobPath(j.job, 'regressions')}>regressions</Link>
                  </div>
                </td>
                <td className="num" data-label="Builds">{j.builds}</td>
                <td className="num" data-label="Latest">{j.latest ? <Link href={seriesPath(j.job, j.latest.number)}>{j.latest.number}</Link> : '–'}</td>
                <td data-label="Result">
                  {j.latest?.result ? (
                    <span className={`badge ${j.latest.result === 'SUCCESS' ? 'good' : 'bad'}`}>{j.latest.result}</span>
                  ) : (
                    '–'
                  )}
                </td>
                <td data-label="Recent builds">
                  <span className="strip" aria-label="results of the recent builds">
                    {j.recent.map((b) => (
                      <Link
                        key={b.number}
                        href={seriesPath(j.job, b.number)}
                        title={`build ${b.number}: ${b.result ?? 'no result'}${b.version ? ` · ${b.version}` : ''}`}
                        className={b.result === 'SUCCESS' ? 'good' : b.result ? 'bad' : undefined}
                      />
                    ))}
                  </span>
                </td>
                <td title={formatDate(j.latest?.started)} data-label="Last build">
                  <span>
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
                  </span>
                </td>
                <td data-slo data-label="SLOs">
                  <SloCell j={j} />
                </td>
                <td data-alerts data-label="New alerts">
                  <AlertsCell j={j} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function SloCell({ j }: { j: JobOverview }) {
  if (!j.slo || !j.slo.checked) return <span className="muted">–</span>;
  const title = `build ${j.slo.build}: ${j.slo.checked} SLO results checked`;
  return j.slo.ok ? (
    <span className="badge good" title={title}>
      met
    </span>
  ) : (
    <span className="badge bad" title={title}>
      {j.slo.violations} violated
    </span>
  );
}

function AlertsCell({ j }: { j: JobOverview }) {
  if (!j.alerts.length) return <span className="muted">none</span>;
  const first = j.alerts[0];
  const top = worstChange(first);
  const pct = (c: number | null) => (c === null ? 'from 0' : `${c > 0 ? '+' : ''}${Math.round(c * 100)}%`);
  const page = jobPath(j.job, 'regressions');
  return (
    <span title={j.alerts.map((a) => `${a.test} · ${a.image}: ${a.changes.length} changes at build ${a.build}`).join('\n')}>
      <Link href={href(page, { state: 'new' })} className="badge bad">
        {j.alerts.length} new
      </Link>{' '}
      <Link href={`${href(page, { image: first.image, machine: first.machine })}#alert-${first.id}`} style={{ fontSize: '0.82rem' }}>
        {first.test}: {top.metric} {top.stat} {pct(top.change)} at {first.build}
      </Link>
      {first.previousBuild ? (
        <span className="muted" style={{ display: 'block', fontSize: '0.76rem' }} data-blame>
          since {first.previousBuild}
          {first.previousVersion && first.version && first.previousVersion !== first.version ? ` (${first.previousVersion} → ${first.version})` : ''}
          {first.compareUrl ? (
            <>
              {' '}
              <a href={first.compareUrl} target="_blank" rel="noreferrer">
                commits ↗
              </a>
            </>
          ) : null}
        </span>
      ) : null}
    </span>
  );
}
