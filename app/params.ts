// The URL is the state of every view: how pages and their JSON twins read
// selections from query parameters, and how links write them back, so one
// parser serves both and a copied link reproduces the view.
import type { BuildRangeQuery } from '@/lib/queries/builds';
import { AGGREGATES, isAggregate, type Aggregate } from '@/lib/queries/comparison';
import { BadRequest } from '@/lib/server/api';

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

export function intOf(p: Params, name: string): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequest(`${name} must be a whole number, got "${v}"`);
  return Number(v);
}

/**
 * The build range: `last=N` (default 50) or `last=all`, optionally within
 * `builds=A-B` (either bound may be left out: `builds=1800-`).
 */
export function rangeOf(p: Params): BuildRangeQuery & { lastParam: string } {
  const lastParam = one(p, 'last') ?? String(DEFAULT_LAST);
  if (lastParam !== 'all' && !/^\d+$/.test(lastParam)) throw new BadRequest(`last must be a number of builds or "all", got "${lastParam}"`);
  const range: BuildRangeQuery & { lastParam: string } = { lastParam };
  if (lastParam !== 'all' && Number(lastParam) > 0) range.last = Number(lastParam);
  const builds = one(p, 'builds');
  if (builds !== undefined) {
    const m = /^(\d*)-(\d*)$/.exec(builds) ?? /^(\d+)()$/.exec(builds);
    if (!m) throw new BadRequest(`builds must be a range like 1800-1850, got "${builds}"`);
    if (m[1]) range.from = Number(m[1]);
    if (m[2]) range.to = Number(m[2]);
    else if (!builds.includes('-')) range.to = range.from;
  }
  return range;
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

export function jobPath(job: string, page: 'builds' | 'compare' | 'tracing'): string {
  return `/jobs/${encodeURIComponent(job)}/${page}`;
}

export function seriesPath(job: string, build: number): string {
  return `/jobs/${encodeURIComponent(job)}/builds/${build}/series`;
}
