'use client';
// Where pod startup time goes in one build, as stacked bars of steps between
// consecutive probes: at p50, p90 and p99 the steps of the pod whose total
// latency is that percentile (so each bar is as long as the latency card
// says), or, when the probes pair by order and no pod can be followed, the
// mean of each step.
import Link from 'next/link';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTick, formatValue } from './format';
import { AXIS, GRID, probeColor, TICK } from './palette';

export interface SegmentRow {
  /** p50, p90, p99, or mean. */
  label: string;
  totalMs: number;
  /** The pod on the percentile, or the two it lies between, with their pages. */
  pods: { pod: string; totalMs: number; weight: number; href: string }[];
  segments: { from: string; to: string; ms: number }[];
}

export interface SegmentChartProps {
  kind: 'percentile-pods' | 'mean';
  from: string;
  to: string;
  rows: SegmentRow[];
}

const stepName = (s: { from: string; to: string }) => `${s.from} → ${s.to}`;

export default function SegmentChart({ kind, from, to, rows }: SegmentChartProps) {
  const steps: { name: string; to: string }[] = [];
  for (const r of rows) for (const s of r.segments) if (!steps.some((x) => x.name === stepName(s))) steps.push({ name: stepName(s), to: s.to });
  const data = rows.map((r) => {
    const d: Record<string, string | number> = { row: r.label };
    for (const s of r.segments) d[stepName(s)] = s.ms;
    return d;
  });
  return (
    <figure className="chart wide" data-chart="segments" data-kind={kind}>
      <figcaption>
        <span className="chart-title">
          {kind === 'mean' ? 'Mean of each step (ms)' : `Where the time goes at p50, p90 and p99 of ${from} → ${to} (ms)`}
        </span>
        <span className="legend">
          {steps.map((s) => (
            <span key={s.name} className="legend-item">
              <i style={{ background: probeColor(s.to) }} />
              {s.name}
            </span>
          ))}
        </span>
      </figcaption>
      <p className="muted chart-note" style={{ padding: '0 0.4rem' }} data-segments-note>
        {kind === 'mean'
          ? 'The end probes pair by order (they carry no pod identity), so no pod can be followed from start to end: each step is its mean over the pods that have it, and the bar need not add up to the cards above.'
          : 'Each bar is the pod whose latency is that percentile, split into its steps, so it is as long as the card above says. When a percentile falls between two pods, their steps are weighted as the percentile is.'}
      </p>
      <BarChart
        responsive
        layout="vertical"
        style={{ width: '100%', height: 40 + rows.length * 46 }}
        data={data}
        margin={{ top: 4, right: 16, bottom: 4, left: 4 }}
      >
        <CartesianGrid stroke={GRID} horizontal={false} />
        <XAxis type="number" tick={TICK} stroke={AXIS} tickFormatter={formatTick} />
        <YAxis type="category" dataKey="row" width={44} tick={{ fontSize: 12, fill: AXIS }} stroke={AXIS} />
        <Tooltip
          isAnimationActive={false}
          cursor={{ fill: '#f1f5f9' }}
          content={(p) => {
            const row = p.active ? rows.find((r) => r.label === String(p.label)) : undefined;
            if (!row) return null;
            return (
              <div className="tooltip" data-tooltip="segments">
                <div className="tooltip-head">
                  {row.label} {formatValue(row.totalMs)} ms
                </div>
                {row.segments.map((s) => (
                  <div key={stepName(s)} className="tooltip-row" data-stat={stepName(s)}>
                    <i style={{ background: probeColor(s.to) }} />
                    <span>{stepName(s)}</span>
                    <b data-value>{formatValue(s.ms)}</b>
                    <span className="muted">ms</span>
                  </div>
                ))}
              </div>
            );
          }}
        />
        {steps.map((s) => (
          <Bar key={s.name} dataKey={s.name} stackId="a" fill={probeColor(s.to)} isAnimationActive={false} />
        ))}
      </BarChart>
      {kind === 'percentile-pods' ? (
        <ul className="segment-pods" data-segment-pods>
          {rows.map((r) => (
            <li key={r.label} data-at={r.label}>
              <b>{r.label}</b> <span data-total>{formatValue(r.totalMs)} ms</span>:{' '}
              {r.pods.length === 1 ? '' : 'between '}
              {r.pods.map((p, i) => (
                <span key={p.pod}>
                  {i ? ' and ' : ''}
                  <Link href={p.href} className="mono" data-pod-link>
                    {p.pod}
                  </Link>{' '}
                  <span className="muted">
                    ({formatValue(p.totalMs)} ms{r.pods.length > 1 ? `, weight ${formatValue(p.weight)}` : ''})
                  </span>
                </span>
              ))}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
