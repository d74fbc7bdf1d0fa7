// Regressions: the job's alerts (the change points at one build of one test
// and node config, grouped), newest first, each with the metrics and stats
// that moved (the largest charted change first), where it happened (builds,
// versions, commits), a small chart of each moved metric a few builds either
// side, a link to the Builds view there, and its triage state with a form to
// change it. Filters by state and node config live in the URL.
import Link from 'next/link';
import { ALERT_STATES, isChartedStat, type AlertState } from '@/lib/model';
import { alertCharts, alertWindow, listAlerts, NOTE_MAX, type Alert } from '@/lib/queries/alerts';
import type { DB } from '@/lib/db/open';
import { alertFilterOf } from '@/lib/server/alerts';
import { BadRequest } from '@/lib/server/api';
import MetricChart from '@/app/components/MetricChart';
import ParamSelect from '@/app/components/ParamSelect';
import Problem, { attempt } from '@/app/components/Problem';
import { formatValue } from '@/app/components/format';
import { href, one, seriesPath, type Params } from '@/app/params';
import { openJobPage, type JobPageProps } from '../page-context';
import AlertTriage from './AlertTriage';
import TokenField from './TokenField';
import styles from './regressions.module.css';

export const dynamic = 'force-dynamic';

/** Alerts per page: each draws a chart per moved metric. */
const PAGE_SIZE = 10;
/** Builds drawn each side of an alert's build, and shown each side in the Builds view it links to. */
const CHART_AROUND = 5;
const BUILDS_AROUND = 10;

const STATE_BADGE: Record<AlertState, string> = { new: 'badge bad', acknowledged: 'badge warn', invalid: `badge ${styles.badgeMuted}`, fixed: 'badge good' };

export default async function RegressionsPage(props: JobPageProps) {
  const page = await openJobPage(props);
  if (!page.ok) return page.show;
  const { job, sp, db, options } = page;
  const filter = attempt(() => alertFilterOf((k) => (k === 'image' || k === 'machine' || k === 'state' ? one(sp, k) : undefined)));
  const pageNo = attempt(() => {
    const v = one(sp, 'page') ?? '1';
    if (!/^[1-9]\d{0,5}$/.test(v)) throw new BadRequest(`page must be a page number, got ${JSON.stringify(v.slice(0, 20))}`);
    return Number(v);
  });
  if (!filter.ok) return <Problem error={filter.error} />;
  if (!pageNo.ok) return <Problem error={pageNo.error} />;
  const all = listAlerts(db, job);
  const shown = all.filter(
    (a) =>
      (!filter.value.state || a.state === filter.value.state) &&
      (!filter.value.image || a.image === filter.value.image) &&
      (!filter.value.machine || a.machine === filter.value.machine),
  );
  const configs = [...new Map(options.tests.flatMap((t) => t.configs).map((c) => [`${c.image}|${c.machine}`, c])).values()];
  const count = (s: AlertState) => all.filter((a) => a.state === s).length;
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(pageNo.value, pages);
  const onPage = shown.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const pageHref = (n: number) => href(`/jobs/${encodeURIComponent(job)}/regressions`, { ...keptParams(sp), page: n > 1 ? n : undefined });
  return (
    <>
      <div className={`selbar ${styles.toolbar}`} data-alert-filters>
        <ParamSelect
          label="state"
          name="state"
          value={filter.value.state ?? ''}
          options={[{ value: '', label: `all states (${all.length})` }, ...ALERT_STATES.map((s) => ({ value: s, label: `${s} (${count(s)})` }))]}
          reset={['page']}
        />
        <ParamSelect
          label="node config"
          name="node"
          names={['image', 'machine']}
          value={filter.value.image || filter.value.machine ? `${filter.value.image ?? ''}|${filter.value.machine ?? ''}` : ''}
          options={[{ value: '', label: 'all node configs' }, ...configs.map((c) => ({ value: `${c.image}|${c.machine}`, label: `${c.image} · ${c.machine}` }))]}
          reset={['page']}
        />
        <TokenField />
      </div>
      <p className={`muted ${styles.summary}`} data-alert-summary>
        {all.length
          ? `${shown.length} of ${all.length} alerts${shown.length > PAGE_SIZE ? `, ${(current - 1) * PAGE_SIZE + 1}–${(current - 1) * PAGE_SIZE + onPage.length} shown` : ''}; ${count('new')} new`
          : `No alerts in ${job}: no change point found in its series yet (a change needs a few builds on each side of it to be told from noise).`}
      </p>
      {all.length && !shown.length ? (
        <div className="card empty" data-empty>
          No alerts match these filters.
        </div>
      ) : null}
      {onPage.map((a) => (
        <AlertCard key={`${a.test}|${a.image}|${a.machine}|${a.build}`} db={db} job={job} a={a} />
      ))}
      {pages > 1 ? (
        <nav className={styles.pages} aria-label="pages of alerts" data-alert-pages>
          {current > 1 ? <Link href={pageHref(current - 1)}>← newer</Link> : null}
          <span className="muted">
            page {current} of {pages}
          </span>
          {current < pages ? <Link href={pageHref(current + 1)}>older →</Link> : null}
        </nav>
      ) : null}
    </>
  );
}

/** The filters a page link keeps. */
function keptParams(sp: Params): Record<string, string | undefined> {
  return { state: one(sp, 'state'), image: one(sp, 'image'), machine: one(sp, 'machine') };
}

const pct = (c: number | null) => (c === null ? 'from 0' : `${c > 0 ? '+' : ''}${(c * 100).toFixed(1)}%`);

function AlertCard({ db, job, a }: { db: DB; job: string; a: Alert }) {
  const sel = { test: a.test, image: a.image, machine: a.machine };
  const around = alertWindow(db, job, a, BUILDS_AROUND);
  const charts = alertCharts(db, job, a, CHART_AROUND);
  const versions = a.previousVersion && a.version && a.previousVersion !== a.version ? ` (${a.previousVersion} → ${a.version})` : '';
  const charted = a.changes.filter((c) => isChartedStat(c.metric, c.stat));
  const other = a.changes.filter((c) => !isChartedStat(c.metric, c.stat));
  const moved = (metric: string) => charted.filter((c) => c.metric === metric);
  return (
    <section className={`card ${styles.alert}`} id={a.id === null ? undefined : `alert-${a.id}`} data-alert={a.id ?? ''}>
      <div className={styles.head}>
        <span className={STATE_BADGE[a.state]} data-state>
          {a.state}
        </span>
        <span className={a.regression ? 'badge bad' : 'badge good'}>{a.regression ? 'regression' : 'improvement'}</span>
        <span className={styles.test}>{a.test}</span>
        <span data-node>
          {a.image} · {a.machine}
        </span>
        <span>
          build <span className={styles.build} data-build>{a.build}</span>
        </span>
        {a.id !== null ? <span className="muted">alert {a.id}</span> : null}
      </div>
      <p className={`muted ${styles.blame}`} data-blame>
        {a.previousBuild ? `since build ${a.previousBuild}${versions}` : 'at the first build of its run'}{' '}
        <span className={styles.links}>
          {a.compareUrl ? (
            <a href={a.compareUrl} target="_blank" rel="noreferrer" data-link="commits">
              commits ↗
            </a>
          ) : null}
          <Link href={href(`/jobs/${encodeURIComponent(job)}/builds`, { ...sel, builds: `${around.from}-${around.to}` })} data-link="builds">
            Builds view around it →
          </Link>
          <Link href={href(seriesPath(job, a.build), sel)} data-link="series">
            time series of build {a.build.length > 7 ? `…${a.build.slice(-6)}` : a.build} →
          </Link>
        </span>
      </p>
      {a.note || a.setBy ? (
        <p className={styles.stateNote} data-state-note>
          {a.note ? <b>{a.note}</b> : null}
          <span className="muted">
            {a.note ? ' — ' : ''}
            {a.state} by {a.setBy}
            {a.setAt ? `, ${a.setAt.slice(0, 16).replace('T', ' ')} UTC` : ''}
          </span>
        </p>
      ) : null}
      {a.id !== null ? (
        <AlertTriage job={job} id={a.id} state={a.state} note={a.note} noteMax={NOTE_MAX} />
      ) : (
        <p className="note warn">This alert gets its ID when a writer (an ingest or an upload) next recomputes the job; its state cannot be set before.</p>
      )}
      <ChangesTable changes={charted.length ? charted : other} />
      {charted.length && other.length ? (
        <details className={styles.more} data-more-changes>
          <summary>
            {other.length === 1 ? '1 more stat' : `${other.length} more stats`} moved (not charted)
          </summary>
          <ChangesTable changes={other} />
        </details>
      ) : null}
      <div className="grid">
        {charts.map((c) => (
          <MetricChart
            key={c.metric}
            id={`${a.id ?? a.build}-${c.metric}`}
            title={c.title}
            unit={c.unit}
            stats={c.stats}
            points={c.points.map((p) => ({ ...p, values: c.stats.map((s) => p.stats[s] ?? null) }))}
            hrefTemplate={href(`/jobs/${encodeURIComponent(job)}/builds/{build}/series`, sel)}
            markers={[{ build: a.build, label: moved(c.metric).map((m) => `${m.stat} ${pct(m.change)}`).join(', ') || 'first build at the new level' }]}
            height={170}
          />
        ))}
      </div>
    </section>
  );
}

function ChangesTable({ changes }: { changes: Alert['changes'] }) {
  if (!changes.length) return null;
  return (
    <div className={`table-wrap ${styles.changes}`}>
      <table className="data" data-changes>
        <thead>
          <tr>
            <th>metric · stat</th>
            <th className="num">change</th>
            <th className="num">before → after</th>
            <th className={`num ${styles.p}`}>p</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={`${c.metric}|${c.stat}`} data-change={`${c.metric}|${c.stat}`}>
              <td>
                {c.metric} <span className="muted">{c.stat}</span>
              </td>
              <td className={`num ${c.regression ? styles.worse : styles.better}`}>{pct(c.change)}</td>
              <td className="num">
                {formatValue(c.before)} → {formatValue(c.after)}
              </td>
              <td className={`num ${styles.p}`}>{c.pValue.toExponential(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
