// The URL is the state of every view: how pages and their JSON twins read
// selections from query parameters, and how links write them back, so one
// parser serves both and a copied link reproduces the view.
import type { BuildRangeQuery } from '@/lib/queries/builds';
import { AGGREGATES, isAggregate, type Aggregate } from '@/lib/queries/comparison';
import { BadRequest } from '@/lib/server/api';
import { BuildIdError, parseBuildId, type BuildId } from '@/lib/build-id';

/** Next.js page searchParams, or a URLSearchParams turned into the same shape. */
export type Params = Record<string, string | string[] | undefined>;

export const DEFAULT_LAST = 50;

export function paramsOf(search: URLSearchParams): Params {
  const out: Params = {};
  for (const [k, v] of search) {
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}

export function one(p: Params, name: string): string | undefined {
  const v = p[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function all(p: Params, name: string): string[] {
  const v = p[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((s) => s !== '');
}

/** A count such as `last`: a whole number; beyond MAX_COUNT it means "all of them". */
export function countOf(p: Params, name: string): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequest(`${name} must be a whole number, got ${JSON.stringify(v.slice(0, 40))}`);
  return v.length > 9 ? MAX_COUNT : Math.min(Number(v), MAX_COUNT);
}

/** Counts are capped here: more builds than any job has, and well inside SQLite's integers. */
export const MAX_COUNT = 1_000_000_000;

/** A build ID parameter: its exact digits (Prow IDs have 19, beyond a JavaScript number). */
export function buildOf(p: Params, name = 'build'): BuildId | undefined {
  const v = one(p, name);
  return v === undefined ? undefined : checkedBuild(v, name);
}

export function checkedBuild(v: string, name: string): BuildId {
  try {
    return parseBuildId(v, name);
  } catch (e) {
    if (e instanceof BuildIdError) throw new BadRequest(e.message);
    throw e;
  }
}

/**
 * The build range, one rule for every page and its JSON twin: `last=N`
 * (default 50, or `all`) counts back from the newest build; an explicit
 * `builds=A-B` (either bound may be left out: `builds=1800-`) shows every
 * build inside it, unless `last` is given too: then the last N within A-B.
 * `describeRange` says which applies.
 */
export function rangeOf(p: Params): BuildRangeQuery & { lastParam: string } {
  const builds = one(p, 'builds');
  const lastParam = one(p, 'last') ?? (builds === undefined ? String(DEFAULT_LAST) : 'all');
  if (lastParam !== 'all' && !/^\d+$/.test(lastParam)) {
    throw new BadRequest(`last must be a number of builds or "all", got ${JSON.stringify(lastParam.slice(0, 40))}`);
  }
  const range: BuildRangeQuery & { lastParam: string } = { lastParam };
  const last = lastParam === 'all' ? undefined : countOf({ last: lastParam }, 'last');
  if (last) range.last = last;
  if (builds !== undefined) {
    const m = /^(\d*)-(\d*)$/.exec(builds) ?? /^(\d+)()$/.exec(builds);
    if (!m) throw new BadRequest(`builds must be a range of build IDs like 1800-1850, got ${JSON.stringify(builds.slice(0, 60))}`);
    if (m[1]) range.from = checkedBuild(m[1], 'the first build of builds=');
    if (m[2]) range.to = checkedBuild(m[2], 'the last build of builds=');
    else if (!builds.includes('-')) range.to = range.from;
  }
  return range;
}

/** Which part of the range rule applies, in words: "the last 50 builds", "builds 1800–1850", "the last 10 builds within 1800–". */
export function describeRange(r: BuildRangeQuery): string {
  const bounded = r.from !== undefined || r.to !== undefined;
  const span = r.from !== undefined && r.from === r.to ? `build ${r.from}` : `builds ${r.from ?? 'first'}–${r.to ?? 'newest'}`;
  if (!bounded) return r.last ? `the last ${r.last} builds` : 'all builds';
  return r.last ? `the last ${r.last} builds within ${span}` : `every build of ${span}`;
}

/** The x axis of charts across builds: `x=time` for the builds' start times, else one step per build. */
export function xModeOf(p: Params): 'builds' | 'time' {
  return one(p, 'x') === 'time' ? 'time' : 'builds';
}

/** The y axis of charts across builds: `y=log` for a logarithmic one, else linear. */
export function yScaleOf(p: Params): 'linear' | 'log' {
  return one(p, 'y') === 'log' ? 'log' : 'linear';
}

export function selectionOf(p: Params): { test?: string; image?: string; machine?: string } {
  return { test: one(p, 'test'), image: one(p, 'image'), machine: one(p, 'machine') };
}

/** A comparison entry in the URL: `sel=test|image|machine`. */
export function encodeSel(s: { test: string; image?: string; machine?: string }): string {
  return [s.test, s.image ?? '', s.machine ?? ''].join('|');
}

export function decodeSel(v: string): { test: string; image?: string; machine?: string } {
  const [test, image, machine] = v.split('|');
  return { test, ...(image ? { image } : {}), ...(machine ? { machine } : {}) };
}

export function aggregateOf(p: Params): Aggregate {
  const a = one(p, 'agg') ?? 'median';
  if (!isAggregate(a)) throw new BadRequest(`agg must be one of ${AGGREGATES.join(', ')}`);
  return a;
}

type QueryValue = string | number | undefined | null | readonly string[];

/** A path with query parameters, leaving out empty ones; repeated for arrays. */
export function href(path: string, q: Record<string, QueryValue>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) s.append(k, x);
    else s.set(k, String(v));
  }
  const qs = s.toString();
  return qs ? `${path}?${qs}` : path;
}

export function jobPath(job: string, page: 'builds' | 'compare' | 'tracing' | 'regressions'): string {
  return `/jobs/${encodeURIComponent(job)}/${page}`;
}

export function seriesPath(job: string, build: BuildId): string {
  return `/jobs/${encodeURIComponent(job)}/builds/${build}/series`;
}

/** One pod's page: `ns/name` as one path segment. */
export function podPath(job: string, build: BuildId, pod: string): string {
  return `/jobs/${encodeURIComponent(job)}/builds/${build}/pods/${encodeURIComponent(pod)}`;
}
