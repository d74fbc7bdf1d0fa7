// The strict reading shared by kpd's hand-written JSON config files (the SLO
// rules, the jobs to follow): a top-level object holding one list of objects,
// where a syntax error names its line and column and any other problem names
// the file and the JSON path of the value, so that a typo can never silently
// turn a rule or a job off.
import { jsonErrorOffset } from './jsonerror';

export type ConfigObject = Record<string, unknown>;

/** Throws the config's error for the value at a JSON path. */
export type Fail = (path: string, message: string) => never;

export interface ConfigItem {
  raw: ConfigObject;
  /** Its JSON path: `slos[3]`. */
  at: string;
  /** The string at `key` of the item; undefined only when optional and absent. */
  text(key: string, optional: boolean): string | undefined;
}

export function isObject(v: unknown): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as an error message names it: `the string "x"`, `an array`, `nothing`. */
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

/**
 * Reads `{"<list>": [{…}, …]}` from a config file's text: only `list` at the
 * top, only `keys` in its objects. Every error is made by `error` from
 * `<file>: <path>: <message>`; `fail` makes more of them for the caller's own checks.
 */
export function readConfigList(
  text: string,
  file: string,
  list: string,
  keys: readonly string[],
  error: (message: string) => Error,
): { items: ConfigItem[]; fail: Fail } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw error(`${file}: ${jsonSyntaxMessage(text, e instanceof Error ? e.message : String(e))}`);
  }
  const fail: Fail = (path, message) => {
    throw error(`${file}: ${path}: ${message}`);
  };
  if (!isObject(doc)) return fail('$', `expected an object with "${list}", got ${describe(doc)}`);
  for (const key of Object.keys(doc)) if (key !== list) fail(key, `unknown key (expected "${list}")`);
  const values = doc[list];
  if (!Array.isArray(values)) return fail(list, `expected an array, got ${describe(values)}`);
  const items = values.map((raw: unknown, k): ConfigItem => {
    const at = `${list}[${k}]`;
    if (!isObject(raw)) return fail(at, `expected an object, got ${describe(raw)}`);
    for (const key of Object.keys(raw)) {
      if (!keys.includes(key)) fail(`${at}.${key}`, `unknown key (expected one of ${keys.join(', ')})`);
    }
    const text = (key: string, optional: boolean): string | undefined => {
      const v = raw[key];
      if (v === undefined && optional) return undefined;
      if (typeof v !== 'string') return fail(`${at}.${key}`, `expected a string, got ${describe(v)}`);
      if (v.trim() === '') return fail(`${at}.${key}`, 'expected a non-empty string');
      return v;
    };
    return { raw, at, text };
  });
  return { items, fail };
}
