// SLO rules: which runs they cover (globs on test and node), which metric
// stat they bound, and the pure checks. Reading the values from the
// database is the query side's job; this module never touches it.

import { UserError } from './errors';
import { METRIC_NAMES, isMetricName, type MetricName, type NodeConfig } from './model';
import { jsonErrorOffset } from './jsonerror';

export interface SloRule {
  name: string;
  /** Glob on the test short name, e.g. `density_*`. */
  test: string;
  /** Glob on `image / machine` (see nodeLabel); `*` when absent. */
  node?: string;
  metric: MetricName;
  stat: string;
  threshold: number;
  /** `max`: the value must be <= threshold; `min`: >= threshold. */
  direction: 'max' | 'min';
  unit?: string;
  description?: string;
}

export interface SloEvaluation {
  /** null when there is no value to judge. */
  ok: boolean | null;
}

export class SloConfigError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'SloConfigError';
  }
}

/**
 * The Kubernetes pod startup SLO, and example kubelet and runtime ceilings
 * taken from the limits of the node e2e resource usage test (10 pods); users
 * set their own per node type in a config file.
 */
export const DEFAULT_SLOS: SloRule[] = [
  {
    name: 'pod-startup-p99',
    test: 'density_*',
    metric: 'latency',
    stat: 'Perc99',
    threshold: 5000,
    direction: 'max',
    unit: 'ms',
    description: 'Kubernetes pod startup SLO: 99th percentile of pod startup latency is at most 5 s',
  },
  {
    name: 'kubelet-cpu-p95',
    test: 'resource_*',
    metric: 'kubelet_cpu',
    stat: 'Perc95',
    threshold: 350,
    direction: 'max',
    unit: 'mCPU',
    description: 'Example ceiling: 95th percentile of kubelet CPU usage; set per node type',
  },
  {
    name: 'kubelet-memory-rss',
    test: 'resource_*',
    metric: 'kubelet_memory',
    stat: 'rss',
    threshold: 200,
    direction: 'max',
    unit: 'MB',
    description: 'Example ceiling: kubelet resident memory; set per node type',
  },
  {
    name: 'runtime-cpu-p95',
    test: 'resource_*',
    metric: 'runtime_cpu',
    stat: 'Perc95',
    threshold: 400,
    direction: 'max',
    unit: 'mCPU',
    description: 'Example ceiling: 95th percentile of container runtime CPU usage; set per node type',
  },
  {
    name: 'runtime-memory-rss',
    test: 'resource_*',
    metric: 'runtime_memory',
    stat: 'rss',
    threshold: 400,
    direction: 'max',
    unit: 'MB',
    description: 'Example ceiling: container runtime resident memory; set per node type',
  },
];

/** The string a rule's `node` glob is matched against. */
export function nodeLabel(node: NodeConfig): string {
  return `${node.image} / ${node.machine}`;
}

/** True when the rule covers this test on this node configuration. */
export function sloApplies(rule: SloRule, test: string, node: NodeConfig): boolean {
  return globMatch(rule.test, test) && globMatch(rule.node ?? '*', nodeLabel(node));
}

export function evaluateSlo(rule: SloRule, value: number | undefined): SloEvaluation {
  if (value === undefined || Number.isNaN(value)) return { ok: null };
  return { ok: rule.direction === 'max' ? value <= rule.threshold : value >= rule.threshold };
}

/**
 * Whole-string glob match, case-sensitive: `*` is any run of characters
 * (also none), `?` is one character, everything else is literal. Greedy with
 * one backtrack point, so linear-ish and immune to pathological patterns.
 */
export function globMatch(pattern: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let star = -1;
  let resume = 0;
  while (i < s.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === s[i]))) {
      p++;
      i++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = i;
    } else if (star >= 0) {
      p = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

const RULE_KEYS = ['name', 'test', 'node', 'metric', 'stat', 'threshold', 'direction', 'unit', 'description'];

/**
 * Reads an SLO config: `{"slos": [rule, ...]}`. Strict: unknown keys, wrong
 * types and duplicate names are errors, so that a typo cannot silently turn
 * a rule off. Errors name the file and the JSON path of the problem.
 */
export function parseSloConfig(text: string, file: string): SloRule[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SloConfigError(`${file}: ${jsonSyntaxMessage(text, e instanceof Error ? e.message : String(e))}`);
  }
  const fail = (path: string, message: string): never => {
    throw new SloConfigError(`${file}: ${path}: ${message}`);
  };
  if (!isObject(doc)) return fail('$', `expected an object with "slos", got ${describe(doc)}`);
  for (const key of Object.keys(doc)) if (key !== 'slos') fail(key, 'unknown key (expected "slos")');
  const slos = doc.slos;
  if (!Array.isArray(slos)) return fail('slos', `expected an array, got ${describe(slos)}`);
  const seen = new Set<string>();
  return slos.map((raw: unknown, k) => {
    const at = `slos[${k}]`;
    if (!isObject(raw)) return fail(at, `expected an object, got ${describe(raw)}`);
    for (const key of Object.keys(raw)) {
      if (!RULE_KEYS.includes(key)) fail(`${at}.${key}`, `unknown key (expected one of ${RULE_KEYS.join(', ')})`);
    }
    const text = (key: string, optional: boolean): string | undefined => {
      const v = raw[key];
      if (v === undefined && optional) return undefined;
      if (typeof v !== 'string') return fail(`${at}.${key}`, `expected a string, got ${describe(v)}`);
      if (v.trim() === '') return fail(`${at}.${key}`, 'expected a non-empty string');
      return v;
    };
    const name = text('name', false)!;
    if (seen.has(name)) fail(`${at}.name`, `duplicate name "${name}"`);
    seen.add(name);
    const metric = text('metric', false)!;
    if (!isMetricName(metric)) fail(`${at}.metric`, `expected one of ${METRIC_NAMES.join(', ')}, got "${metric}"`);
    const threshold = raw.threshold;
    if (typeof threshold !== 'number') return fail(`${at}.threshold`, `expected a number, got ${describe(threshold)}`);
    const direction = raw.direction;
    if (direction !== 'max' && direction !== 'min') {
      return fail(`${at}.direction`, `expected "max" or "min", got ${describe(direction)}`);
    }
    const rule: SloRule = {
      name,
      test: text('test', false)!,
      metric: metric as MetricName,
      stat: text('stat', false)!,
      threshold,
      direction,
    };
    const node = text('node', true);
    const unit = text('unit', true);
    const description = text('description', true);
    if (node !== undefined) rule.node = node;
    if (unit !== undefined) rule.unit = unit;
    if (description !== undefined) rule.description = description;
    return rule;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}

/** V8's message, with where the problem is as a line and column, which people can find. */
export function jsonSyntaxMessage(text: string, message: string): string {
  const at = / at position (\d+)/.exec(message);
  const reason = message
    .replace(/ at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/ in JSON$/, '')
    // V8 quotes the text around the problem, cut with `...` before, after or both: it may span lines.
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
  const offset = at ? Number(at[1]) : (jsonErrorOffset(text) ?? text.length);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}: invalid JSON: ${reason}`;
}
