// Comparison: the selections in the URL (`sel=test|image|machine`, repeated,
// each once), each aggregated over the build range (average, median or
// latest), bar charts of the six metrics side by side with each selection's
// min-max spread; beside them, one stat of every selection as lines across
// builds on one chart (`overlay=metric:stat`). The URL is the whole state;
// each selection links back to its Builds page carrying the comparison.
import Link from 'next/link';
import { compareSelections, overlaySelections, type Comparison, type Overlay } from '@/lib/queries/comparison';
import { isMetricName, type MetricName } from '@/lib/model';
import { pickSeries } from '@/lib/queries/options';
import CompareChart from '@/app/components/CompareChart';
import MetricChart from '@/app/components/MetricChart';
import ParamSelect from '@/app/components/ParamSelect';
import Problem, { attempt } from '@/app/components/Problem';
import RangeFields from '@/app/components/RangeFields';
import SelectionBar from '@/app/components/SelectionBar';
import { selectionColor } from '@/app/components/palette';
import { rightAxisStats } from '@/app/components/axes';
import { openJobPage, type JobPageProps } from '../page-context';
import { aggregateOf, all, decodeSel, describeRange, href, jobPath, one, rangeOf, type Params } from '@/app/params';

export const dynamic = 'force-dynamic';

const AGG_LABELS = { avg: 'average', median: 'median', latest: 'latest build' };

/** `overlay=latency:Perc99`: the metric and stat the overlay draws; absent parts are the overlay's defaults. */
function overlayOf(p: Params): { metric?: MetricName; stat?: string } {
  const [metric, stat] = (one(p, 'overlay') ?? '').split(':');
  const known = isMetricName(metric) ? metric : undefined;
  return { metric: known, stat: known && stat ? stat : undefined };
}

export default async function ComparePage(props: JobPageProps) {
  const page = await openJobPage(props);
  if (!page.ok) return page.show;
  const { job, sp, db, options } = page;
  const sels = [...new Set(all(sp, 'sel'))];
  const range = attempt(() => rangeOf(sp));
  const cmp = attempt(() => {
    if (!range.ok) throw range.error;
    const { lastParam: _, ...r } = range.value;
    const selections = sels.map(decodeSel);
    return {
      cmp: compareSelections(db, { job, selections, aggregate: aggregateOf(sp), ...r }),
      overlay: overlaySelections(db, { job, selections, ...overlayOf(sp), ...r }),
    };
  });
  const base = { sel: sels, agg: one(sp, 'agg'), last: one(sp, 'last'), builds: one(sp, 'builds'), overlay: one(sp, 'overlay') };
  const first = pickSeries(options, sels.length ? decodeSel(sels[sels.length - 1]) : {}) ?? pickSeries(options, {})!;
  return (
    <>
      <SelectionBar
        path={jobPath(job, 'compare')}
        tests={options.tests.map((t) => ({ name: t.name, options: t.options, configs: t.configs }))}
        test={first.test.name}
        image={first.config.image}
        machine={first.config.machine}
        addTo={href(jobPath(job, 'compare'), base)}
        added={sels}
      />
      <div className="selbar" data-compare-range>
        <RangeFields last={range.ok ? range.value.lastParam : 'all'} builds={one(sp, 'builds')} />
        <div className="selgroup">
          <span className="grouplabel">Aggregate each selection</span>
          <ParamSelect
            label="as"
            name="agg"
            value={one(sp, 'agg') ?? 'median'}
            options={Object.entries(AGG_LABELS).map(([value, label]) => ({ value, label }))}
          />
        </div>
        {range.ok ? (
          <p className="muted" data-range-rule style={{ margin: 0, fontSize: '0.8rem', flexBasis: '100%' }}>
            Each selection over {describeRange(range.value)}.
          </p>
        ) : null}
      </div>
      {!cmp.ok ? (
        <Problem error={cmp.error} />
      ) : sels.length === 0 ? (
        <div className="card empty" data-empty>
          <h2>Nothing to compare yet</h2>
          <p>
            Pick a test and node above and press <b>Add to comparison</b>, or press <b>Compare +</b> on the Builds page.
            The selections stay in this page&apos;s address, so a link reproduces the comparison.
          </p>
        </div>
      ) : (
        <CompareView job={job} cmp={cmp.value.cmp} overlay={cmp.value.overlay} sels={sels} base={base} />
      )}
    </>
  );
}

interface CompareViewProps {
  job: string;
  cmp: Comparison;
  overlay: Overlay;
  sels: string[];
  base: Record<string, string | string[] | undefined>;
}

function CompareView({ job, cmp, overlay, sels, base }: CompareViewProps) {
  const short = cmp.selections.map((_, i) => `S${i + 1}`);
  const names = cmp.selections.map((s) => [s.test, s.image, s.machine].filter(Boolean).join(' · '));
  return (
    <>
      <div className="sels" data-selections>
        {cmp.selections.map((s, i) => (
          <div key={sels[i]} className={`sel${s.error ? ' error' : ''}`} data-sel={sels[i]} style={{ minWidth: 0 }}>
            <b style={{ color: selectionColor(i) }}>{short[i]}</b>
            <span style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
              <Link
                href={href(jobPath(job, 'builds'), { test: s.test, image: s.image, machine: s.machine, last: base.last, builds: base.builds, cmp: sels })}
                className="mono"
              >
                {s.test}
              </Link>{' '}
              <span className="muted">
                {s.node ? `${s.node.image} · ${s.node.machine}` : s.error?.split(';')[0]}
                {s.window ? ` · ${s.window.builds ? `builds ${s.window.from}–${s.window.to} (${s.window.builds})` : 'no builds in range'}` : ''}
              </span>
            </span>
            <Link className="remove" title="remove from the comparison" href={href(jobPath(job, 'compare'), { ...base, sel: sels.filter((x) => x !== sels[i]) })}>
              ×
            </Link>
          </div>
        ))}
      </div>
      <h2>Across builds</h2>
      <div className="selbar" data-overlay-controls>
        <ParamSelect
          label="overlay metric · stat"
          name="overlay"
          value={`${overlay.metric}:${overlay.stat}`}
          options={overlay.choices.flatMap((c) => c.stats.map((s) => ({ value: `${c.metric}:${s}`, label: `${c.metric} · ${s}` })))}
        />
      </div>
      <div className="grid">
        <MetricChart
          id="overlay"
          wide
          title={`${overlay.title} · ${overlay.stat}, one line per selection`}
          unit={overlay.unit}
          stats={short}
          statLabels={Object.fromEntries(short.map((s, i) => [s, `${s} ${names[i]}`]))}
          colors={Object.fromEntries(short.map((s, i) => [s, selectionColor(i)]))}
          points={overlay.builds}
          height={300}
        />
      </div>
      <h2>Aggregated ({AGG_LABELS[cmp.aggregate]})</h2>
      <div className="grid">
        {cmp.charts.map((c) => (
          <CompareChart
            key={c.metric}
            id={c.metric}
            title={c.title}
            unit={c.unit}
            stats={c.stats}
            rightStats={rightAxisStats(c.metric)}
            short={short}
            names={names}
            aggregate={AGG_LABELS[cmp.aggregate]}
            values={c.values.map((v) =>
              v ? Object.fromEntries(Object.entries(v).map(([k, a]) => [k, [a.value, a.min, a.max, a.n] as [number, number, number, number]])) : null,
            )}
          />
        ))}
      </div>
    </>
  );
}
