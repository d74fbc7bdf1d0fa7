// Time series of one build: for one run, the cumulative number of pods that
// reached each probe since the test started, kubelet and runtime CPU and
// memory on the same time axis (fitted to the pod events, zoomable), and the
// kubelet's own pod startup SLO durations.
import ExternalLinks from '@/app/components/ExternalLinks';
import Link from 'next/link';
import { runSeries, type RunSeries } from '@/lib/queries/series';
import { serverDb } from '@/lib/server/db';
import ParamSelect from '@/app/components/ParamSelect';
import Problem, { attempt } from '@/app/components/Problem';
import SeriesCharts from '@/app/components/SeriesCharts';
import { parseZoom } from '@/app/components/time-window';
import { formatDate, formatValue } from '@/app/components/format';
import { checkedBuild, encodeSel, href, jobPath, one, selectionOf, type Params } from '@/app/params';

export const dynamic = 'force-dynamic';

/** Drawn unless the URL says otherwise; the other probes are one click away. */
const DEFAULT_PROBES = ['create', 'running', 'pod_config_change', 'pod_running'];

export default async function SeriesPage(props: { params: Promise<{ job: string; build: string }>; searchParams: Promise<Params> }) {
  const { job: rawJob, build: rawBuild } = await props.params;
  const job = decodeURIComponent(rawJob);
  const sp = await props.searchParams;
  const res = attempt(() => runSeries(serverDb(), { job, build: checkedBuild(rawBuild, 'the build in the URL'), ...selectionOf(sp) }));
  if (!res.ok) return <Problem error={res.error} />;
  return <Series s={res.value} probesParam={one(sp, 'probes')} zoomParam={one(sp, 't')} />;
}

function Series({ s, probesParam, zoomParam }: { s: RunSeries; probesParam?: string; zoomParam?: string }) {
  const sel = { test: s.run.test, image: s.run.image, machine: s.run.machine };
  const shown = probesParam !== undefined ? probesParam.split(',') : DEFAULT_PROBES;
  const resource = (which: 1 | 2) =>
    s.resources.map((r) => ({ container: r.container, points: r.points.map((p): [number, number | null] => [p[0], p[which]]) }));
  const unit = (which: 'cpuUnit' | 'memoryUnit') => s.resources[0]?.[which] ?? '';
  const slo = s.podStartups;
  return (
    <>
      <div className="selbar">
        <div className="selgroup">
          <span className="grouplabel">
            Build <span className="mono" data-build>{s.build}</span>
          </span>
          <span className="muted" style={{ fontSize: '0.85rem' }} data-build-meta>
            started {formatDate(s.started)}
            {s.version ? <> · <span data-version>{s.version}</span></> : null}
            {s.commit ? <> · <span className="mono" title={s.commit}>{s.commit.slice(0, 12)}</span></> : null}
            {s.result ? <> · {s.result}</> : null}
          </span>
          <ExternalLinks links={s.links} />
        </div>
        <div className="selgroup shrinks">
          <span className="grouplabel">Run</span>
          <ParamSelectRun runs={s.runs.map(encodeSel)} value={encodeSel(sel)} />
        </div>
        <div className="selgroup">
          <Link className="button secondary" href={href(jobPath(s.job, 'builds'), sel)}>
            ← across builds
          </Link>
          <Link className="button secondary" href={href(jobPath(s.job, 'tracing'), { ...sel, build: s.build, last: 'all', builds: `-${s.build}` })}>
            tracing of this build
          </Link>
        </div>
      </div>
      <div className="subject" data-subject>
        <span className="testname">{s.run.test}</span>
        <span>
          {s.run.image} · {s.run.machine}
        </span>
        {s.run.host ? <span className="muted mono">{s.run.host}</span> : null}
      </div>
      {s.run.description ? <p className="muted" style={{ margin: '-0.4rem 0 0.75rem', fontSize: '0.85rem' }}>{s.run.description}</p> : null}
      <div className="grid">
        <SeriesCharts
          probes={s.probes}
          shown={shown}
          cpu={{ unit: unit('cpuUnit'), lines: resource(1) }}
          memory={{ unit: unit('memoryUnit'), lines: resource(2) }}
          zoom={parseZoom(zoomParam)}
        >
          <div className="chart wide">
            <div className="chart-empty">
              This run has no probe events: neither the test&apos;s create/running times nor a kubelet log with pod
              lifecycle lines (run the kubelet with --v=2 or higher and keep its log in the build artifacts).
            </div>
          </div>
        </SeriesCharts>
        <section className="chart" data-chart="slo">
          <div className="chart-title" style={{ padding: '0 0.4rem 0.4rem' }}>Kubelet&apos;s pod startup durations</div>
          {slo ? (
            <div style={{ padding: '0 0.4rem' }}>
              <div className="stats">
                {(['p50', 'p90', 'p99', 'max'] as const).map((k) => (
                  <div key={k} className="stat">
                    <div className="k">SLO {k}</div>
                    <div className="v">
                      {formatValue(slo.slo[k])}
                      <small>s</small>
                    </div>
                  </div>
                ))}
              </div>
              <p className="muted" style={{ fontSize: '0.8rem', margin: '0 0 0.4rem' }}>
                podStartSLOduration of {slo.slo.count} pods (E2E p50 {formatValue(slo.e2e.p50)} s, p99 {formatValue(slo.e2e.p99)} s)
                {slo.flagged ? `; ${slo.flagged} absurd values the kubelet logged were left out` : ''}.
              </p>
              <table className="data">
                <thead>
                  <tr>
                    <th>slowest pods</th>
                    <th className="num">SLO s</th>
                    <th className="num">E2E s</th>
                  </tr>
                </thead>
                <tbody>
                  {slo.slowest.slice(0, 5).map((p) => (
                    <tr key={p.pod}>
                      <td className="mono">{p.pod}</td>
                      <td className="num">{formatValue(p.sloSeconds)}</td>
                      <td className="num">{formatValue(p.e2eSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <div className="chart-empty">
              The kubelet log of this run had no &quot;Observed pod startup duration&quot; lines (logged since Kubernetes 1.26).
            </div>
          )}
        </section>
      </div>
    </>
  );
}

function ParamSelectRun({ runs, value }: { runs: string[]; value: string }) {
  return (
    <ParamSelect
      label="test · image · machine"
      name="run"
      names={['test', 'image', 'machine']}
      value={value}
      options={runs.map((r) => ({ value: r, label: r.split('|').join(' · ') }))}
    />
  );
}
