// Tracing: latency between a start and an end probe across builds (p50/p90/p99,
// with count, missing, negative and how pods were matched), and for one build
// the segment breakdown of pod startup and the slowest pods.
import Link from 'next/link';
import { pickSeries } from '@/lib/queries/options';
import { SelectionError } from '@/lib/queries/errors';
import { PROBE_ORIGINS, tracingView, type TracingView } from '@/lib/queries/tracing';
import { runAgreementOf } from '@/lib/queries/pod';
import { segmentsAtPercentiles } from '@/lib/queries/segments';
import type { PercentileBreakdown } from '@/lib/percentile-pods';
import type { RunAgreement } from '@/lib/agreement';
import RunAgreementTable from '@/app/components/Agreement';
import MetricChart from '@/app/components/MetricChart';
import ParamSelect from '@/app/components/ParamSelect';
import Problem, { attempt } from '@/app/components/Problem';
import SegmentBreakdown from '@/app/components/SegmentBreakdown';
import SelectionBar from '@/app/components/SelectionBar';
import { openJobPage, type JobPageProps } from '../page-context';
import { formatDate, formatValue } from '@/app/components/format';
import { probeColor } from '@/app/components/palette';
import { buildOf, href, jobPath, one, podPath, rangeOf, selectionOf, seriesPath, xModeOf, type Params } from '@/app/params';
import XAxisToggle from '@/app/components/XAxisToggle';

export const dynamic = 'force-dynamic';

export default async function TracingPage(props: JobPageProps) {
  const page = await openJobPage(props);
  if (!page.ok) return page.show;
  const { job, sp, db, options } = page;
  const want = selectionOf(sp);
  const picked = pickSeries(options, want);
  const view = attempt(() => {
    if (!picked) throw new SelectionError(`no runs of ${want.test ?? 'that test'} on that image/machine in ${job}`);
    const { lastParam: _, ...range } = rangeOf(sp);
    return tracingView(db, {
      job,
      test: picked.test.name,
      image: picked.config.image,
      machine: picked.config.machine,
      range,
      from: one(sp, 'from'),
      to: one(sp, 'to'),
      build: buildOf(sp),
    });
  });
  const test = picked?.test ?? options.tests[0];
  const config = picked?.config ?? test.configs[0];
  return (
    <>
      <SelectionBar
        path={jobPath(job, 'tracing')}
        tests={options.tests.map((t) => ({ name: t.name, options: t.options, configs: t.configs }))}
        test={test.name}
        image={config.image}
        machine={config.machine}
        range={{ last: one(sp, 'last') ?? '50', builds: one(sp, 'builds') }}
        keep={{ from: one(sp, 'from'), to: one(sp, 'to') }}
      />
      {view.ok ? (
        <Tracing
          v={view.value}
          params={sp}
          agreement={view.value.build === null ? [] : runAgreementOf(db, { ...view.value, build: view.value.build })}
          atPercentiles={view.value.build === null ? [] : segmentsAtPercentiles(db, { ...view.value, build: view.value.build })}
        />
      ) : (
        <Problem error={view.error} />
      )}
    </>
  );
}

function Tracing({
  v,
  params,
  agreement,
  atPercentiles,
}: {
  v: TracingView;
  params: Params;
  agreement: RunAgreement[];
  atPercentiles: PercentileBreakdown[];
}) {
  const sel = { test: v.test, image: v.image, machine: v.machine };
  const keep = { ...sel, last: one(params, 'last'), builds: one(params, 'builds'), from: v.from, to: v.to };
  const probeOptions = v.probes.map((p) => ({ value: p.probe, label: `${p.probe}${p.source === 'test' ? ' (test side)' : p.source === 'span' ? ' (span)' : ''}` }));
  for (const p of [v.from, v.to]) if (!v.probes.some((x) => x.probe === p)) probeOptions.push({ value: p, label: `${p} (never seen)` });
  const chosen = v.acrossBuilds.find((b) => b.build === v.build);
  const missingProbe = [v.from, v.to].filter((p) => !v.probes.some((x) => x.probe === p));
  const slowTotal = Math.max(1, ...v.slowest.map((p) => p.segments.reduce((a, s) => a + Math.max(0, s.ms), 0)));
  return (
    <>
      <div className="selbar">
        <div className="selgroup">
          <span className="grouplabel">Latency between probes</span>
          <ParamSelect label="start probe" name="from" value={v.from} options={probeOptions} />
          <ParamSelect label="end probe" name="to" value={v.to} options={probeOptions} />
        </div>
        <XAxisToggle x={xModeOf(params)} />
      </div>
      {missingProbe.map((p) => (
        <div key={p} className="note warn" data-unseen={p}>
          Probe <code>{p}</code> was never seen in builds {v.window.from}–{v.window.to} of this test.{' '}
          {PROBE_ORIGINS[p] ? `It comes from the ${PROBE_ORIGINS[p]}.` : 'It is a custom NodeTracing probe seen in other builds or tests of this job.'}
        </div>
      ))}
      {v.reversed ? (
        <div className="note warn" data-reversed>
          Every pod reached <code>{v.to}</code> before <code>{v.from}</code>: all latencies are negative, the probes look the wrong way round.{' '}
          <Link href={href(jobPath(v.job, 'tracing'), { ...keep, from: v.to, to: v.from, build: one(params, 'build') })} data-swap>
            Swap them: {v.to} → {v.from}
          </Link>
        </div>
      ) : null}
      {v.acrossBuilds.length === 0 ? (
        <div className="card empty">No builds of this test in the chosen range.</div>
      ) : (
        <>
          <div className="grid">
            <MetricChart
              id="trace"
              title={`${v.from} → ${v.to} latency (ms), per build`}
              unit="ms"
              stats={['p50', 'p90', 'p99']}
              points={v.acrossBuilds.map((b) => ({ ...b, values: [b.p50, b.p90, b.p99] }))}
              x={xModeOf(params)}
              hrefTemplate={href(jobPath(v.job, 'tracing'), { ...keep, build: '{build}' }).replace('%7Bbuild%7D', '{build}')}
              clickOpens
              selectedBuild={v.build ?? undefined}
              height={260}
              wide
            />
          </div>
          {chosen ? (
            <>
              <h2 data-build-heading>
                Build <span className="mono">{chosen.build}</span>{' '}
                <Link href={href(seriesPath(v.job, chosen.build), sel)} style={{ fontSize: '0.85rem', fontWeight: 500 }}>
                  time series →
                </Link>
                {chosen.links.prow ? (
                  <>
                    {' '}
                    <a href={chosen.links.prow} target="_blank" rel="noreferrer" style={{ fontSize: '0.85rem', fontWeight: 500 }}>
                      Prow ↗
                    </a>
                  </>
                ) : null}
              </h2>
              <p className="muted" data-build-meta style={{ margin: '-0.5rem 0 0.6rem', fontSize: '0.85rem' }}>
                {[formatDate(chosen.started), chosen.version, chosen.result].filter(Boolean).join(' · ')}
              </p>
              <div className="stats" data-trace>
                {(['p50', 'p90', 'p99'] as const).map((k) => (
                  <div key={k} className="stat" data-k={k}>
                    <div className="k">{k}</div>
                    <div className="v">
                      {formatValue(chosen[k])}
                      <small>ms</small>
                    </div>
                  </div>
                ))}
                <div className="stat" data-k="count">
                  <div className="k">pods</div>
                  <div className="v">{chosen.count}</div>
                </div>
                <div className="stat" data-k="missing">
                  <div className="k">missing a probe</div>
                  <div className="v">{chosen.missing}</div>
                </div>
                <div className="stat" data-k="negative">
                  <div className="k">negative</div>
                  <div className="v">{chosen.negative}</div>
                </div>
                <div className="stat" data-k="matchedBy">
                  <div className="k">matched by</div>
                  <div className="v" style={{ fontSize: '0.95rem' }}>
                    {chosen.matchedBy === 'pod' ? 'pod identity' : 'sort order'}
                  </div>
                </div>
              </div>
              {chosen.matchedBy === 'order' ? (
                <div className="note">
                  One of these probes is recorded by the test without pod identity, so the i-th earliest {v.from} is paired with
                  the i-th earliest {v.to}. Choose two kubelet probes for per-pod latency.
                </div>
              ) : null}
              <div className="grid">
                <SegmentBreakdown job={v.job} build={chosen.build} sel={sel} from={v.from} to={v.to} atPercentiles={atPercentiles} steps={v.segments} />
              </div>
              {agreement.some((a) => a.pods > 0) ? (
                <section data-logs-vs-spans>
                  <h2>Logs vs spans</h2>
                  <p className="muted" style={{ fontSize: '0.85rem', margin: '0 0 0.4rem' }}>
                    How far each span probe and the log probe of the same moment are apart in this build, over its pods (log minus span, folded).
                  </p>
                  <RunAgreementTable rows={agreement} />
                </section>
              ) : null}
              <h2>Slowest pods, {v.from} → {v.to}</h2>
              {v.slowest.length ? (
                <div className="table-wrap">
                  <table className="data" data-slowest>
                    <thead>
                      <tr>
                        <th>pod</th>
                        <th className="num">total ms</th>
                        <th>where the time went</th>
                        <th>segments</th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.slowest.map((p) => (
                        <tr key={`${p.pod}#${p.instance}`}>
                          <td className="mono">
                            <Link href={href(podPath(v.job, chosen.build, p.pod), { ...sel, instance: p.instance || undefined })} data-pod-link>
                              {p.pod}
                            </Link>
                          </td>
                          <td className="num">{formatValue(p.totalMs)}</td>
                          <td>
                            {p.dominant ? (
                              <>
                                <i className="swatch" style={{ background: probeColor(p.dominant.to) }} />
                                {p.dominant.from} → {p.dominant.to} <span className="muted">({formatValue(p.dominant.ms)} ms)</span>
                              </>
                            ) : (
                              '–'
                            )}
                          </td>
                          <td>
                            <div className="stack" title={p.segments.map((s) => `${s.from} → ${s.to}: ${formatValue(s.ms)} ms`).join('\n')}>
                              {p.segments.map((s, i) => (
                                <span key={i} style={{ width: `${(Math.max(0, s.ms) / slowTotal) * 100}%`, background: probeColor(s.to) }} />
                              ))}
                            </div>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <p className="muted">
                  No pod has both probes with pod identity in this build
                  {chosen.matchedBy === 'order' ? ' (test-side probes carry none)' : ''}.
                </p>
              )}
            </>
          ) : null}
        </>
      )}
      {v.unseen.length ? (
        <div className="note" data-unseen-list>
          Probes never seen in these builds, and what logs them:
          <ul>
            {v.unseen.map((u) => (
              <li key={u.probe}>
                <code>{u.probe}</code>: {u.origin}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
