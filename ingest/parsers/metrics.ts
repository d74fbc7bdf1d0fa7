// Which of the six node-perf-dash plots a PerfData item belongs to, as a
// table of label rules (like perfdash's config.go), plus what each plot
// draws by default and its title.
import type { Labels, MetricName, PerfDataItem } from '../../lib/model';

/** A label's wanted values; `null` means "label absent". */
type LabelMatch = Record<string, readonly (string | null)[]>;

/** First match wins. Items that match no rule are kept but not plotted. */
export const METRIC_RULES: readonly { metric: MetricName; labels: LabelMatch }[] = [
  { metric: 'latency', labels: { datatype: ['latency'], latencytype: ['create-pod', null] } },
  { metric: 'throughput', labels: { datatype: ['throughput'] } },
  { metric: 'kubelet_cpu', labels: { datatype: ['resource'], container: ['kubelet'], resource: ['cpu'] } },
  { metric: 'kubelet_memory', labels: { datatype: ['resource'], container: ['kubelet'], resource: ['memory'] } },
  { metric: 'runtime_cpu', labels: { datatype: ['resource'], container: ['runtime'], resource: ['cpu'] } },
  { metric: 'runtime_memory', labels: { datatype: ['resource'], container: ['runtime'], resource: ['memory'] } },
];

function matches(labels: Labels, want: LabelMatch): boolean {
  return Object.entries(want).every(([key, values]) => values.includes(labels[key] ?? null));
}

export function metricNameOf(item: PerfDataItem): MetricName | null {
  return METRIC_RULES.find((rule) => matches(item.labels, rule.labels))?.metric ?? null;
}

/** The stats each plot draws by default. */
export const METRIC_STATS: Record<MetricName, string[]> = {
  latency: ['Perc50', 'Perc90', 'Perc99'],
  throughput: ['batch', 'single-worst'],
  kubelet_cpu: ['Perc50', 'Perc90', 'Perc95'],
  kubelet_memory: ['memory', 'rss', 'workingset'],
  runtime_cpu: ['Perc50', 'Perc90', 'Perc95'],
  runtime_memory: ['memory', 'rss', 'workingset'],
};

export const METRIC_TITLES: Record<MetricName, string> = {
  latency: 'Pod startup latency (ms)',
  throughput: 'Pod creation throughput (pods/min)',
  kubelet_cpu: 'Kubelet CPU usage (millicores)',
  kubelet_memory: 'Kubelet memory usage (MB)',
  runtime_cpu: 'Runtime CPU usage (millicores)',
  runtime_memory: 'Runtime memory usage (MB)',
};

/**
 * The stats to draw given those a series has: the defaults that are present,
 * else every `PercNN` present in percentile order, else all of them sorted.
 */
/** The stat a long chart keeps the extremes of when it is downsampled: the last one it draws by default. */
export function topStat(metric: MetricName): string {
  const stats = METRIC_STATS[metric];
  return stats[stats.length - 1];
}

export function statsToDraw(metric: MetricName, available: readonly string[]): string[] {
  const defaults = METRIC_STATS[metric].filter((s) => available.includes(s));
  if (defaults.length) return defaults;
  const percentiles = available.filter((s) => /^Perc\d+$/.test(s));
  if (percentiles.length) return [...percentiles].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  return [...available].sort();
}
