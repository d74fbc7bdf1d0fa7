'use client';
// A metric across builds: one line per stat, x = build number, the build's
// date and every stat's value in the tooltip; a click opens the build.
// Receives only the rows it draws.
import { useRouter } from 'next/navigation';
import { useMemo, useRef } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatTick, formatValue } from './format';
import { AXIS, GRID, statColor, TICK, xLabel, yLabel } from './palette';

export interface Threshold {
  label: string;
  value: number;
  /** The stat it applies to, for its colour. */
  stat?: string;
}

export interface Marker {
  build: number;
  label: string;
}

export interface MetricChartProps {
  /** Stable name for the chart (metric name), used in test hooks. */
  id: string;
  title: string;
  unit: string;
  stats: string[];
  /** Display names for stats (p50 rather than Perc50), when they differ. */
  statLabels?: Record<string, string>;
  /** `[build, started µs | null, value of stats[0], value of stats[1], …]`, by build. */
  rows: (number | null)[][];
  /** Where a click on a build goes; `{build}` is replaced by its number. */
  hrefTemplate?: string;
  /** Horizontal lines (e.g. SLO thresholds). */
  thresholds?: Threshold[];
  /** A remark under the chart (e.g. that it shows a downsample). */
  note?: string;
  /** Vertical lines at builds (e.g. detected regressions), explained under the chart. */
  markers?: Marker[];
  /** The build to highlight, e.g. the one a breakdown below is for. */
  selectedBuild?: number;
  height?: number;
  /** Spans the whole row of the grid. */
  wide?: boolean;
}

type Datum = Record<string, number | null>;

export default function MetricChart(props: MetricChartProps) {
  const { id, title, unit, stats, rows, hrefTemplate, thresholds, markers, selectedBuild } = props;
  const router = useRouter();
  const label = (s: string) => props.statLabels?.[s] ?? s;
  const data = useMemo(
    () =>
      rows.map((r) => {
        const d: Datum = { build: r[0], started: r[1] };
        stats.forEach((s, i) => (d[s] = r[i + 2] ?? null));
        return d;
      }),
    [rows, stats],
  );
  const byBuild = useMemo(() => new Map(data.map((d) => [d.build, d])), [data]);
  const dots = rows.length <= 120;
  // The build under the pointer as of the last move: recharts resets its active index on click.
  const hovered = useRef<string | number | undefined>(undefined);

  return (
    <figure className={props.wide ? 'chart wide' : 'chart'} data-chart={id}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {stats.map((s) => (
            <span key={s} className="legend-item">
              <i style={{ background: statColor(s) }} />
              {label(s)}
            </span>
          ))}
        </span>
      </figcaption>
      {rows.length === 0 ? (
        <div className="chart-empty">No builds in this range have this metric.</div>
      ) : (
        <LineChart
          responsive
          style={{ width: '100%', height: props.height ?? 240 }}
          data={data}
          margin={{ top: 8, right: 16, bottom: 18, left: 4 }}
          onMouseMove={(e) => {
            hovered.current = e.activeLabel;
          }}
          onMouseLeave={() => {
            hovered.current = undefined;
          }}
          onClick={() => {
            if (hrefTemplate && hovered.current !== undefined) router.push(hrefTemplate.replace('{build}', String(hovered.current)));
          }}
          className={hrefTemplate ? 'clickable' : undefined}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis
            dataKey="build"
            type="number"
            domain={['dataMin', 'dataMax']}
            allowDecimals={false}
            tick={TICK}
            stroke={AXIS}
            label={xLabel('build')}
          />
          <YAxis
            width={56}
            tick={TICK}
            stroke={AXIS}
            tickFormatter={formatTick}
            label={yLabel(unit)}
          />
          <Tooltip
            isAnimationActive={false}
            content={(p) => {
              const d = p.active ? byBuild.get(Number(p.label)) : undefined;
              if (!d) return null;
              return (
                <div className="tooltip" data-tooltip={id}>
                  <div className="tooltip-head">
                    Build <b data-build>{d.build}</b> · {formatDate(d.started)}
                  </div>
                  {stats.map((s) => (
                    <div key={s} className="tooltip-row" data-stat={s}>
                      <i style={{ background: statColor(s) }} />
                      <span>{label(s)}</span>
                      <b data-value>{formatValue(d[s])}</b>
                      <span className="muted">{unit}</span>
                    </div>
                  ))}
                  {hrefTemplate ? <div className="tooltip-hint">click to open this build</div> : null}
                </div>
              );
            }}
          />
          {thresholds?.map((t) => (
            <ReferenceLine
              key={`t-${t.label}`}
              y={t.value}
              stroke={t.stat ? statColor(t.stat) : '#991b1b'}
              strokeDasharray="6 4"
              label={{ value: t.label, position: 'insideTopRight', fontSize: 10, fill: '#991b1b' }}
            />
          ))}
          {markers?.map((m) => (
            <ReferenceLine
              key={`m-${m.build}-${m.label}`}
              x={m.build}
              stroke="#991b1b"
              strokeDasharray="3 3"
              label={{ value: '▲', position: 'insideTop', fontSize: 10, fill: '#991b1b' }}
            />
          ))}
          {selectedBuild !== undefined ? <ReferenceLine x={selectedBuild} stroke="#111827" strokeOpacity={0.35} strokeWidth={6} /> : null}
          {stats.map((s) => (
            <Line
              key={s}
              dataKey={s}
              name={label(s)}
              stroke={statColor(s)}
              strokeWidth={1.8}
              dot={dots ? { r: 2.2, strokeWidth: 0, fill: statColor(s) } : false}
              activeDot={{ r: 5 }}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      )}
      {props.note ? <div className="chart-note muted">{props.note}</div> : null}
      {markers?.length ? (
        <figcaption className="chart-markers" data-markers={id}>
          {markers.map((m) => (
            <span key={`c-${m.build}-${m.label}`}>
              ▲ build {m.build}: {m.label}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}
