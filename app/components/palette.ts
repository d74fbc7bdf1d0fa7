// One palette for every chart: one colour per meaning, the same wherever it is
// drawn (p99 always red, the kubelet always deep blue, the runtime always
// orange, memory/rss/workingset green/violet/pink), and no colour means two
// things: test/palette.test.ts holds the table to that.
import { formatValue } from './format';

export const STAT_COLORS: Record<string, string> = {
  Perc50: '#2563eb',
  Perc90: '#d97706',
  Perc95: '#a21caf',
  Perc99: '#dc2626',
  Perc100: '#7f1d1d',
  // The same percentiles by their short names.
  p50: '#2563eb',
  p90: '#d97706',
  p95: '#a21caf',
  p99: '#dc2626',
  batch: '#0891b2',
  'single-worst': '#9333ea',
  memory: '#15803d',
  rss: '#7c3aed',
  workingset: '#db2777',
};

const FALLBACK = ['#64748b', '#0d9488', '#65a30d', '#c026d3', '#a16207', '#4f46e5'];

function fallback(key: string): string {
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return FALLBACK[h % FALLBACK.length];
}

export function statColor(stat: string): string {
  return STAT_COLORS[stat] ?? fallback(stat);
}

/**
 * Probes in startup order, each its own hue, neighbours far apart, so two
 * probes that follow each other (pod_config_change, runtime_manager) never
 * look alike.
 */
export const PROBE_COLORS: Record<string, string> = {
  create: '#1e40af',
  pod_config_change: '#f59e0b',
  runtime_manager: '#059669',
  infra_container_start: '#8b5cf6',
  container_start: '#84cc16',
  pod_running: '#0ea5e9',
  pod_status_running: '#f43f5e',
  watch_observed_running: '#b45309',
  running: '#475569',
  // Span probes: colours of their own, none a log probe's, so a log probe and its span counterpart are told apart.
  sync_start: '#1e3a8a',
  sandbox_start: '#3730a3',
  sandbox_ready: '#0284c7',
  image_pulled: '#86198f',
  container_created: '#be185d',
  container_started_first: '#9f1239',
  container_started_last: '#92400e',
  sync_done: '#1f2937',
};

/**
 * How a probe's line is drawn beyond its colour: `create` and
 * `pod_config_change` are usually the same moment, so create is drawn wide
 * and dashed underneath and shows on both sides of the line that covers it.
 */
export const PROBE_STROKES: Record<string, { strokeWidth: number; strokeDasharray?: string }> = {
  create: { strokeWidth: 4, strokeDasharray: '7 3' },
};

export function probeStroke(probe: string): { stroke: string; strokeWidth: number; strokeDasharray?: string } {
  const s = PROBE_STROKES[probe];
  return { stroke: probeColor(probe), strokeWidth: s?.strokeWidth ?? 1.8, strokeDasharray: s?.strokeDasharray };
}

/** A waterfall bar's colour: a CRI call has the colour of the span probe read off its end; pod syncs stay neutral. */
export const SPAN_COLORS: Record<string, string> = {
  syncPod: '#94a3b8',
  syncTerminatingPod: '#cbd5e1',
  syncTerminatedPod: '#cbd5e1',
  RunPodSandbox: PROBE_COLORS.sandbox_ready,
  PullImage: PROBE_COLORS.image_pulled,
  CreateContainer: PROBE_COLORS.container_created,
  StartContainer: PROBE_COLORS.container_started_first,
};

/** A span's colour by its method (`runtime.v1.RuntimeService/StartContainer` -> StartContainer). */
export function spanColor(name: string): string {
  const method = name.slice(name.lastIndexOf('/') + 1);
  return SPAN_COLORS[method] ?? fallback(method);
}

export function probeColor(probe: string): string {
  return PROBE_COLORS[probe] ?? fallback(probe);
}

export const CONTAINER_COLORS: Record<string, string> = { kubelet: '#1d4ed8', runtime: '#ea580c' };

export function containerColor(container: string): string {
  return CONTAINER_COLORS[container] ?? fallback(container);
}

/** Lines of several selections on one chart (an overlay), in selection order: S1, S2, … */
export const SELECTION_COLORS = ['#0f766e', '#c2410c', '#4338ca', '#be123c', '#4d7c0f', '#a16207', '#0e7490', '#6d28d9'];

export function selectionColor(i: number): string {
  return SELECTION_COLORS[i % SELECTION_COLORS.length];
}

/** A failed build's marker; a detected regression's marker; an SLO threshold's label. */
export const FAILED = '#e11d48';
export const MARKER = '#991b1b';
export const SLO = '#7c2d12';

export const GRID = '#e5e7eb';
export const AXIS = '#6b7280';

/** Axis ticks and titles, the same on every chart. */
export const TICK = { fontSize: 11, fill: AXIS };

export function xLabel(value: string) {
  return { value, position: 'insideBottom' as const, offset: -10, fontSize: 11, fill: AXIS };
}

/** A y axis's unit along its outer edge, clear of the tick labels (which sit by the axis line). */
export function yLabel(value: string, side: 'left' | 'right' = 'left') {
  return side === 'left'
    ? { value, angle: -90, position: 'insideLeft' as const, offset: 0, fontSize: 11, fill: AXIS }
    : { value, angle: 90, position: 'insideRight' as const, offset: 0, fontSize: 11, fill: AXIS };
}

/** The x axis of one run's charts: seconds since the test started. */
export function timeAxis(domain: [number, number]) {
  return {
    dataKey: 't',
    type: 'number' as const,
    domain,
    tick: TICK,
    stroke: AXIS,
    tickFormatter: (v: number) => formatValue(v),
    label: xLabel('seconds since the test started'),
  };
}
