'use client';
// One pod's spans on a time axis, nested by parent, coloured by what they do
// (a CRI call has the colour of the span probe read off its end), with the
// pod's log probes and span probes as markers across every row. Plain HTML
// and CSS: each bar and marker is placed by percentage, so the chart fits
// any width without scrolling, and 50 spans are 50 rows, not a chart engine.
// A click on a bar shows its attributes.
import { useState } from 'react';
import { formatValue } from './format';
import { probeColor, spanColor } from './palette';
import styles from './Waterfall.module.css';

export interface WaterfallSpan {
  id: string;
  name: string;
  service: string | null;
  /** Microseconds UTC. */
  start: number;
  end: number;
  depth: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

export interface WaterfallMarker {
  probe: string;
  source: 'test' | 'kubelet' | 'span';
  time: number;
}

interface Props {
  spans: WaterfallSpan[];
  markers: WaterfallMarker[];
}

/** `runtime.v1.RuntimeService/StartContainer` -> `StartContainer`. */
const short = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** About five round ticks (1, 2 or 5 times a power of ten) over [0, max] ms. */
function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

export default function Waterfall({ spans, markers }: Props) {
  const [picked, setPicked] = useState<string | null>(null);
  const times = [...spans.flatMap((s) => [s.start, s.end]), ...markers.map((m) => m.time)];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const span = Math.max(1, t1 - t0);
  const pct = (t: number) => `${((t - t0) / span) * 100}%`;
  const ms = (t: number) => (t - t0) / 1000;
  const axis = ticks(span / 1000);
  const chosen = spans.find((s) => s.id === picked);
  const services = [...new Set(spans.map((s) => s.service ?? ''))];
  const names = [...new Set(spans.map((s) => short(s.name)))];
  const lines = markers.map((m) => (
    <i key={`${m.source}:${m.probe}`} className={styles.line} style={{ left: pct(m.time), background: probeColor(m.probe) }} />
  ));

  return (
    <figure className="chart wide" data-waterfall>
      <figcaption>
        <span className="chart-title">Spans and probes of this pod (ms since its first event)</span>
        <span className="legend">
          {names.map((n) => (
            <span key={n} className="legend-item">
              <i style={{ background: spanColor(n) }} />
              {n}
            </span>
          ))}
          {services.length > 1 ? <span className="legend-item">lighter: the runtime’s own spans</span> : null}
        </span>
      </figcaption>
      <div className={styles.grid}>
        <div className={styles.label} aria-hidden />
        <div className={styles.axis}>
          {axis.map((t) => (
            <span key={t} style={{ left: `${((t * 1000) / span) * 100}%` }}>
              {formatValue(t)}
            </span>
          ))}
        </div>
        <div className={styles.label}>probes</div>
        <div className={styles.track} data-markers>
          {markers.map((m) => (
            <b
              key={`${m.source}:${m.probe}`}
              className={m.source === 'span' ? styles.spanMarker : styles.logMarker}
              style={{ left: pct(m.time), background: probeColor(m.probe) }}
              title={`${m.probe} (${m.source === 'span' ? 'span' : 'log'}): +${formatValue(ms(m.time))} ms`}
              data-marker={m.probe}
              data-source={m.source}
            />
          ))}
        </div>
        {spans.map((s) => (
          <div key={s.id} className={styles.row} data-span={short(s.name)}>
            <div className={styles.label} style={{ paddingLeft: `${s.depth * 0.9}rem` }} title={s.name}>
              {short(s.name)}
              {s.service && s.service !== 'kubelet' ? <span className="muted"> · {s.service}</span> : null}
            </div>
            <div className={styles.track}>
              {lines}
              <button
                type="button"
                className={`${styles.bar}${s.error ? ` ${styles.error}` : ''}${s.service && s.service !== 'kubelet' ? ` ${styles.runtime}` : ''}`}
                style={{ left: pct(s.start), width: `max(2px, ${((s.end - s.start) / span) * 100}%)`, background: spanColor(s.name) }}
                title={`${s.name}: +${formatValue(ms(s.start))} ms, ${formatValue((s.end - s.start) / 1000)} ms`}
                aria-pressed={picked === s.id}
                onClick={() => setPicked(picked === s.id ? null : s.id)}
              />
            </div>
          </div>
        ))}
      </div>
      {spans.length === 0 ? <p className="muted">No spans for this pod: its build has no trace for it. The markers are its log probes.</p> : null}
      <ul className={styles.markers}>
        {markers.map((m) => (
          <li key={`${m.source}:${m.probe}`} data-marker-item={m.probe}>
            <i className={m.source === 'span' ? styles.keySpan : styles.keyLog} style={{ background: probeColor(m.probe) }} />
            {m.probe} <span className="muted">+{formatValue(ms(m.time))} ms</span>
          </li>
        ))}
      </ul>
      {chosen ? (
        <div className="pinned" data-span-detail>
          <span>
            <b className="mono">{chosen.name}</b>
            {chosen.service ? <span className="muted"> ({chosen.service})</span> : null}: +{formatValue(ms(chosen.start))} ms,{' '}
            {formatValue((chosen.end - chosen.start) / 1000)} ms{chosen.error ? ', failed' : ''}
          </span>
          <span className="mono">
            {Object.entries(chosen.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}
          </span>
        </div>
      ) : null}
    </figure>
  );
}
