'use client';
// A metric across builds: one line per stat. The x axis is ordinal (one step
// per build, whatever the gap between IDs or dates), labelled with the date
// or, undated, the ID's last digits; or, one click away, the builds' start
// times. The tooltip names the build fully (ID, version, result, date); a
// click pins it under the chart with links to its time series and to Prow,
// or opens it where the page picks a build by click.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { BuildLinks } from '@/lib/model';
import { formatDate, formatTick, formatValue, shortBuild } from './format';
import { AXIS, GRID, statColor, TICK, xLabel, yLabel } from './palette';

export interface Threshold {
  label: string;
  value: number;
  /** The stat it applies to, for its colour. */
  stat?: string;
}

export interface Marker {
  build: string;
  label: string;
}

/** One build as the chart draws it. */
export interface ChartBuild {
  build: string;
  started: number | null;
  version?: string | null;
  result?: string | null;
  links?: BuildLinks;
  /** The value of each of `stats`, in order. */
  values: (number | null)[];
}

export type XMode = 'builds' | 'time';

export interface MetricChartProps {
  /** Stable name for the chart (metric name), used in test hooks. */
  id: string;
  title: string;
  unit: string;
  stats: string[];
  /** Display names for stats (p50 rather than Perc50), when they differ. */
  statLabels?: Record<string, string>;
  /** The builds drawn, in build order. */
  points: ChartBuild[];
  /** One step per build (default), or the builds' start times. */
  x?: XMode;
  /** Where a build's own view is (its time series); `{build}` is replaced by its ID. */
  hrefTemplate?: string;
  /** A click opens hrefTemplate at once (the Tracing page picks its build so); otherwise it pins the build with its links. */
  clickOpens?: boolean;
  /** Horizontal lines (e.g. SLO thresholds). */
  thresholds?: Threshold[];
  /** A remark under the chart (e.g. that it shows a downsample). */
  note?: string;
  /** Vertical lines at builds (e.g. detected regressions), explained under the chart. */
  markers?: Marker[];
  /** The build to highlight, e.g. the one a breakdown below is for. */
  selectedBuild?: string;
  height?: number;
  /** Spans the whole row of the grid. */
  wide?: boolean;
}

type Datum = { i: number; t: number | null; build: string } & Record<string, number | string | null>;

/**
 * Axis labels of an ordinal axis: the builds' dates when they are dated
 * (MM-DD, or the time of day where the previous label is the same day),
 * else their IDs' last digits.
 */
function ordinalLabel(points: ChartBuild[], ticks: number[]): (i: number, k: number) => string {
  const dated = points.every((p) => p.started !== null);
  const iso = (i: number) => new Date(Math.floor(points[i].started! / 1000)).toISOString();
  return (i, k) => {
    const p = points[Math.round(i)];
    if (!p) return '';
    if (!dated) return shortBuild(p.build);
    const day = iso(Math.round(i)).slice(5, 10);
    const before = k > 0 && ticks[k - 1] !== undefined ? iso(ticks[k - 1]).slice(5, 10) : undefined;
    return day === before ? iso(Math.round(i)).slice(11, 16) : day;
  };
}

export default function MetricChart(props: MetricChartProps) {
  const { id, title, unit, stats, points, hrefTemplate, thresholds, markers, selectedBuild } = props;
  const router = useRouter();
  const mode: XMode = props.x ?? 'builds';
  const label = (s: string) => props.statLabels?.[s] ?? s;
  const drawn = useMemo(() => (mode === 'time' ? points.filter((p) => p.started !== null) : points), [points, mode]);
  const data = useMemo(
    () =>
      drawn.map((p, i) => {
        const d: Datum = { i, t: p.started === null ? null : p.started / 1000, build: p.build };
        stats.forEach((s, k) => (d[s] = p.values[k] ?? null));
        return d;
      }),
    [drawn, stats],
  );
  const index = useMemo(() => new Map(drawn.map((p, i) => [p.build, i])), [drawn]);
  const xOf = (build: string): number | undefined => {
    const i = index.get(build);
    if (i === undefined) return undefined;
    return mode === 'time' ? data[i].t! : i;
  };
  const atX = (x: unknown): number | undefined => {
    if (mode === 'builds') return typeof x === 'number' && drawn[x] ? x : undefined;
    const i = data.findIndex((d) => d.t === Number(x));
    return i === -1 ? undefined : i;
  };
  // At most about eight labelled builds, evenly spaced, always whole steps.
  const ticks = useMemo(() => {
    const step = Math.max(1, Math.ceil(drawn.length / 8));
    return drawn.map((_, i) => i).filter((i) => i % step === 0);
  }, [drawn]);
  const tickLabel = useMemo(() => ordinalLabel(drawn, ticks), [drawn, ticks]);
  const dots = drawn.length <= 120;
  // The build under the pointer as of the last move: recharts resets its active label on click.
  const hovered = useRef<number | undefined>(undefined);
  const [pinned, setPinned] = useState<string | null>(null);
  const pin = pinned === null ? undefined : drawn.find((p) => p.build === pinned);

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
      {drawn.length === 0 ? (
        <div className="chart-empty">
          {points.length ? 'No build in this range has a start time to place on a time axis.' : 'No builds in this range have this metric.'}
        </div>
      ) : (
        <LineChart
          responsive
          style={{ width: '100%', height: props.height ?? 240 }}
          data={data}
          margin={{ top: 8, right: 16, bottom: 18, left: 4 }}
          onMouseMove={(e) => {
            hovered.current = atX(e.activeLabel);
          }}
          onMouseLeave={() => {
            hovered.current = undefined;
          }}
          onClick={() => {
            if (hovered.current === undefined) return;
            const build = drawn[hovered.current].build;
            if (props.clickOpens && hrefTemplate) router.push(hrefTemplate.replace('{build}', build));
            else setPinned(build);
          }}
          className="clickable"
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          {mode === 'builds' ? (
            <XAxis
              dataKey="i"
              type="number"
              domain={[-0.5, Math.max(0.5, drawn.length - 0.5)]}
              ticks={ticks}
              interval="preserveStartEnd"
              tick={TICK}
              stroke={AXIS}
              tickFormatter={tickLabel}
              label={xLabel('build')}
            />
          ) : (
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tick={TICK}
              stroke={AXIS}
              tickFormatter={(ms: number) => new Date(ms).toISOString().slice(5, 10)}
              label={xLabel('build start (UTC)')}
            />
          )}
          <YAxis width={56} tick={TICK} stroke={AXIS} tickFormatter={formatTick} label={yLabel(unit)} />
          <Tooltip
            isAnimationActive={false}
            content={(p) => {
              const i = p.active ? atX(p.label) : undefined;
              const b = i === undefined ? undefined : drawn[i];
              if (!b) return null;
              return (
                <div className="tooltip" data-tooltip={id}>
                  <div className="tooltip-head">
                    Build <b data-build>{b.build}</b>
                  </div>
                  <div className="tooltip-meta muted" data-build-meta>
                    {[formatDate(b.started), b.version, b.result].filter(Boolean).join(' · ')}
                  </div>
                  {stats.map((s, k) => (
                    <div key={s} className="tooltip-row" data-stat={s}>
                      <i style={{ background: statColor(s) }} />
                      <span>{label(s)}</span>
                      <b data-value>{formatValue(b.values[k])}</b>
                      <span className="muted">{unit}</span>
                    </div>
                  ))}
                  <div className="tooltip-hint">{props.clickOpens ? 'click to open this build' : 'click to pin this build and its links'}</div>
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
          {markers?.map((m) => {
            const x = xOf(m.build);
            return x === undefined ? null : (
              <ReferenceLine
                key={`m-${m.build}-${m.label}`}
                x={x}
                stroke="#991b1b"
                strokeDasharray="3 3"
                label={{ value: '▲', position: 'insideTop', fontSize: 10, fill: '#991b1b' }}
              />
            );
          })}
          {[selectedBuild, pinned].map((b, k) => {
            const x = b === undefined || b === null ? undefined : xOf(b);
            return x === undefined ? null : <ReferenceLine key={`sel-${k}`} x={x} stroke="#111827" strokeOpacity={0.25} strokeWidth={6} />;
          })}
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
      {pin ? (
        <div className="pinned" data-pinned={id}>
          <span>
            Build <b className="mono">{pin.build}</b>
            <span className="muted"> · {[formatDate(pin.started), pin.version, pin.result].filter(Boolean).join(' · ')}</span>
          </span>
          <span className="pinned-links">
            {hrefTemplate ? (
              <Link href={hrefTemplate.replace('{build}', pin.build)} data-link="series">
                time series →
              </Link>
            ) : null}
            {pin.links?.prow ? (
              <a href={pin.links.prow} target="_blank" rel="noreferrer" data-link="prow">
                Prow ↗
              </a>
            ) : null}
            {pin.links?.artifacts ? (
              <a href={pin.links.artifacts} target="_blank" rel="noreferrer" data-link="artifacts">
                artifacts ↗
              </a>
            ) : null}
            <button type="button" className="linklike" onClick={() => setPinned(null)} aria-label="unpin">
              ×
            </button>
          </span>
        </div>
      ) : null}
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
