// Which of the six node-perf-dash plots a PerfData item belongs to, as a
// table of label rules (like perfdash's config.go). What each plot draws is
// the metric catalog of lib/model.ts.
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
