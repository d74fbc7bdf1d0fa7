// SLO rules: config parsing and its error messages, globs, and pass/fail.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLOS,
  SloConfigError,
  evaluateSlo,
  globMatch,
  nodeLabel,
  parseSloConfig,
  sloApplies,
  type SloRule,
} from '../lib/slo';

const FILE = 'data/slo.json';

function errorOf(text: string): string {
  try {
    parseSloConfig(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(SloConfigError);
    return (e as Error).message;
  }
  throw new Error('parseSloConfig accepted the config');
}

const rule = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'p99',
  test: 'density_*',
  metric: 'latency',
  stat: 'Perc99',
  threshold: 5000,
  direction: 'max',
  ...over,
});

const config = (...rules: unknown[]): string => JSON.stringify({ slos: rules }, null, 2);

describe('parseSloConfig', () => {
  it('reads rules with their optional fields', () => {
    const text = config(
      rule(),
      rule({ name: 'cpu', test: 'resource_*', node: 'cos-*', metric: 'kubelet_cpu', stat: 'Perc95', threshold: 300, direction: 'max', unit: 'mCPU', description: 'kubelet CPU' }),
      rule({ name: 'tput', metric: 'throughput', stat: 'batch', threshold: 10, direction: 'min' }),
    );
    expect(parseSloConfig(text, FILE)).toEqual([
      { name: 'p99', test: 'density_*', metric: 'latency', stat: 'Perc99', threshold: 5000, direction: 'max' },
      { name: 'cpu', test: 'resource_*', node: 'cos-*', metric: 'kubelet_cpu', stat: 'Perc95', threshold: 300, direction: 'max', unit: 'mCPU', description: 'kubelet CPU' },
      { name: 'tput', test: 'density_*', metric: 'throughput', stat: 'batch', threshold: 10, direction: 'min' },
    ]);
  });

  it('accepts an empty list', () => {
    expect(parseSloConfig('{"slos": []}', FILE)).toEqual([]);
  });

  it('names the file and the JSON path of a wrong field', () => {
    expect(errorOf(config(rule(), rule({ name: 'b' }), rule({ name: 'c', threshold: '5s' })))).toBe(
      'data/slo.json: slos[2].threshold: expected a number, got the string "5s"',
    );
    expect(errorOf(config(rule({ threshold: undefined })))).toBe(
      'data/slo.json: slos[0].threshold: expected a number, got nothing',
    );
    expect(errorOf(config(rule({ metric: 'latencies' })))).toBe(
      'data/slo.json: slos[0].metric: expected one of latency, throughput, kubelet_cpu, kubelet_memory, runtime_cpu, runtime_memory, got "latencies"',
    );
    expect(errorOf(config(rule({ direction: 'below' })))).toBe(
      'data/slo.json: slos[0].direction: expected "max" or "min", got the string "below"',
    );
    expect(errorOf(config(rule({ test: '' })))).toBe('data/slo.json: slos[0].test: expected a non-empty string');
    expect(errorOf(config(rule({ node: 3 })))).toBe('data/slo.json: slos[0].node: expected a string, got the number 3');
    expect(errorOf(config(rule({ stat: null })))).toBe('data/slo.json: slos[0].stat: expected a string, got null');
  });

  it('rejects unknown keys, so a typo cannot turn a rule off', () => {
    expect(errorOf(config(rule({ treshold: 1 })))).toBe(
      'data/slo.json: slos[0].treshold: unknown key (expected one of name, test, node, metric, stat, threshold, direction, unit, description)',
    );
    expect(errorOf('{"slos": [], "version": 2}')).toBe('data/slo.json: version: unknown key (expected "slos")');
  });

  it('rejects duplicate names and wrong shapes', () => {
    expect(errorOf(config(rule(), rule()))).toBe('data/slo.json: slos[1].name: duplicate name "p99"');
    expect(errorOf('[]')).toBe('data/slo.json: $: expected an object with "slos", got an array');
    expect(errorOf('{"slos": {}}')).toBe('data/slo.json: slos: expected an array, got an object');
    expect(errorOf('{}')).toBe('data/slo.json: slos: expected an array, got nothing');
    expect(errorOf('{"slos": ["p99"]}')).toBe('data/slo.json: slos[0]: expected an object, got the string "p99"');
  });

  it('gives the line and column of a JSON syntax error', () => {
    expect(errorOf('{\n  "slos": [\n    {"name": "a",}\n  ]\n}')).toBe(
      'data/slo.json: line 3, column 18: invalid JSON: Expected double-quoted property name',
    );
    expect(errorOf('{\n  "slos": [\n    {"name": tru}\n  ]\n}')).toBe(
      "data/slo.json: line 3, column 17: invalid JSON: Unexpected token '}'",
    );
    expect(errorOf('{"slos": [\n')).toBe('data/slo.json: line 2, column 1: invalid JSON: Unexpected end of JSON input');
    expect(errorOf('')).toBe('data/slo.json: line 1, column 1: invalid JSON: Unexpected end of JSON input');
  });
});

describe('globMatch', () => {
  it('matches * as any run and ? as one character, over the whole string', () => {
    expect(globMatch('density_*', 'density_create_batch_105_0_0')).toBe(true);
    expect(globMatch('density_*', 'resource_0')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('resource_?', 'resource_0')).toBe(true);
    expect(globMatch('resource_?', 'resource_35')).toBe(false);
    expect(globMatch('*_105_*', 'density_create_batch_105_0_0')).toBe(true);
    expect(globMatch('*a*b*c', 'xaybzbc')).toBe(true);
    expect(globMatch('*a*b*c', 'xaybzbcd')).toBe(false);
    expect(globMatch('Density_*', 'density_x')).toBe(false);
    expect(globMatch('cos-* / *core*', 'cos-stable-109 / cpu:2core,memory:7.5GB')).toBe(true);
  });
});

describe('sloApplies', () => {
  const node = { image: 'cos-stable-109', machine: 'cpu:2core,memory:7.5GB' };

  it('matches the node glob against "image / machine", any node when absent', () => {
    const r = DEFAULT_SLOS[0];
    expect(nodeLabel(node)).toBe('cos-stable-109 / cpu:2core,memory:7.5GB');
    expect(sloApplies(r, 'density_create_batch_105_0_0', node)).toBe(true);
    expect(sloApplies(r, 'resource_35', node)).toBe(false);
    expect(sloApplies({ ...r, node: 'ubuntu-* / *' }, 'density_create_batch_105_0_0', node)).toBe(false);
    expect(sloApplies({ ...r, node: '* / cpu:2core*' }, 'density_create_batch_105_0_0', node)).toBe(true);
  });
});

describe('evaluateSlo', () => {
  const max: SloRule = { name: 'p99', test: '*', metric: 'latency', stat: 'Perc99', threshold: 5000, direction: 'max' };
  const min: SloRule = { ...max, name: 'tput', metric: 'throughput', stat: 'batch', threshold: 10, direction: 'min' };

  it('passes a max rule at or under the threshold and a min rule at or over it', () => {
    expect(evaluateSlo(max, 5000)).toEqual({ ok: true });
    expect(evaluateSlo(max, 5000.5)).toEqual({ ok: false });
    expect(evaluateSlo(min, 10)).toEqual({ ok: true });
    expect(evaluateSlo(min, 9.9)).toEqual({ ok: false });
  });

  it('has no verdict without a value', () => {
    expect(evaluateSlo(max, undefined)).toEqual({ ok: null });
    expect(evaluateSlo(max, NaN)).toEqual({ ok: null });
  });
});

describe('DEFAULT_SLOS', () => {
  it('holds the pod startup SLO and example kubelet and runtime ceilings', () => {
    expect(DEFAULT_SLOS.map((r) => [r.name, r.test, r.metric, r.stat, r.direction, r.threshold, r.unit])).toEqual([
      ['pod-startup-p99', 'density_*', 'latency', 'Perc99', 'max', 5000, 'ms'],
      ['kubelet-cpu-p95', 'resource_*', 'kubelet_cpu', 'Perc95', 'max', 350, 'mCPU'],
      ['kubelet-memory-rss', 'resource_*', 'kubelet_memory', 'rss', 'max', 200, 'MB'],
      ['runtime-cpu-p95', 'resource_*', 'runtime_cpu', 'Perc95', 'max', 400, 'mCPU'],
      ['runtime-memory-rss', 'resource_*', 'runtime_memory', 'rss', 'max', 400, 'MB'],
    ]);
  });

  it('survives a round trip through the config format', () => {
    expect(parseSloConfig(JSON.stringify({ slos: DEFAULT_SLOS }), FILE)).toEqual(DEFAULT_SLOS);
  });
});
