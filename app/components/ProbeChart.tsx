'use client';
// Cumulative pods that reached each probe over time since the test started,
// one step line per probe. Which probes are drawn is kept in the URL
// (`probes=`) without a round trip to the server; dragging across the chart
// zooms the time axis it shares with the resource charts.
import { useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useDragZoom } from './drag-zoom';
import { formatValue } from './format';
import { AXIS, GRID, probeColor, probeStroke, TICK, timeAxis } from './palette';
import { UNIT_LABEL_ROOM, unitLabel } from './unit-label';

export interface ProbeLine {
  probe: string;
  source: 'test' | 'kubelet' | 'span';
  /** [seconds, pods so far] */
  points: [number, number][];
}

export interface ProbeChartProps {
  lines: ProbeLine[];
  /** Probes drawn at first. */
  shown: string[];
  /** Seconds; shared with the resource charts so the axes line up. */
  domain: [number, number];
  /** A span dragged across the chart, in seconds. */
  onZoom: (lo: number, hi: number) => void;
}

/** Pods that had reached the probe at time t: the last point at or before t. */
function countAt(points: [number, number][], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : points[lo - 1][1];
}

const SOURCE_TITLES = { test: 'recorded by the test (no pod identity)', kubelet: 'from the kubelet log', span: "from the kubelet's spans" };

export default function ProbeChart({ lines, shown: initial, domain, onZoom }: ProbeChartProps) {
  const [shown, setShown] = useState(() => new Set(initial));
  const zoom = useDragZoom(domain, onZoom);
  const visible = lines.filter((l) => shown.has(l.probe));
  // Names in `probes=` this run never logged (a typo, or a probe of another run): said, not silently dropped.
  const unknown = initial.filter((p) => p !== '' && !lines.some((l) => l.probe === p));
  const data = useMemo(() => {
    const times = [...new Set(visible.flatMap((l) => l.points.map((p) => p[0])))].sort((a, b) => a - b);
    return times.map((t) => {
      const d: Record<string, number> = { t };
      for (const l of visible) d[l.probe] = countAt(l.points, t);
      return d;
    });
  }, [visible]);

  const toggle = (probe: string) => {
    const next = new Set(shown);
    if (next.has(probe)) next.delete(probe);
    else next.add(probe);
    setShown(next);
    const url = new URL(window.location.href);
    url.searchParams.set('probes', lines.map((l) => l.probe).filter((p) => next.has(p)).join(','));
    window.history.replaceState(null, '', url);
  };

  return (
    <figure className="chart wide" data-chart="probes">
      <figcaption>
        <span className="chart-title">Pods that reached each probe (cumulative)</span>
      </figcaption>
      <div className="probe-toggles" role="group" aria-label="probes shown">
        {lines.map((l) => (
          <button
            key={l.probe}
            type="button"
            className={`chip${shown.has(l.probe) ? ' on' : ''}`}
            aria-pressed={shown.has(l.probe)}
            data-probe={l.probe}
            onClick={() => toggle(l.probe)}
            title={SOURCE_TITLES[l.source]}
          >
            <i style={{ background: probeColor(l.probe) }} />
            {l.probe} <span className="muted">({l.points.length})</span>
          </button>
        ))}
      </div>
      {unknown.length ? (
        <div className="note warn" data-unknown-probes style={{ margin: '0 0.4rem 0.4rem' }}>
          {unknown.length === 1 ? 'No probe ' : 'No probes '}
          {unknown.map((p, i) => (
            <span key={p}>
              {i ? ', ' : ''}
              <code>{p}</code>
            </span>
          ))}{' '}
          in this run; the probes it has are the buttons above.
        </div>
      ) : null}
      {visible.length === 0 ? (
        <div className="chart-empty" data-no-probes>
          No probe is chosen: click one above to draw it.
        </div>
      ) : (
        <LineChart
          responsive
          style={{ width: '100%', height: 300 }}
          data={data}
          margin={{ top: UNIT_LABEL_ROOM, right: 16, bottom: 18, left: 4 }}
          className={zoom.dragging ? 'zooming' : undefined}
          {...zoom.handlers}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis {...timeAxis(domain)} allowDataOverflow />
          <YAxis width={48} allowDecimals={false} tick={TICK} stroke={AXIS} label={unitLabel('pods')} />
          <Tooltip
            isAnimationActive={false}
            content={(p) => {
              if (!p.active || p.label === undefined) return null;
              const t = Number(p.label);
              return (
                <div className="tooltip" data-tooltip="probes">
                  <div className="tooltip-head">t = {formatValue(t)} s</div>
                  {visible.map((l) => (
                    <div key={l.probe} className="tooltip-row" data-stat={l.probe}>
                      <i style={{ background: probeColor(l.probe) }} />
                      <span>{l.probe}</span>
                      <b data-value>{countAt(l.points, t)}</b>
                      <span className="muted">pods</span>
                    </div>
                  ))}
                </div>
              );
            }}
          />
          {visible.map((l) => (
            <Line
              key={l.probe}
              dataKey={l.probe}
              type="stepAfter"
              {...probeStroke(l.probe)}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {zoom.area}
        </LineChart>
      )}
    </figure>
  );
}
