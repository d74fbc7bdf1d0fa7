'use client';
// A metric across builds: one line per stat. The x axis is ordinal (one step
// per build, whatever the gap between IDs or dates), labelled with the date
// or, undated, the ID's last digits; or, one click away, the builds' start
// times. The tooltip names the build fully (ID, version, result, date); a
// click pins it under the chart with links to its time series and to Prow,
// or opens it where the page picks a build by click. A drag across the chart
// zooms into those builds (reset one click away); failed builds wear their
// own marker; charts of one page may share a crosshair (syncId); the y axis
// may be logarithmic, and a stat far smaller than the others may get an axis
// of its own on the right. "CSV" downloads the points shown.
import ExternalLinks from '@/app/components/ExternalLinks';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { BuildLinks } from '@/lib/model';
import { rightAxisStats } from './axes';
import { csvName, download, toCsv } from './csv';
import { formatDate, formatTick, formatValue, shortBuild } from './format';
import { AXIS, FAILED, GRID, MARKER, SLO, statColor, TICK, xLabel, yLabel } from './palette';

export interface Threshold {
  label: string;
  value: number;
  /** The stat it applies to, for its colour (and its axis). */
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
export type YScale = 'linear' | 'log';

export interface MetricChartProps {
  /** Stable name for the chart (metric name), used in test hooks. */
  id: string;
  title: string;
  unit: string;
  stats: string[];
  /** Display names for stats (p50 rather than Perc50), when they differ. */
  statLabels?: Record<string, string>;
  /** Colours of stats that are not the palette's (e.g. the selections of an overlay). */
  colors?: Record<string, string>;
  /** Stats drawn against a second axis on the right, for values far smaller than the others'; by default the metric's (`id`) in axes.ts. */
  rightStats?: readonly string[];
  /** The builds drawn, in build order. */
  points: ChartBuild[];
  /** One step per build (default), or the builds' start times. */
  x?: XMode;
  /** Linear (default) or logarithmic y axis. */
  y?: YScale;
  /** Charts with the same syncId share the crosshair and tooltip position. */
  syncId?: string;
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

type Datum = { i: number; t: number | null; build: string; failed: boolean } & Record<string, number | string | boolean | null>;

/** A log axis spans the data with a little room on either side (its "nice" ticks would cut points off). */
const LOG_DOMAIN: [(min: number) => number, (max: number) => number] = [(min) => min / 1.15, (max) => max * 1.15];

/** Results of a build that passed; any other result (FAILURE, ABORTED, ERROR) is marked. */
const PASSED = new Set(['SUCCESS']);
export const isFailed = (result: string | null | undefined) => !!result && !PASSED.has(result);

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

/** A failed build's point: a ringed cross in the failure colour, whatever the line's colour. */
function FailedDot({ cx, cy }: { cx?: number; cy?: number }) {
  if (cx === undefined || cy === undefined) return null;
  return (
    <g className="failed-build" transform={`translate(${cx},${cy})`}>
      <circle r={4.5} fill="#fff" stroke={FAILED} strokeWidth={1.5} />
      <path d="M-2.3,-2.3L2.3,2.3M-2.3,2.3L2.3,-2.3" stroke={FAILED} strokeWidth={1.5} />
    </g>
  );
}

/** The SLO line's label on a white box; labels are drawn above every line, so no regression marker crosses it. */
function SloLabel({ viewBox, text }: { viewBox?: { x?: number; y?: number; width?: number }; text: string }) {
  if (!viewBox || viewBox.x === undefined || viewBox.y === undefined || viewBox.width === undefined) return null;
  const w = text.length * 5.6 + 8;
  const x = viewBox.x + viewBox.width - w - 2;
  const y = viewBox.y - 15;
  return (
    <g>
      <rect x={x} y={y} width={w} height={13} rx={2} fill="#fff" fillOpacity={0.92} />
      <text className="recharts-label" x={x + w - 4} y={y + 10} textAnchor="end" fontSize={10} fill={SLO}>
        {text}
      </text>
    </g>
  );
}

export default function MetricChart(props: MetricChartProps) {
  const { id, title, unit, stats, points, hrefTemplate, thresholds, markers, selectedBuild } = props;
  const router = useRouter();
  const mode: XMode = props.x ?? 'builds';
  const log = props.y === 'log';
  const label = (s: string) => props.statLabels?.[s] ?? s;
  const color = (s: string) => props.colors?.[s] ?? statColor(s);
  const right = new Set(props.rightStats ?? rightAxisStats(id));
  const axisOf = (s: string | undefined) => (s !== undefined && right.has(s) ? 'right' : 'left');
  const hasRight = stats.some((s) => right.has(s));
  const drawn = useMemo(() => (mode === 'time' ? points.filter((p) => p.started !== null) : points), [points, mode]);
  const data = useMemo(
    () =>
      drawn.map((p, i) => {
        const d: Datum = { i, t: p.started === null ? null : p.started / 1000, build: p.build, failed: isFailed(p.result) };
        // A log axis has no place for zero or less: such a value leaves a gap rather than a line to minus infinity.
        stats.forEach((s, k) => (d[s] = log && (p.values[k] ?? 0) <= 0 ? null : (p.values[k] ?? null)));
        return d;
      }),
    [drawn, stats, log],
  );
  const xKey = (d: Datum) => (mode === 'time' ? d.t! : d.i);
  // A zoom belongs to the data it was made on: another view (selection, range, axis) starts unzoomed.
  const [zoomed, setZoomed] = useState<{ on: ChartBuild[]; mode: XMode; range: [number, number] } | null>(null);
  const zoom = zoomed && zoomed.on === points && zoomed.mode === mode ? zoomed.range : null;
  const setZoom = (range: [number, number] | null) => setZoomed(range && { on: points, mode, range });
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const shown = useMemo(() => {
    if (!zoom) return data;
    const x = (d: Datum) => (mode === 'time' ? d.t! : d.i);
    return data.filter((d) => x(d) >= zoom[0] && x(d) <= zoom[1]);
  }, [data, zoom, mode]);
  const index = useMemo(() => new Map(drawn.map((p, i) => [p.build, i])), [drawn]);
  const xOf = (build: string): number | undefined => {
    const i = index.get(build);
    if (i === undefined) return undefined;
    const x = mode === 'time' ? data[i].t! : i;
    return zoom && (x < zoom[0] || x > zoom[1]) ? undefined : x;
  };
  const atX = (x: unknown): number | undefined => {
    if (mode === 'builds') return typeof x === 'number' && drawn[x] ? x : undefined;
    const i = data.findIndex((d) => d.t === Number(x));
    return i === -1 ? undefined : i;
  };
  const xValue = (label: unknown): number | undefined => {
    const i = atX(label);
    return i === undefined ? undefined : xKey(data[i]);
  };
  // At most about eight labelled builds, evenly spaced, always whole steps.
  const ticks = useMemo(() => {
    const step = Math.max(1, Math.ceil(shown.length / 8));
    return shown.map((d) => d.i).filter((_, k) => k % step === 0);
  }, [shown]);
  const tickLabel = useMemo(() => ordinalLabel(drawn, ticks), [drawn, ticks]);
  const dots = shown.length <= 120;
  const anyFailed = shown.some((d) => d.failed);
  // The build under the pointer as of the last move: recharts resets its active label on click.
  const hovered = useRef<number | undefined>(undefined);
  // A drag that zoomed ends in a click, which must not pin a build.
  const dragged = useRef(false);
  const [pinned, setPinned] = useState<string | null>(null);
  // Charts sharing a crosshair show it, but only the chart under the pointer shows its tooltip.
  const [over, setOver] = useState(false);
  const pin = pinned === null ? undefined : drawn.find((p) => p.build === pinned);
  const lo = shown.length ? xKey(shown[0]) : 0;
  const hi = shown.length ? xKey(shown[shown.length - 1]) : 0;

  const exportCsv = () => {
    const byIndex = new Set(shown.map((d) => d.i));
    const rows = drawn
      .filter((_, i) => byIndex.has(i))
      .map((p) => [p.build, p.started === null ? null : new Date(Math.floor(p.started / 1000)).toISOString(), p.version, p.result, ...p.values]);
    download(csvName(id), toCsv(['build', 'started', 'version', 'result', ...stats.map((s) => `${label(s)} (${unit})`)], rows));
  };

  return (
    <figure className={props.wide ? 'chart wide' : 'chart'} data-chart={id} onMouseEnter={() => setOver(true)} onMouseLeave={() => setOver(false)}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {stats.map((s) => (
            <span key={s} className="legend-item" data-legend={s}>
              <i style={{ background: color(s) }} />
              {label(s)}
              {hasRight && right.has(s) ? ' (right axis)' : ''}
            </span>
          ))}
          {anyFailed ? (
            <span className="legend-item" data-legend="failed">
              <span style={{ color: FAILED, marginRight: '0.2rem' }}>⊗</span>failed build
            </span>
          ) : null}
        </span>
      </figcaption>
      {drawn.length === 0 ? (
        <div className="chart-empty">
          {points.length ? 'No build in this range has a start time to place on a time axis.' : 'No builds in this range have this metric.'}
        </div>
      ) : (
        <LineChart
          responsive
          style={{ width: '100%', height: props.height ?? 240, userSelect: 'none', outline: 'none' }}
          data={shown}
          syncId={props.syncId}
          syncMethod="value"
          margin={{ top: 16, right: hasRight ? 4 : 16, bottom: 18, left: 4 }}
          onMouseDown={(e) => {
            const x = xValue(e.activeLabel);
            dragged.current = false;
            if (x !== undefined) setDrag({ from: x, to: x });
          }}
          onMouseMove={(e) => {
            hovered.current = atX(e.activeLabel);
            const x = xValue(e.activeLabel);
            if (drag && x !== undefined && x !== drag.to) setDrag({ ...drag, to: x });
          }}
          onMouseUp={() => {
            if (drag && drag.from !== drag.to) {
              setZoom([Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)]);
              dragged.current = true;
            }
            setDrag(null);
          }}
          onMouseLeave={() => {
            hovered.current = undefined;
            setDrag(null);
          }}
          onClick={() => {
            if (dragged.current || hovered.current === undefined) return;
            const build = drawn[hovered.current].build;
            if (props.clickOpens && hrefTemplate) router.push(hrefTemplate.replace('{build}', build));
            else setPinned(build);
          }}
          className="clickable"
        >
          <CartesianGrid stroke={GRID} vertical={false} yAxisId="left" />
          {mode === 'builds' ? (
            <XAxis
              dataKey="i"
              type="number"
              domain={[lo - 0.5, Math.max(lo + 0.5, hi + 0.5)]}
              allowDataOverflow
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
              domain={[lo, hi]}
              allowDataOverflow
              tick={TICK}
              stroke={AXIS}
              tickFormatter={(ms: number) => new Date(ms).toISOString().slice(5, 10)}
              label={xLabel('build start (UTC)')}
            />
          )}
          <YAxis
            yAxisId="left"
            width={64}
            tick={TICK}
            stroke={AXIS}
            tickFormatter={formatTick}
            label={yLabel(unit)}
            scale={log ? 'log' : 'auto'}
            domain={log ? LOG_DOMAIN : [0, 'auto']}
          />
          {hasRight ? (
            <YAxis
              yAxisId="right"
              orientation="right"
              width={56}
              tick={TICK}
              stroke={AXIS}
              tickFormatter={formatTick}
              label={yLabel(unit, 'right')}
              scale={log ? 'log' : 'auto'}
              domain={log ? LOG_DOMAIN : [0, 'auto']}
            />
          ) : null}
          <Tooltip
            isAnimationActive={false}
            content={(p) => {
              const i = p.active ? atX(p.label) : undefined;
              const b = i === undefined ? undefined : drawn[i];
              if (!b || (props.syncId && !over)) return null;
              return (
                <div className="tooltip" data-tooltip={id}>
                  <div className="tooltip-head">
                    Build <b data-build>{b.build}</b>
                  </div>
                  <div className="tooltip-meta muted" data-build-meta>
                    {[formatDate(b.started), b.version].filter(Boolean).join(' · ')}
                    {b.result ? (
                      <>
                        {' · '}
                        <span data-result style={isFailed(b.result) ? { color: FAILED, fontWeight: 700 } : undefined}>
                          {b.result}
                        </span>
                      </>
                    ) : null}
                  </div>
                  {stats.map((s, k) => (
                    <div key={s} className="tooltip-row" data-stat={s}>
                      <i style={{ background: color(s) }} />
                      <span>{label(s)}</span>
                      <b data-value>{formatValue(b.values[k], unit)}</b>
                      <span className="muted">{unit}</span>
                    </div>
                  ))}
                  <div className="tooltip-hint">
                    {props.clickOpens ? 'click to open this build' : 'click to pin this build and its links'}; drag to zoom
                  </div>
                </div>
              );
            }}
          />
          {markers?.map((m) => {
            const x = xOf(m.build);
            return x === undefined ? null : (
              <ReferenceLine
                key={`m-${m.build}-${m.label}`}
                yAxisId="left"
                x={x}
                stroke={MARKER}
                strokeDasharray="3 3"
                label={{ value: '▲', position: 'insideTop', fontSize: 10, fill: MARKER }}
              />
            );
          })}
          {thresholds?.map((t) =>
            log && t.value <= 0 ? null : (
              <ReferenceLine
                key={`t-${t.label}`}
                yAxisId={axisOf(t.stat)}
                y={t.value}
                stroke={t.stat ? color(t.stat) : SLO}
                strokeDasharray="6 4"
              />
            ),
          )}
          {/* The thresholds' labels above every layer (axis titles included), so no marker or line crosses them. */}
          {thresholds?.map((t) =>
            log && t.value <= 0 ? null : (
              <ReferenceLine
                key={`tl-${t.label}`}
                yAxisId={axisOf(t.stat)}
                y={t.value}
                stroke="none"
                zIndex={2100}
                label={{ content: (l) => <SloLabel viewBox={l.viewBox as { x?: number; y?: number; width?: number }} text={t.label} /> }}
              />
            ),
          )}
          {[selectedBuild, pinned].map((b, k) => {
            const x = b === undefined || b === null ? undefined : xOf(b);
            return x === undefined ? null : <ReferenceLine key={`sel-${k}`} yAxisId="left" x={x} stroke="#111827" strokeOpacity={0.25} strokeWidth={6} />;
          })}
          {drag && drag.from !== drag.to ? (
            <ReferenceArea yAxisId="left" x1={drag.from} x2={drag.to} fill="#326ce5" fillOpacity={0.12} stroke="#326ce5" strokeOpacity={0.4} />
          ) : null}
          {stats.map((s) => (
            <Line
              key={s}
              yAxisId={axisOf(s)}
              dataKey={s}
              name={label(s)}
              stroke={color(s)}
              strokeWidth={1.8}
              dot={(d: { cx?: number; cy?: number; index?: number; payload?: Datum }) =>
                d.payload?.failed ? (
                  <FailedDot key={`f-${s}-${d.index}`} cx={d.cx} cy={d.cy} />
                ) : dots && d.cx !== undefined && d.cy !== undefined ? (
                  <circle key={`d-${s}-${d.index}`} className="recharts-dot" cx={d.cx} cy={d.cy} r={2.2} fill={color(s)} />
                ) : (
                  <g key={`n-${s}-${d.index}`} />
                )
              }
              // The crosshair's dot is decoration: the point under it stays the one to hover and click.
              activeDot={{ r: 5, pointerEvents: 'none' }}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      )}
      <div style={{ display: 'flex', justifyContent: 'flex-end', gap: '0.8rem', fontSize: '0.75rem' }}>
        {zoom ? (
          <button type="button" className="linklike" style={{ fontSize: '0.75rem' }} data-zoom-reset onClick={() => setZoom(null)}>
            reset zoom ({shown.length} of {data.length} builds)
          </button>
        ) : null}
        {drawn.length ? (
          <button type="button" className="linklike" style={{ fontSize: '0.75rem' }} data-csv={id} onClick={exportCsv} title="the points shown, as CSV">
            CSV ↓
          </button>
        ) : null}
      </div>
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
            <ExternalLinks links={pin.links} />
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
