// One pod of one run: its spans as a waterfall with its log and span probes as
// markers, how far its log and span probes agree (and across the run), and
// the kubelet log lines around its probes. Reached from the Tracing page's
// slowest pods; `kpd pod` and GET …/pods/POD show the same.
import Link from 'next/link';
import { podLog } from '@/ingest/sources/log-lines';
import { podView, type PodView } from '@/lib/queries/pod';
import type { PodLog } from '@/lib/queries/pod';
import { serverDb } from '@/lib/server/db';
import RunAgreementTable from '@/app/components/Agreement';
import LogView from '@/app/components/LogView';
import Problem, { attempt } from '@/app/components/Problem';
import Waterfall from '@/app/components/Waterfall';
import { formatDate, formatValue } from '@/app/components/format';
import { probeColor } from '@/app/components/palette';
import compact from '@/app/components/Compact.module.css';
import { checkedBuild, countOf, href, jobPath, podPath, selectionOf, seriesPath, type Params } from '@/app/params';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ job: string; build: string; pod: string }>; searchParams: Promise<Params> };

export default async function PodPage(props: Props) {
  const { job: rawJob, build: rawBuild, pod: rawPod } = await props.params;
  const sp = await props.searchParams;
  const job = decodeURIComponent(rawJob);
  const res = attempt(() => {
    const instance = countOf(sp, 'instance');
    return podView(serverDb(), {
      job,
      build: checkedBuild(rawBuild, 'the build in the URL'),
      pod: decodeURIComponent(rawPod),
      ...selectionOf(sp),
      ...(instance !== undefined ? { instance } : {}),
    });
  });
  if (!res.ok) return <Problem error={res.error} />;
  return <Pod v={res.value} log={await podLog(res.value, { context: 3 })} />;
}

function Pod({ v, log }: { v: PodView; log: PodLog }) {
  const sel = { test: v.test, image: v.image, machine: v.machine };
  const t0 = Math.min(...v.probes.map((p) => p.time), ...v.spans.map((s) => s.start));
  const since = (t: number) => formatValue((t - t0) / 1000);
  const seen = new Set<string>();
  const markers = v.probes.filter((p) => {
    const k = `${p.source}:${p.probe}`;
    return !seen.has(k) && seen.add(k);
  });
  return (
    <>
      <div className="selbar">
        <div className="selgroup">
          <span className="grouplabel">Pod</span>
          <span className="mono" data-pod style={{ overflowWrap: 'anywhere' }}>
            {v.pod}
          </span>
          {v.instances.length > 1
            ? v.instances.map((i) => (
                <Link key={i} href={href(podPath(v.job, v.build, v.pod), { ...sel, instance: i })} aria-current={i === v.instance ? 'page' : undefined}>
                  life {i}
                </Link>
              ))
            : null}
        </div>
        <div className="selgroup">
          <span className="grouplabel">
            Build <span className="mono">{v.build}</span>
          </span>
          <Link className="button secondary" href={href(jobPath(v.job, 'tracing'), { ...sel, build: v.build, last: 'all', builds: `-${v.build}` })}>
            ← tracing of this build
          </Link>
          <Link className="button secondary" href={href(seriesPath(v.job, v.build), sel)}>
            time series
          </Link>
        </div>
      </div>
      <div className="subject" data-subject>
        <span className="testname">{v.test}</span>
        <span>
          {v.image} · {v.machine}
        </span>
        {v.host ? <span className="muted mono" style={{ overflowWrap: 'anywhere' }}>{v.host}</span> : null}
        {v.uid ? <span className="muted mono">uid {v.uid}</span> : null}
        <span className="muted">first event {formatDate(t0)}</span>
      </div>
      <div className="grid">
        <Waterfall
          spans={v.spans.map((s) => ({ id: s.traceId + s.spanId, name: s.name, service: s.service, start: s.start, end: s.end, depth: s.depth, error: s.error, attributes: s.attributes }))}
          markers={markers.map((p) => ({ probe: p.probe, source: p.source, time: p.time }))}
        />
      </div>
      <h2>Probes</h2>
      <div className="table-wrap">
        <table className={`data ${compact.compact}`} data-probes>
          <thead>
            <tr>
              <th className="num">+ms</th>
              <th>probe</th>
              <th>from</th>
            </tr>
          </thead>
          <tbody>
            {v.probes.map((p) => (
              <tr key={`${p.source}:${p.probe}:${p.time}`} data-probe={p.probe}>
                <td className="num">{since(p.time)}</td>
                <td>
                  <span className={compact.name}>
                    <i className="swatch" style={{ background: probeColor(p.probe) }} />
                    {p.probe}
                  </span>
                </td>
                <td>{p.source === 'span' ? 'span' : p.source === 'kubelet' ? `log ${p.line ?? '?'}` : 'test'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.spans.length ? (
        <>
          <h2>Logs vs spans</h2>
          {v.agreement.length ? (
            <div className="table-wrap" style={{ marginBottom: '0.75rem' }}>
              <table className={`data ${compact.compact}`} data-agreement="pod">
                <thead>
                  <tr>
                    <th>span probe / log probe</th>
                    <th className="num">+ms</th>
                    <th className="num">log − span ms</th>
                  </tr>
                </thead>
                <tbody>
                  {v.agreement.map((a) => (
                    <tr key={a.span} data-pair={a.span}>
                      <td>
                        <div>{a.span}</div>
                        <div>{a.log}</div>
                      </td>
                      <td className="num">
                        <div>{since(a.spanTime)}</div>
                        <div>{since(a.logTime)}</div>
                      </td>
                      <td className="num" data-diff>
                        {formatValue(a.diffMs)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">This pod has no log probe to set beside its span probes.</p>
          )}
          <p className="muted" style={{ fontSize: '0.85rem', margin: '0 0 0.4rem' }}>
            Across the run&apos;s pods (the log side comes later by the kubelet&apos;s reaction time: PLEG relists every second):
          </p>
          <RunAgreementTable rows={v.runAgreement} />
        </>
      ) : null}
      <h2>Kubelet log around its probes</h2>
      <LogView log={log} />
    </>
  );
}
