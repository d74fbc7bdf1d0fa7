'use client';
// Selections side by side for one metric: a bar per stat (aggregated over
// each selection's builds) with a whisker from the min to the max build.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTick, formatValue } from './format';
import { AXIS, GRID, statColor, TICK, yLabel } from './palette';

export interface CompareChartProps {
  id: string;
  title: string;
  unit: string;
  stats: string[];
  /** Short names on the x axis (S1, S2, …) and the full ones for the tooltip. */
  short: string[];
  names: string[];
  /** Per selection, per stat: [value, min, max, builds]; null where it has none. */
  values: (Record<string, [number, number, number, number]> | null)[];
  aggregate: string;
}

type Datum = Record<string, number | string | [number, number] | null>;

export default function CompareChart({ id, title, unit, stats, short, names, values, aggregate }: CompareChartProps) {
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
  return (
    <figure className="chart" data-chart={id}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {stats.map((s) => (
            <span key={s} className="legend-item">
              <i style={{ background: statColor(s) }} />
              {s}
            </span>
          ))}
        </span>
      </figcaption>
      {empty ? (
        <div className="chart-empty">None of the selections has this metric in the range.</div>
      ) : (
        <BarChart responsive style={{ width: '100%', height: 240 }} data={data} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="sel" tick={TICK} stroke={AXIS} />
          <YAxis
            width={56}
            tick={TICK}
            stroke={AXIS}
            tickFormatter={formatTick}
            label={yLabel(unit)}
          />
          <Tooltip
            isAnimationActive={false}
            cursor={{ fill: '#f1f5f9' }}
            content={(p) => {
              const i = p.active ? short.indexOf(String(p.label)) : -1;
              if (i < 0) return null;
              return (
                <div className="tooltip" data-tooltip={id}>
                  <div className="tooltip-head">
                    <b>{short[i]}</b> {names[i]}
                  </div>
                  {stats.map((s) => {
                    const v = values[i]?.[s];
                    return (
                      <div key={s} className="tooltip-row" data-stat={s}>
                        <i style={{ background: statColor(s) }} />
                        <span>{s}</span>
                        <b data-value>{formatValue(v?.[0])}</b>
                        <span className="muted">
                          {unit} {v ? `(${formatValue(v[1])}–${formatValue(v[2])}, ${v[3]} builds)` : ''}
                        </span>
                      </div>
                    );
                  })}
                  <div className="tooltip-hint">{aggregate} over the range; whiskers: min–max</div>
                </div>
              );
            }}
          />
          {stats.map((s) => (
            <Bar key={s} dataKey={s} fill={statColor(s)} isAnimationActive={false} maxBarSize={36}>
              <ErrorBar dataKey={`${s}:spread`} width={5} strokeWidth={1.3} stroke="#334155" direction="y" />
            </Bar>
          ))}
        </BarChart>
      )}
    </figure>
  );
}
