'use client';
// Kubelet and runtime CPU or memory over one run, on the same time axis as
// the probe chart above it; dragging across the chart zooms that axis.
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useDragZoom } from './drag-zoom';
import { formatTick, formatValue } from './format';
import { AXIS, GRID, containerColor, TICK, timeAxis } from './palette';
import { UNIT_LABEL_ROOM, unitLabel } from './unit-label';

/** One container's `[seconds, value]` samples. */
export interface ResourceLine {
  container: string;
  points: [number, number | null][];
}

export interface ResourceChartProps {
  id: string;
  title: string;
  unit: string;
  lines: ResourceLine[];
  domain: [number, number];
  /** A span dragged across the chart, in seconds. */
  onZoom: (lo: number, hi: number) => void;
}

export default function ResourceChart({ id, title, unit, lines, domain, onZoom }: ResourceChartProps) {
  const zoom = useDragZoom(domain, onZoom);
  const data = useMemo(() => {
    const rows = new Map<number, Record<string, number | null>>();
    for (const l of lines) {
      for (const [t, v] of l.points) {
        let row = rows.get(t);
        if (!row) rows.set(t, (row = { t }));
        row[l.container] = v;
      }
    }
    return [...rows.values()].sort((a, b) => a.t! - b.t!);
  }, [lines]);
  return (
    <figure className="chart" data-chart={id}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {lines.map((l) => (
            <span key={l.container} className="legend-item">
              <i style={{ background: containerColor(l.container) }} />
              {l.container}
            </span>
          ))}
        </span>
      </figcaption>
      {data.length === 0 ? (
        <div className="chart-empty">This run has no resource samples.</div>
      ) : (
        <LineChart
          responsive
          style={{ width: '100%', height: 220 }}
          data={data}
          margin={{ top: UNIT_LABEL_ROOM, right: 16, bottom: 18, left: 4 }}
          className={zoom.dragging ? 'zooming' : undefined}
          {...zoom.handlers}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis {...timeAxis(domain)} allowDataOverflow />
          <YAxis width={56} tick={TICK} stroke={AXIS} tickFormatter={formatTick} label={unitLabel(unit)} />
          <Tooltip
            isAnimationActive={false}
            content={(p) => {
              if (!p.active || p.label === undefined) return null;
              const row = data.find((d) => d.t === Number(p.label));
              return (
                <div className="tooltip" data-tooltip={id}>
                  <div className="tooltip-head">t = {formatValue(Number(p.label))} s</div>
                  {lines.map((l) => (
                    <div key={l.container} className="tooltip-row" data-stat={l.container}>
                      <i style={{ background: containerColor(l.container) }} />
                      <span>{l.container}</span>
                      <b data-value>{formatValue(row?.[l.container])}</b>
                      <span className="muted">{unit}</span>
                    </div>
                  ))}
                </div>
              );
            }}
          />
          {lines.map((l) => (
            <Line
              key={l.container}
              dataKey={l.container}
              stroke={containerColor(l.container)}
              strokeWidth={1.6}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {zoom.area}
        </LineChart>
      )}
    </figure>
  );
}
