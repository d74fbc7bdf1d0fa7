import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, METRIC_NAMES, metricTitle, statsToDraw } from '../../lib/model';
import { metricNameOf } from '../../ingest/parsers/metrics';
import { parsePerfDataText } from '../../ingest/parsers/perfdata';
import { fixture } from './fixture';

const item = (labels: Record<string, string>) => ({ data: { Perc50: 1 }, unit: 'ms', labels });

describe('metricNameOf', () => {
  it('names the four item kinds of a v2 performance file', () => {
    const { perf } = parsePerfDataText(fixture('performance-e2e-density_create_batch_105_0_0.json'), { file: 'p.json' });
    expect(perf?.dataItems.map(metricNameOf)).toEqual(['latency', 'throughput', 'kubelet_cpu', 'runtime_memory']);
  });

  it('names kubelet memory and runtime CPU', () => {
    expect(metricNameOf(item({ datatype: 'resource', container: 'kubelet', resource: 'memory', node: 'h' }))).toBe(
      'kubelet_memory',
    );
    expect(metricNameOf(item({ datatype: 'resource', container: 'runtime', resource: 'cpu' }))).toBe('runtime_cpu');
  });

  it('counts a latency item without latencytype as pod startup latency, but not another latency type', () => {
    expect(metricNameOf(item({ datatype: 'latency' }))).toBe('latency');
    expect(metricNameOf(item({ datatype: 'latency', latencytype: 'delete-pod' }))).toBeNull();
  });

  it('leaves other items unplotted', () => {
    expect(metricNameOf(item({ datatype: 'resource', container: 'misc', resource: 'cpu' }))).toBeNull();
    expect(metricNameOf(item({ datatype: 'resource', container: 'kubelet', resource: 'disk' }))).toBeNull();
    expect(metricNameOf(item({ Resource: 'pods', Verb: 'LIST', Scope: 'cluster' }))).toBeNull();
    expect(metricNameOf(item({}))).toBeNull();
  });
});

describe('plot defaults', () => {
  it('has stats and a title with units for each of the six plots', () => {
    expect(Object.keys(METRIC_CATALOG).sort()).toEqual([...METRIC_NAMES].sort());
    expect(METRIC_CATALOG.latency.stats).toEqual(['Perc50', 'Perc90', 'Perc99']);
    expect(METRIC_CATALOG.throughput.stats).toEqual(['batch', 'single-worst']);
    expect(METRIC_CATALOG.kubelet_memory.stats).toEqual(['memory', 'rss', 'workingset']);
    expect(metricTitle('runtime_cpu')).toBe('Runtime CPU usage (millicores)');
    expect(metricTitle('latency')).toBe('Pod startup latency (ms)');
  });

  it('draws the defaults a series has, else its percentiles in order', () => {
    expect(statsToDraw('kubelet_cpu', ['Perc05', 'Perc50', 'Perc95', 'Perc99'])).toEqual(['Perc50', 'Perc95']);
    expect(statsToDraw('kubelet_cpu', ['Perc99', 'Perc05', 'Perc100'])).toEqual(['Perc05', 'Perc99', 'Perc100']);
    expect(statsToDraw('runtime_memory', ['rss', 'cache'])).toEqual(['rss']);
    expect(statsToDraw('throughput', ['pods', 'avg'])).toEqual(['avg', 'pods']);
  });
});
