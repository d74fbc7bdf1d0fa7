import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeTestOptions } from '../../lib/model';
import { parseTestOptions } from '../../ingest/parsers/testname';

describe('parseTestOptions', () => {
  it('splits density test names into operation, mode, pods, background pods and interval', () => {
    expect(parseTestOptions('density_create_batch_105_0_0')).toEqual({
      kind: 'density',
      operation: 'create',
      mode: 'batch',
      pods: 105,
      backgroundPods: 0,
      intervalMs: 0,
    });
    expect(parseTestOptions('density_create_sequence_35_30_0')).toEqual({
      kind: 'density',
      operation: 'create',
      mode: 'sequence',
      pods: 35,
      backgroundPods: 30,
      intervalMs: 0,
    });
  });

  it('reads the QPS limit of newer names', () => {
    expect(parseTestOptions('density_create_batch_105_0_0_5')).toEqual({
      kind: 'density',
      operation: 'create',
      mode: 'batch',
      pods: 105,
      backgroundPods: 0,
      intervalMs: 0,
      qps: 5,
    });
  });

  it('reads resource test names', () => {
    expect(parseTestOptions('resource_0')).toEqual({ kind: 'resource', pods: 0 });
    expect(parseTestOptions('resource_10')).toEqual({ kind: 'resource', pods: 10 });
  });

  it('calls anything else "other"', () => {
    for (const name of [
      '',
      'density',
      'density_create_batch_105_0',
      'density_create_batch_lots_0_0',
      'density_create_batch_105_0_0_5_1',
      'density_create_batch_105_0_0_x',
      'density__batch_105_0_0',
      'resource_',
      'resource_-1',
      'resource_10_20',
      'node_startup_latency',
    ]) {
      expect(parseTestOptions(name), name).toEqual({ kind: 'other' });
    }
  });

  it('never throws and round-trips density names (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(['density', 'resource', 'other']).toContain(parseTestOptions(s).kind);
      }),
    );
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(100), fc.nat(10000), fc.nat(50), (pods, bg, interval, qps) => {
        const opts = parseTestOptions(`density_create_sequence_${pods}_${bg}_${interval}_${qps}`);
        expect(opts).toEqual({ kind: 'density', operation: 'create', mode: 'sequence', pods, backgroundPods: bg, intervalMs: interval, qps });
      }),
    );
  });
});

describe('describeTestOptions', () => {
  it('says what a test does in words', () => {
    expect(describeTestOptions(parseTestOptions('density_create_batch_105_0_0_5'))).toBe(
      'create 105 pods in batch, 0 background pods, 0 ms interval, QPS limit 5',
    );
    expect(describeTestOptions(parseTestOptions('density_create_sequence_35_1_100'))).toBe(
      'create 35 pods in sequence, 1 background pod, 100 ms interval',
    );
    expect(describeTestOptions(parseTestOptions('resource_1'))).toBe('resource usage with 1 pod');
    expect(describeTestOptions(parseTestOptions('node_startup_latency'))).toBe('other test');
  });
});
