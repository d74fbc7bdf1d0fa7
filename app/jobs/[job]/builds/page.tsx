// Builds: one test on one node config across builds, the node-perf-dash
// charts the test has (a resource test has no latency or throughput) over a
// build window (default: the last 50 builds; the page says which range rule
// applies), with SLO thresholds, detected regressions and failed builds drawn
// on them and one crosshair across them; a point opens that build's time
// series. `cmp` carries the comparison the page was opened from.
import { metricPanel, type MetricPanel } from '@/lib/queries/metrics';
import { pickSeries } from '@/lib/queries/options';
import { SelectionError } from '@/lib/queries/errors';
import { changePointsFor } from '@/lib/queries/regressions';
import { loadSloRules, thresholdsFor } from '@/lib/queries/slo';
import type { SloRule } from '@/lib/slo';
import { describeTestOptions } from '@/lib/model';
import { serverDb } from '@/lib/server/db';
import CompareButton from '@/app/components/CompareButton';
import MetricChart, { type Marker, type Threshold, type XMode, type YScale } from '@/app/components/MetricChart';
import XAxisToggle from '@/app/components/XAxisToggle';
import Problem, { attempt } from '@/app/components/Problem';
import SelectionBar from '@/app/components/SelectionBar';
import { openJobPage, type JobPageProps } from '../page-context';
import { all, describeRange, encodeSel, href, one, rangeOf, selectionOf, xModeOf, yScaleOf } from '@/app/params';

export const dynamic = 'force-dynamic';

export default async function BuildsPage(props: JobPageProps) {
  const page = await openJobPage(props);
  if (!page.ok) return page.show;
  const { job, sp, db, options } = page;
  const want = selectionOf(sp);
  const picked = pickSeries(options, want);
  const range = attempt(() => rangeOf(sp));
  const panel = attempt((): MetricPanel => {
    if (!range.ok) throw range.error;
    if (!picked) throw new SelectionError(`no runs of ${want.test ?? 'that test'} on that image/machine in ${job}`);
    return metricPanel(db, { job, test: picked.test.name, image: picked.config.image, machine: picked.config.machine, ...range.value });
  });
  const test = picked?.test ?? options.tests.find((t) => t.name === want.test) ?? options.tests[0];
  const config = picked?.config ?? test.configs[0];
  const lastParam = range.ok ? range.value.lastParam : '50';
  const rules = attempt(() => loadSloRules());
  const cmp = all(sp, 'cmp');
  return (
    <>
      <SelectionBar
        path={`/jobs/${encodeURIComponent(job)}/builds`}
        tests={options.tests.map((t) => ({ name: t.name, options: t.options, configs: t.configs }))}
        test={test.name}
        image={config.image}
        machine={config.machine}
        range={{ last: lastParam, builds: one(sp, 'builds') }}
        keep={{ x: one(sp, 'x'), y: one(sp, 'y'), cmp }}
      />
      {rules.ok ? null : <Problem error={rules.error} />}
      {panel.ok ? (
        <Charts
          job={job}
          panel={panel.value}
          options={describeTestOptions(test.options)}
          range={{ last: one(sp, 'last'), builds: one(sp, 'builds'), rule: range.ok ? describeRange(range.value) : '' }}
          cmp={cmp}
          rules={rules.ok ? rules.value : []}
          x={xModeOf(sp)}
          y={yScaleOf(sp)}
        />
      ) : (
        <Problem error={panel.error} />
      )}
    </>
  );
}

/** SLO lines of one chart, for the stats it draws. */
function thresholds(rules: readonly SloRule[], panel: MetricPanel, metric: MetricPanel['charts'][number]): Threshold[] {
  return thresholdsFor(rules, panel.test, panel.node, metric.metric)
    .filter((t) => metric.stats.includes(t.stat))
    .map((t) => ({ label: `${t.slo}: ${t.stat} ${t.direction === 'max' ? '≤' : '≥'} ${t.threshold}`, value: t.threshold, stat: t.stat }));
}

/** Regressions of one chart's stats among the builds it draws, one marker per build, with where they happened. */
function markers(job: string, panel: MetricPanel, metric: MetricPanel['charts'][number]): Marker[] {
  const drawn = new Set(metric.points.map((p) => p.build));
  const byBuild = new Map<string, { parts: string[]; blame: string }>();
  for (const c of changePointsFor(serverDb(), job, panel.test, panel.node, metric.metric)) {
    if (!c.regression || !metric.stats.includes(c.stat) || !drawn.has(c.build)) continue;
    const pct = c.change === null ? 'from 0' : `${c.change > 0 ? '+' : ''}${Math.round(c.change * 100)}%`;
    const versions = c.previousVersion && c.version && c.previousVersion !== c.version ? `, ${c.previousVersion} → ${c.version}` : '';
    const entry = byBuild.get(c.build) ?? { parts: [], blame: c.previousBuild ? ` since build ${c.previousBuild}${versions}` : '' };
    entry.parts.push(`${c.stat} ${pct}`);
    byBuild.set(c.build, entry);
  }
  return [...byBuild].map(([build, e]) => ({ build, label: `regression, ${e.parts.join(', ')}${e.blame}` }));
}

interface ChartsProps {
  job: string;
  panel: MetricPanel;
  options: string;
  /** The range as the URL gives it, and which rule applies, in words. */
  range: { last?: string; builds?: string; rule: string };
  cmp: string[];
  rules: readonly SloRule[];
  x: XMode;
  y: YScale;
}

function Charts(props: ChartsProps) {
  const { job, panel, options, range, rules, x, y } = props;
  const w = panel.window;
  const sel = { test: panel.test, image: panel.node.image, machine: panel.node.machine };
  const seriesHref = href(`/jobs/${encodeURIComponent(job)}/builds/{build}/series`, sel);
  // A test has the charts it has data for: a resource test no latency or throughput.
  const had = panel.charts.filter((c) => c.points.length);
  const charts = had.length ? had : panel.charts;
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
        <CompareButton job={job} sel={encodeSel(sel)} cmp={props.cmp} last={range.last} builds={range.builds} />
        <XAxisToggle x={x} y={y} />
      </div>
      <p className="muted" data-range-rule style={{ margin: '-0.5rem 0 0.6rem', fontSize: '0.8rem' }}>
        Showing {range.rule}
        {range.builds && range.last ? ' (a count and a range together: the count applies within the range)' : ''}
        {range.builds && !range.last ? ' (an explicit range shows all its builds; pick a count to narrow it)' : ''}. Drag across a chart to zoom.
      </p>
      {panel.description ? (
        <p className="desc muted" data-description style={{ margin: '-0.4rem 0 0.75rem', fontSize: '0.85rem' }}>
          {panel.description}
        </p>
      ) : null}
      <div className="grid">
        {charts.map((c) => (
          <MetricChart
            key={c.metric}
            id={c.metric}
            title={c.title}
            unit={c.unit}
            stats={c.stats}
            points={c.points.map((p) => ({ ...p, values: c.stats.map((s) => p.stats[s] ?? null) }))}
            x={x}
            y={y}
            syncId="builds"
            hrefTemplate={seriesHref}
            note={c.downsampledFrom ? `${c.points.length} of ${c.downsampledFrom} builds drawn: each stretch keeps its lowest and highest ${c.stats[c.stats.length - 1]}` : undefined}
            thresholds={thresholds(rules, panel, c)}
            markers={markers(job, panel, c)}
          />
        ))}
      </div>
    </>
  );
}
