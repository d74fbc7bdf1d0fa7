// Builds: one test on one node config across builds, the six node-perf-dash
// charts over a build window (default: the last 50 builds); a point opens
// that build's time series.
import { describeTestOptions } from '@/ingest/parsers/testname';
import { metricPanel, type MetricPanel } from '@/lib/queries/metrics';
import { jobOptions, pickSeries } from '@/lib/queries/options';
import { SelectionError } from '@/lib/queries/errors';
import { serverDb } from '@/lib/server/db';
import CompareButton from '@/app/components/CompareButton';
import MetricChart from '@/app/components/MetricChart';
import Problem, { NoData, attempt } from '@/app/components/Problem';
import SelectionBar from '@/app/components/SelectionBar';
import { encodeSel, href, one, rangeOf, selectionOf, type Params } from '@/app/params';

export const dynamic = 'force-dynamic';

export default async function BuildsPage(props: { params: Promise<{ job: string }>; searchParams: Promise<Params> }) {
  const job = decodeURIComponent((await props.params).job);
  const sp = await props.searchParams;
  const db = serverDb();
  const opts = attempt(() => jobOptions(db, job));
  if (!opts.ok) return <Problem error={opts.error} />;
  if (!opts.value.tests.length) return <NoData job={job} />;
  const want = selectionOf(sp);
  const picked = pickSeries(opts.value, want);
  const range = attempt(() => rangeOf(sp));
  const panel = attempt((): MetricPanel => {
    if (!range.ok) throw range.error;
    if (!picked) throw new SelectionError(`no runs of ${want.test ?? 'that test'} on that image/machine in ${job}`);
    return metricPanel(db, { job, test: picked.test.name, image: picked.config.image, machine: picked.config.machine, ...range.value });
  });
  const test = picked?.test ?? opts.value.tests.find((t) => t.name === want.test) ?? opts.value.tests[0];
  const config = picked?.config ?? test.configs[0];
  const lastParam = range.ok ? range.value.lastParam : '50';
  return (
    <>
      <SelectionBar
        path={`/jobs/${encodeURIComponent(job)}/builds`}
        tests={opts.value.tests.map((t) => ({ name: t.name, options: t.options, configs: t.configs }))}
        test={test.name}
        image={config.image}
        machine={config.machine}
        range={{ last: lastParam, builds: one(sp, 'builds') }}
      />
      {panel.ok ? <Charts job={job} panel={panel.value} options={describeTestOptions(test.options)} lastParam={lastParam} /> : <Problem error={panel.error} />}
    </>
  );
}

function Charts({ job, panel, options, lastParam }: { job: string; panel: MetricPanel; options: string; lastParam: string }) {
  const w = panel.window;
  const sel = { test: panel.test, image: panel.node.image, machine: panel.node.machine };
  const seriesHref = href(`/jobs/${encodeURIComponent(job)}/builds/{build}/series`, sel);
  return (
    <>
      <div className="subject" data-subject>
        <span className="testname">{panel.test}</span>
        <span className="muted">{options}</span>
        <span>
          {panel.node.image} · {panel.node.machine}
        </span>
        <span className="muted" data-window>
          {w.builds ? `builds ${w.from}–${w.to} (${w.builds} of ${w.total})` : `no builds in this range (the series has builds ${w.first}–${w.last})`}
        </span>
        <CompareButton job={job} sel={encodeSel(sel)} last={lastParam} />
      </div>
      {panel.description ? (
        <p className="desc muted" data-description style={{ margin: '-0.4rem 0 0.75rem', fontSize: '0.85rem' }}>
          {panel.description}
        </p>
      ) : null}
      <div className="grid">
        {panel.charts.map((c) => (
          <MetricChart
            key={c.metric}
            id={c.metric}
            title={c.title}
            unit={c.unit}
            stats={c.stats}
            rows={c.points.map((p) => [p.build, p.started, ...c.stats.map((s) => p.stats[s] ?? null)])}
            hrefTemplate={seriesHref}
          />
        ))}
      </div>
    </>
  );
}
