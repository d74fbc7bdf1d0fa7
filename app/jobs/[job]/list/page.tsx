// The build list of a job: every build, newest first, with its result,
// version, duration, runs, the warnings its ingest left (expandable, each with
// its file and line) and its links (Prow, artifacts, the time series).
import ExternalLinks from '@/app/components/ExternalLinks';
import Link from 'next/link';
import { buildEntries, type BuildEntry } from '@/lib/queries/builds';
import { serverDb } from '@/lib/server/db';
import Problem, { attempt } from '@/app/components/Problem';
import { formatDate, formatDuration } from '@/app/components/format';
import { href, one, seriesPath, type Params } from '@/app/params';
import styles from './BuildList.module.css';

export const dynamic = 'force-dynamic';

/** Builds shown unless the URL asks for all of them: a page, not a dump of years of builds. */
const SHOWN = 100;

const RESULT_BADGE: Record<string, string> = { SUCCESS: 'good', FAILURE: 'bad', ABORTED: 'warn', ERROR: 'bad' };

export default async function BuildListPage(props: { params: Promise<{ job: string }>; searchParams: Promise<Params> }) {
  const job = decodeURIComponent((await props.params).job);
  const sp = await props.searchParams;
  const builds = attempt(() => buildEntries(serverDb(), job));
  if (!builds.ok) return <Problem error={builds.error} />;
  const all = one(sp, 'all') === '1';
  const shown = all ? builds.value : builds.value.slice(0, SHOWN);
  if (!shown.length) return <div className="card empty">No builds in {job} yet.</div>;
  const warned = builds.value.filter((b) => b.warnings > 0).length;
  return (
    <>
      <p className="muted" data-summary style={{ margin: '0 0 0.6rem', fontSize: '0.88rem' }}>
        {builds.value.length} {builds.value.length === 1 ? 'build' : 'builds'}, newest first; {warned} with ingest warnings.
      </p>
      <div className="table-wrap">
        <table className={`data ${styles.table}`} data-build-list>
          <thead>
            <tr>
              <th>build</th>
              <th>started</th>
              <th>result</th>
              <th>version</th>
              <th className="num">duration</th>
              <th className="num">runs</th>
              <th>warnings</th>
              <th>links</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((b) => (
              <Row key={b.number} job={job} b={b} />
            ))}
          </tbody>
        </table>
      </div>
      {shown.length < builds.value.length ? (
        <p className={styles.more}>
          The newest {shown.length} of {builds.value.length} builds. <Link href={href(`/jobs/${encodeURIComponent(job)}/list`, { all: 1 })}>Show all</Link>
        </p>
      ) : null}
    </>
  );
}

function Row({ job, b }: { job: string; b: BuildEntry }) {
  return (
    <tr data-build={b.number}>
      <td className={styles.id} data-label="build">
        {b.number}
      </td>
      <td className={styles.started} data-label="started">
        {formatDate(b.started)}
      </td>
      <td className={styles.result} data-label="result">
        {b.result ? <span className={`badge ${RESULT_BADGE[b.result] ?? 'warn'}`}>{b.result}</span> : <span className={styles.none}>unknown</span>}
      </td>
      <td className={styles.version} data-label="version">
        {b.version ?? <span className={styles.none}>–</span>}
      </td>
      <td className="num" data-label="duration">
        {b.durationS === null ? '–' : formatDuration(b.durationS * 1e6)}
      </td>
      <td className="num" data-label="runs">
        {b.runs}
      </td>
      <td data-label="warnings">
        {b.warningList.length ? (
          <details className={styles.warnings} data-warnings>
            <summary>
              {b.warningList.length} {b.warningList.length === 1 ? 'warning' : 'warnings'}
            </summary>
            <ul>
              {b.warningList.map((w, i) => (
                <li key={i}>
                  <code>
                    {w.file}
                    {w.line !== undefined ? `:${w.line}` : ''}
                  </code>{' '}
                  {w.message}
                </li>
              ))}
            </ul>
          </details>
        ) : (
          <span className={styles.none}>none</span>
        )}
      </td>
      <td data-label="links">
        <span className={styles.links}>
          {b.runs ? (
            <Link href={seriesPath(job, b.number)} data-link="series">
              time series
            </Link>
          ) : null}
          <ExternalLinks links={b.links} />
        </span>
      </td>
    </tr>
  );
}
