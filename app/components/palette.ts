// One palette for every chart: a stat, a probe or a container has the same
// colour wherever it is drawn, so p99 is always red and the kubelet always teal.
import { formatValue } from './format';

export const STAT_COLORS: Record<string, string> = {
  Perc50: '#2563eb',
  Perc90: '#d97706',
  Perc95: '#a21caf',
  Perc99: '#dc2626',
  Perc100: '#7f1d1d',
  p50: '#2563eb',
  p90: '#d97706',
  p99: '#dc2626',
  batch: '#0d9488',
  'single-worst': '#9333ea',
  memory: '#0f766e',
  rss: '#7c3aed',
  workingset: '#db2777',
};

const FALLBACK = ['#475569', '#0891b2', '#65a30d', '#c026d3', '#a16207', '#4f46e5'];

function fallback(key: string): string {
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return FALLBACK[h % FALLBACK.length];
}

export function statColor(stat: string): string {
  return STAT_COLORS[stat] ?? fallback(stat);
}

/** Probes in startup order, cool to warm: the eye follows a pod from create to running. */
export const PROBE_COLORS: Record<string, string> = {
  create: '#64748b',
  pod_config_change: '#0891b2',
  runtime_manager: '#0d9488',
  infra_container_start: '#16a34a',
  container_start: '#65a30d',
  pod_running: '#ca8a04',
  pod_status_running: '#ea580c',
  watch_observed_running: '#dc2626',
  running: '#7c3aed',
  // Span probes: colours of their own, none a log probe's, so a log probe and its span counterpart are told apart.
  sync_start: '#1e3a8a',
  sandbox_start: '#3730a3',
  sandbox_ready: '#0284c7',
  image_pulled: '#a21caf',
  container_created: '#db2777',
  container_started_first: '#9f1239',
  container_started_last: '#92400e',
  sync_done: '#1f2937',
};

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

export const CONTAINER_COLORS: Record<string, string> = { kubelet: '#0f766e', runtime: '#9333ea' };

export function containerColor(container: string): string {
  return CONTAINER_COLORS[container] ?? fallback(container);
}

export const GRID = '#e5e7eb';
export const AXIS = '#6b7280';

/** Axis ticks and titles, the same on every chart. */
export const TICK = { fontSize: 11, fill: AXIS };

export function xLabel(value: string) {
  return { value, position: 'insideBottom' as const, offset: -10, fontSize: 11, fill: AXIS };
}

export function yLabel(value: string) {
  return { value, angle: -90, position: 'insideLeft' as const, offset: 12, fontSize: 11, fill: AXIS };
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
