// Comparison: the selections in the URL (`sel=test|image|machine`, repeated),
// each aggregated over its build window (average, median or latest), bar
// charts of the six metrics side by side with each selection's min-max spread.
import Link from 'next/link';
import { compareSelections, type Comparison } from '@/lib/queries/comparison';
import { pickSeries } from '@/lib/queries/options';
import CompareChart from '@/app/components/CompareChart';
import { RememberComparison } from '@/app/components/CompareButton';
import ParamSelect from '@/app/components/ParamSelect';
import Problem, { attempt } from '@/app/components/Problem';
import SelectionBar from '@/app/components/SelectionBar';
import { openJobPage, type JobPageProps } from '../page-context';
import { aggregateOf, all, decodeSel, href, jobPath, one, rangeOf } from '@/app/params';

export const dynamic = 'force-dynamic';

const AGG_LABELS = { avg: 'average', median: 'median', latest: 'latest build' };
const LASTS = ['10', '25', '50', '100', '200', '500', 'all'];

export default async function ComparePage(props: JobPageProps) {
  const page = await openJobPage(props);
  if (!page.ok) return page.show;
  const { job, sp, db, options } = page;
  const sels = [...new Set(all(sp, 'sel'))];
  const cmp = attempt(() => {
    const range = rangeOf(sp);
    return compareSelections(db, { job, selections: sels.map(decodeSel), aggregate: aggregateOf(sp), ...range });
  });
  const lastParam = one(sp, 'last') ?? '50';
  const base = { sel: sels, agg: one(sp, 'agg'), last: one(sp, 'last'), builds: one(sp, 'builds') };
  const first = pickSeries(options, sels.length ? decodeSel(sels[sels.length - 1]) : {}) ?? pickSeries(options, {})!;
  return (
    <>
      <RememberComparison job={job} sels={sels} />
      <SelectionBar
        path={jobPath(job, 'compare')}
        tests={options.tests.map((t) => ({ name: t.name, options: t.options, configs: t.configs }))}
        test={first.test.name}
        image={first.config.image}
        machine={first.config.machine}
        addTo={href(jobPath(job, 'compare'), base)}
      />
      <div className="selbar">
        <div className="selgroup">
          <span className="grouplabel">Aggregate each selection over</span>
          <ParamSelect
            label="builds"
            name="last"
            value={lastParam}
            options={[...new Set([...LASTS, lastParam])].map((l) => ({ value: l, label: l === 'all' ? 'all history' : `last ${l} builds` }))}
          />
          <ParamSelect
            label="as"
            name="agg"
            value={one(sp, 'agg') ?? 'median'}
            options={Object.entries(AGG_LABELS).map(([value, label]) => ({ value, label }))}
          />
        </div>
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
        <CompareView job={job} cmp={cmp.value} sels={sels} base={base} />
      )}
    </>
  );
}

function CompareView({ job, cmp, sels, base }: { job: string; cmp: Comparison; sels: string[]; base: Record<string, string | string[] | undefined> }) {
  const short = cmp.selections.map((_, i) => `S${i + 1}`);
  const names = cmp.selections.map((s) => [s.test, s.image, s.machine].filter(Boolean).join(' · '));
  return (
    <>
      <div className="sels" data-selections>
        {cmp.selections.map((s, i) => (
          <div key={sels[i]} className={`sel${s.error ? ' error' : ''}`} data-sel={sels[i]}>
            <b>{short[i]}</b>
            <span>
              <Link href={href(jobPath(job, 'builds'), { test: s.test, image: s.image, machine: s.machine })} className="mono">
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
      <div className="grid">
        {cmp.charts.map((c) => (
          <CompareChart
            key={c.metric}
            id={c.metric}
            title={c.title}
            unit={c.unit}
            stats={c.stats}
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
