// The domain of kubelet-perf-dash: what parsers produce, what the loader
// writes and what queries return. Times are integer microseconds since the
// Unix epoch, UTC (`Micros`), everywhere but in JSON output, where they are
// ISO-8601 strings.

export type Micros = number;

/** A problem found while reading input: kept in the build's ingest report. */
export interface IngestWarning {
  file: string;
  line?: number;
  message: string;
}

// ---------------------------------------------------------------- perf data

export type Labels = Record<string, string>;

/** One PerfData data item (`perftype.DataItem`). */
export interface PerfDataItem {
  data: Record<string, number>;
  unit: string;
  labels: Labels;
}

/** `perftype.PerfData`: the perf results of one test on one node. */
export interface PerfData {
  version: string;
  dataItems: PerfDataItem[];
  labels: Labels;
}

export interface ResourceSeries {
  ts: Micros[];
  cpu: number[];
  memory: number[];
  unit: { cpu: string; memory: string };
}

/** `NodeTimeSeries`: per-pod operation times and resource usage of one test. */
export interface NodeTimeSeries {
  /** Operation name (`create`, `running`) to sorted times, one per pod. */
  opSeries: Record<string, Micros[]>;
  /** Container (`kubelet`, `runtime`) to its samples. */
  resourceSeries: Record<string, ResourceSeries>;
  labels: Labels;
  version: string;
}

/** Where a parsed record came from, for reports and for ordering. */
export interface Origin {
  file: string;
  line?: number;
}

export interface PerfDataRecord extends Origin {
  perf: PerfData;
  /** Time of the block in build-log.txt (the INFO line), when known. */
  loggedAt?: Micros;
  /** The Ginkgo `[It]` text in force where the block was printed. */
  itDescription?: string;
}

export interface TimeSeriesRecord extends Origin {
  series: NodeTimeSeries;
  loggedAt?: Micros;
  itDescription?: string;
}

/** started.json + finished.json (Prow). */
export interface ProwInfo {
  started?: Micros;
  finished?: Micros;
  result?: string;
  passed?: boolean;
}

export type TestStatus = 'passed' | 'failed' | 'skipped';

/** One JUnit testcase. */
export interface JUnitCase {
  name: string;
  classname?: string;
  timeSeconds?: number;
  status: TestStatus;
  message?: string;
}

// ---------------------------------------------------------------- identity

export interface NodeConfig {
  image: string;
  machine: string;
}

/** Options parsed from a test's short name, as the option tree shows them. */
export type TestOptions =
  | {
      kind: 'density';
      operation: string;
      mode: string;
      pods: number;
      backgroundPods: number;
      intervalMs: number;
      qps?: number;
    }
  | { kind: 'resource'; pods: number }
  | { kind: 'other' };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** e.g. "create 105 pods in batch, 0 background pods, 0 ms interval, QPS limit 5". */
export function describeTestOptions(opts: TestOptions): string {
  switch (opts.kind) {
    case 'density': {
      const parts = [
        `${opts.operation} ${plural(opts.pods, 'pod', 'pods')} in ${opts.mode}`,
        `${plural(opts.backgroundPods, 'background pod', 'background pods')}`,
        `${opts.intervalMs} ms interval`,
      ];
      if (opts.qps !== undefined) parts.push(`QPS limit ${opts.qps}`);
      return parts.join(', ');
    }
    case 'resource':
      return `resource usage with ${plural(opts.pods, 'pod', 'pods')}`;
    case 'other':
      return 'other test';
  }
}

/** The six plots of node-perf-dash, as metric names. */
export const METRIC_NAMES = [
  'latency',
  'throughput',
  'kubelet_cpu',
  'kubelet_memory',
  'runtime_cpu',
  'runtime_memory',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export function isMetricName(s: string): s is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(s);
}

/**
 * The metric catalog: each plot's title, unit and the stats it draws by
 * default, the last of which is its "top" stat (what a long chart keeps the
 * extremes of when it is downsampled). Parsers, queries and pages read it.
 */
export const METRIC_CATALOG: Readonly<Record<MetricName, { title: string; unit: string; stats: readonly string[] }>> = {
  latency: { title: 'Pod startup latency', unit: 'ms', stats: ['Perc50', 'Perc90', 'Perc99'] },
  throughput: { title: 'Pod creation throughput', unit: 'pods/min', stats: ['batch', 'single-worst'] },
  kubelet_cpu: { title: 'Kubelet CPU usage', unit: 'millicores', stats: ['Perc50', 'Perc90', 'Perc95'] },
  kubelet_memory: { title: 'Kubelet memory usage', unit: 'MB', stats: ['memory', 'rss', 'workingset'] },
  runtime_cpu: { title: 'Runtime CPU usage', unit: 'millicores', stats: ['Perc50', 'Perc90', 'Perc95'] },
  runtime_memory: { title: 'Runtime memory usage', unit: 'MB', stats: ['memory', 'rss', 'workingset'] },
};

/** A plot's title with its unit, e.g. "Pod startup latency (ms)". */
export function metricTitle(metric: MetricName): string {
  const m = METRIC_CATALOG[metric];
  return `${m.title} (${m.unit})`;
}

/** Whether a plot draws `stat` by default. */
export function isChartedStat(metric: MetricName, stat: string): boolean {
  return METRIC_CATALOG[metric].stats.includes(stat);
}

/** The stat a long chart keeps the extremes of when it is downsampled: the last one it draws by default. */
export function topStat(metric: MetricName): string {
  const stats = METRIC_CATALOG[metric].stats;
  return stats[stats.length - 1];
}

/**
 * The stats to draw given those a series has: the defaults that are present,
 * else every `PercNN` present in percentile order, else all of them sorted.
 */
export function statsToDraw(metric: MetricName, available: readonly string[]): string[] {
  const defaults = METRIC_CATALOG[metric].stats.filter((s) => available.includes(s));
  if (defaults.length) return defaults;
  const percentiles = available.filter((s) => /^Perc\d+$/.test(s));
  if (percentiles.length) return [...percentiles].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  return [...available].sort();
}

// ---------------------------------------------------------------- tracing

/** Probes known to the analyzer, in pod startup order. Custom NodeTracing probes may add others. */
export const PROBES = [
  'create',
  'pod_config_change',
  'runtime_manager',
  'infra_container_start',
  'container_start',
  'pod_running',
  'pod_status_running',
  'watch_observed_running',
  'running',
] as const;
export type KnownProbe = (typeof PROBES)[number];

export type ProbeSource = 'test' | 'kubelet';

/** One moment in one pod's startup. Test-side events carry no pod identity. */
export interface ProbeEvent {
  probe: string;
  /** `namespace/name`, absent for test-side events. */
  pod?: string;
  uid?: string;
  /** 0 for the first life of a pod name; +1 each time it is re-added after a delete. */
  instance: number;
  time: Micros;
  source: ProbeSource;
  /** Line in the kubelet log, for `kpd probes --pod`. */
  line?: number;
  /** Byte offset of that line in the (decompressed) log, to show the lines around it. */
  offset?: number;
}

/** The kubelet's own view of one pod's startup ("Observed pod startup duration"). */
export interface PodStartup {
  pod: string;
  uid?: string;
  instance: number;
  /** podStartSLOduration, seconds. */
  sloDuration?: number;
  /** podStartE2EDuration, seconds. */
  e2eDuration?: number;
  /** True when the kubelet logged an absurd value (a known kubelet bug). */
  flagged: boolean;
}

// ---------------------------------------------------------------- ingest report

export interface FileReport {
  file: string;
  kind: string;
  bytes: number;
  /** Blocks or documents found (build-log blocks, JSON files, log lines with probes). */
  blocks: number;
  /** Records kept (data items, probe events, test cases). */
  items: number;
  /** Lines or blocks skipped as unreadable. */
  skipped: number;
}

export interface IngestReport {
  files: FileReport[];
  warnings: IngestWarning[];
  runs: number;
  metrics: number;
  probeEvents: number;
}

// ---------------------------------------------------------------- a parsed build

/** Everything the loader writes for one run (test x node config of one build). */
export interface RunRecord {
  test: string;
  description?: string;
  options: TestOptions;
  node: NodeConfig;
  host?: string;
  perfVersion?: string;
  /** Test window on its host: kubelet events in [start, end) belong to the run. */
  start?: Micros;
  end?: Micros;
  status?: TestStatus;
  items: PerfDataItem[];
  resources: Record<string, ResourceSeries>;
  probes: ProbeEvent[];
  podStartups: PodStartup[];
}

export interface BuildRecord {
  job: string;
  number: number;
  started?: Micros;
  finished?: Micros;
  result?: string;
  source: string;
  contentHash: string;
  runs: RunRecord[];
  report: IngestReport;
}

// ---------------------------------------------------------------- read models

export interface BuildSummary {
  number: number;
  started: Micros | null;
  result: string | null;
  runs: number;
  warnings: number;
}

export interface JobSummary {
  job: string;
  builds: number;
  latest: BuildSummary | null;
}

export interface MetricPoint {
  build: number;
  started: Micros | null;
  stats: Record<string, number>;
}

export interface MetricSeries {
  unit: string;
  series: MetricPoint[];
}

// ---------------------------------------------------------------- kubelet logs

/** A pod instance a kubelet log talks about. */
export interface KubeletPod {
  /** `namespace/name` */
  pod: string;
  uid?: string;
  instance: number;
  /** Came from a static manifest (`source="file"`). */
  static: boolean;
  /** kube-system or the resource collector's cAdvisor pod. */
  system: boolean;
}

/** What one kubelet log yields (ingest/parsers/kubelet). */
export interface KubeletLogResult {
  /** Probe events (source `kubelet`), in time order. */
  events: ProbeEvent[];
  podStartups: PodStartup[];
  /** Every pod instance seen, including those left out of events (system, static). */
  pods: KubeletPod[];
  lines: number;
  /** Unreadable lines: binary, garbage, oversized. */
  skipped: number;
  /** Header clock minus UTC, subtracted from klog header times (a whole number of quarter hours). */
  offsetUs: number;
  /** Year of the first klog header line with a probe marker (before any New Year crossing). */
  year: number;
  warnings: IngestWarning[];
}
