'use client';
// Selections side by side for one metric: a bar per stat (aggregated over
// each selection's builds) with a whisker from the min to the max build, as
// the legend says; "CSV" downloads the bars shown.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import { csvName, download, toCsv } from './csv';
import { formatTick, formatValue } from './format';
import { AXIS, GRID, statColor, TICK, yLabel } from './palette';

export interface CompareChartProps {
  id: string;
  title: string;
  unit: string;
  stats: string[];
  /** Stats drawn against a second axis on the right, for values far smaller than the others'. */
  rightStats?: readonly string[];
  /** Short names on the x axis (S1, S2, …) and the full ones for the tooltip. */
  short: string[];
  names: string[];
  /** Per selection, per stat: [value, min, max, builds]; null where it has none. */
  values: (Record<string, [number, number, number, number]> | null)[];
  aggregate: string;
}

type Datum = Record<string, number | string | [number, number] | null>;

const WHISKER = '#334155';

export default function CompareChart({ id, title, unit, stats, rightStats = [], short, names, values, aggregate }: CompareChartProps) {
  const axisOf = (s: string) => (rightStats.includes(s) ? 'right' : 'left');
  const hasRight = stats.some((s) => rightStats.includes(s));
  const data = useMemo(
    () =>
      short.map((s, i) => {
        const d: Datum = { sel: s };
        for (const stat of stats) {
          const v = values[i]?.[stat];
          d[stat] = v ? v[0] : null;
          d[`${stat}:spread`] = v ? [v[0] - v[1], v[2] - v[0]] : null;
        }
        return d;
      }),
    [short, stats, values],
  );
  const empty = values.every((v) => v === null);
  const exportCsv = () => {
    const header = ['selection', 'name', ...stats.flatMap((s) => [`${s} ${aggregate} (${unit})`, `${s} min`, `${s} max`, `${s} builds`])];
    const rows = short.map((s, i) => [s, names[i], ...stats.flatMap((st) => values[i]?.[st] ?? [null, null, null, null])]);
    download(csvName('compare', id), toCsv(header, rows));
  };
  return (
    <figure className="chart" data-chart={id}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {stats.map((s) => (
            <span key={s} className="legend-item">
              <i style={{ background: statColor(s) }} />
              {s}
              {hasRight && rightStats.includes(s) ? ' (right axis)' : ''}
            </span>
          ))}
          <span className="legend-item" data-legend="whisker" title="each selection's lowest and highest build in the range">
            <svg width="10" height="12" style={{ marginRight: '0.3rem', verticalAlign: -2 }} aria-hidden>
              <path d="M2,1H8M5,1V11M2,11H8" stroke={WHISKER} strokeWidth={1.3} fill="none" />
            </svg>
            min–max of the builds
          </span>
        </span>
      </figcaption>
      {empty ? (
        <div className="chart-empty">None of the selections has this metric in the range.</div>
      ) : (
        <BarChart responsive style={{ width: '100%', height: 240 }} data={data} margin={{ top: 8, right: hasRight ? 4 : 12, bottom: 4, left: 4 }}>
          <CartesianGrid stroke={GRID} vertical={false} yAxisId="left" />
          <XAxis dataKey="sel" tick={TICK} stroke={AXIS} />
          <YAxis yAxisId="left" width={64} tick={TICK} stroke={AXIS} tickFormatter={formatTick} label={yLabel(unit)} />
          {hasRight ? (
            <YAxis yAxisId="right" orientation="right" width={56} tick={TICK} stroke={AXIS} tickFormatter={formatTick} label={yLabel(unit, 'right')} />
          ) : null}
          <Tooltip
            isAnimationActive={false}
            cursor={{ fill: '#f1f5f9' }}
            content={(p) => {
              const i = p.active ? short.indexOf(String(p.label)) : -1;
              if (i < 0) return null;
              return (
                <div className="tooltip" data-tooltip={id} style={{ maxWidth: 'min(18rem, 80vw)', whiteSpace: 'normal' }}>
                  <div className="tooltip-head" style={{ overflowWrap: 'anywhere' }}>
                    <b>{short[i]}</b> {names[i]}
                  </div>
                  {stats.map((s) => {
                    const v = values[i]?.[s];
                    return (
                      <div key={s} data-stat={s}>
                        <div className="tooltip-row">
                          <i style={{ background: statColor(s) }} />
                          <span>{s}</span>
                          <b data-value>{formatValue(v?.[0], unit)}</b>
                          <span className="muted">{unit}</span>
                        </div>
                        {v ? (
                          <div className="muted" data-spread style={{ fontSize: '0.72rem', paddingLeft: '1rem' }}>
                            {formatValue(v[1], unit)}–{formatValue(v[2], unit)} over {v[3]} builds
                          </div>
                        ) : null}
                      </div>
                    );
                  })}
                  <div className="tooltip-hint">{aggregate} over the range; whiskers: min–max</div>
                </div>
              );
            }}
          />
          {stats.map((s) => (
            <Bar key={s} yAxisId={axisOf(s)} dataKey={s} fill={statColor(s)} isAnimationActive={false} maxBarSize={36}>
              <ErrorBar dataKey={`${s}:spread`} width={5} strokeWidth={1.3} stroke={WHISKER} direction="y" />
            </Bar>
          ))}
        </BarChart>
      )}
      {empty ? null : (
        <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <button type="button" className="linklike" data-csv={id} onClick={exportCsv} style={{ fontSize: '0.75rem' }}>
            CSV ↓
          </button>
        </div>
      )}
    </figure>
  );
}
