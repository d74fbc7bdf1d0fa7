'use client';
// Where pod startup time goes in one build: each segment between
// consecutive probes stacked, at the median pod and at the p90 and p99 of
// each segment.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTick, formatValue } from './format';
import { AXIS, GRID, probeColor, TICK } from './palette';

export interface SegmentChartProps {
  /** Per segment: [from, to, p50, p90, p99] in ms. */
  segments: [string, string, number | null, number | null, number | null][];
}

const ROWS = ['p50', 'p90', 'p99'] as const;

type Segment = SegmentChartProps['segments'][number];

const at = (s: Segment, row: number): number | null => (row === 0 ? s[2] : row === 1 ? s[3] : s[4]);

export default function SegmentChart({ segments }: SegmentChartProps) {
  const key = (s: Segment) => `${s[0]} → ${s[1]}`;
  const data = ROWS.map((row, i) => {
    const d: Record<string, string | number | null> = { row };
    for (const s of segments) d[key(s)] = at(s, i);
    return d;
  });
  return (
    <figure className="chart wide" data-chart="segments">
      <figcaption>
        <span className="chart-title">Pod startup by segment (ms; each segment&apos;s own percentile, stacked)</span>
        <span className="legend">
          {segments.map((s) => (
            <span key={key(s)} className="legend-item">
              <i style={{ background: probeColor(s[1]) }} />
              {key(s)}
            </span>
          ))}
        </span>
      </figcaption>
      <BarChart
        responsive
        layout="vertical"
        style={{ width: '100%', height: 190 }}
        data={data}
        margin={{ top: 4, right: 16, bottom: 18, left: 4 }}
      >
        <CartesianGrid stroke={GRID} horizontal={false} />
        <XAxis
          type="number"
          tick={TICK}
          stroke={AXIS}
          tickFormatter={formatTick}
          label={{ value: 'ms', position: 'insideBottomRight', offset: -10, fontSize: 11, fill: AXIS }}
        />
        <YAxis type="category" dataKey="row" width={40} tick={{ fontSize: 12, fill: AXIS }} stroke={AXIS} />
        <Tooltip
          isAnimationActive={false}
          cursor={{ fill: '#f1f5f9' }}
          content={(p) => {
            const i = p.active ? ROWS.indexOf(String(p.label) as (typeof ROWS)[number]) : -1;
            if (i < 0) return null;
            const total = segments.reduce((a, s) => a + (at(s, i) ?? 0), 0);
            return (
              <div className="tooltip" data-tooltip="segments">
                <div className="tooltip-head">
                  {ROWS[i]} of each segment · sum {formatValue(total)} ms
                </div>
                {segments.map((s) => (
                  <div key={key(s)} className="tooltip-row" data-stat={key(s)}>
                    <i style={{ background: probeColor(s[1]) }} />
                    <span>{key(s)}</span>
                    <b data-value>{formatValue(at(s, i))}</b>
                    <span className="muted">ms</span>
                  </div>
                ))}
              </div>
            );
          }}
        />
        {segments.map((s) => (
          <Bar key={key(s)} dataKey={key(s)} stackId="a" fill={probeColor(s[1])} isAnimationActive={false} />
        ))}
      </BarChart>
    </figure>
  );
}
