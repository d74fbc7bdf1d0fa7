'use client';
// One run's charts on one time axis: the probe chart and the CPU and memory
// charts share their window, which fits the pod events at first; dragging
// across any of them zooms all three, and the bar above them goes back to the
// pod events or shows the whole run. The window is kept in the URL (`t=`).
import { useState } from 'react';
import ProbeChart, { type ProbeLine } from './ProbeChart';
import ResourceChart, { type ResourceLine } from './ResourceChart';
import { formatValue } from './format';
import { podEventsWindow, roundOut, wholeRunWindow, zoomParam, type Window, type Zoom } from './time-window';

export interface SeriesChartsProps {
  probes: ProbeLine[];
  /** Probes drawn at first. */
  shown: string[];
  cpu: { unit: string; lines: ResourceLine[] };
  memory: { unit: string; lines: ResourceLine[] };
  zoom: Zoom;
  /** Shown instead of the probe chart when the run has no probe events. */
  children: React.ReactNode;
}

export default function SeriesCharts({ probes, shown, cpu, memory, zoom: initial, children }: SeriesChartsProps) {
  const [zoom, setZoom] = useState(initial);
  const whole = wholeRunWindow([...probes, ...cpu.lines, ...memory.lines]);
  const pods = podEventsWindow(probes);
  const win: Window = zoom.kind === 'span' ? zoom.window : zoom.kind === 'pods' && pods ? pods : whole;

  const choose = (z: Zoom) => {
    setZoom(z);
    const url = new URL(globalThis.location.href);
    const t = zoomParam(z);
    if (t === undefined) url.searchParams.delete('t');
    else url.searchParams.set('t', t);
    globalThis.history.replaceState(null, '', url);
  };
  const onZoom = (lo: number, hi: number) => choose({ kind: 'span', window: roundOut(lo, hi) });
  const span = (w: Window) => `${formatValue(w[0])}–${formatValue(w[1])} s`;

  return (
    <>
      <div className="zoombar" data-zoombar>
        <span>
          Time axis <b data-window>{span(win)}</b>
        </span>
        <span className="zoombar-choices" role="group" aria-label="time window">
          {pods ? (
            <button type="button" className={`chip${zoom.kind === 'pods' ? ' on' : ''}`} aria-pressed={zoom.kind === 'pods'} data-zoom="pods" onClick={() => choose({ kind: 'pods' })}>
              pod events
            </button>
          ) : null}
          <button type="button" className={`chip${zoom.kind === 'all' || (!pods && zoom.kind === 'pods') ? ' on' : ''}`} aria-pressed={zoom.kind !== 'span' && (zoom.kind === 'all' || !pods)} data-zoom="all" onClick={() => choose({ kind: 'all' })}>
            whole run ({span(whole)})
          </button>
          {zoom.kind === 'span' ? (
            <button type="button" className="chip on" data-zoom="reset" onClick={() => choose({ kind: 'pods' })}>
              reset zoom
            </button>
          ) : null}
        </span>
        <span className="muted">drag across a chart to zoom in</span>
      </div>
      {probes.length ? <ProbeChart lines={probes} shown={shown} domain={win} onZoom={onZoom} /> : children}
      <ResourceChart id="cpu" title="CPU usage" unit={cpu.unit} lines={cpu.lines} domain={win} onZoom={onZoom} />
      <ResourceChart id="memory" title="Memory usage" unit={memory.unit} lines={memory.lines} domain={win} onZoom={onZoom} />
    </>
  );
}
