// Odd URL parameters against the running server (`kpd serve` on a small demo
// database): huge, negative and non-numeric numbers, unicode, long strings,
// path traversal, markup and repeated parameters, in the query and in the
// path segments of every GET route of /api/v1 and of every page. Never a 5xx;
// the API answers JSON (an `error` message when it refuses); a page never
// sends the markup it was given back unescaped. Next.js's redirects (`//`, a
// trailing slash) are answers too.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';
import { KPD } from '../kpd';

/** Marks markup that must never come back as markup. */
const MARKUP = '<kpd-fuzz x="1">';
const ODD: readonly string[] = [
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616' + '0'.repeat(30),
  '-1',
  '0',
  '00000000000000000000000000001',
  '1.5',
  '1e308',
  '0x10',
  'NaN',
  'Infinity',
  ' 1',
  '١٢٣',
  '日本語',
  '😀',
  '\u0000',
  '\uFFFF',
  'all',
  '-',
  '1-',
  '-1-2',
  '1800-1850-1900',
  ',,,',
  'null',
  '[]',
  '{}',
  '%',
  '%zz',
  '../../../etc/passwd',
  '..\\..\\windows',
  '/',
  'a'.repeat(500),
  MARKUP,
  `"'><script>alert(1)</script>`,
];
const NAMES = [
  'last', 'builds', 'build', 'test', 'image', 'machine', 'metric', 'probes', 'sel', 'agg', 'x', 'instance', 'context', 'from', 'to',
  'page', 'state', 'a', 'b', 'base', 'pod', 'limit', 'around', 'line', 'replace',
];

let dir: string;
let server: RunningServer;
let job: string;
let build: string;
let pod: string;

/** Paths with `{job}`, `{build}` and `{pod}` where the real ones go. */
let routes: string[];

beforeAll(async () => {
  dir = tempDir('kpd-fuzz-routes-');
  const db = path.join(dir, 'kpd.db');
  const demo = spawnSync(process.execPath, [KPD, 'demo', '--builds', '3', '--db', db, '--out', path.join(dir, 'demo'), '--json'], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`kpd demo failed:\n${demo.stderr}`);
  const d = new Database(db, { readonly: true });
  job = (d.prepare('SELECT name FROM jobs').get() as { name: string }).name;
  build = (d.prepare('SELECT number FROM builds ORDER BY sort_key DESC').get() as { number: string }).number;
  pod = (d.prepare("SELECT pod FROM probe_events WHERE pod IS NOT NULL AND source = 'kubelet'").get() as { pod: string }).pod;
  d.close();
  server = await startServer(db);
  const J = '{job}';
  const B = `/jobs/${J}/builds/{build}`;
  routes = [
    '/api/v1/health',
    '/api/v1/jobs',
    `/api/v1/jobs/${J}/builds`,
    `/api/v1${B}/pods/{pod}`,
    ...['alerts', 'charts', 'compare', 'metrics', 'options', 'regressions', 'series', 'slo', 'trace', 'tracing'].map((r) => `/api/v1/jobs/${J}/${r}`),
    '/',
    `/jobs/${J}`,
    `/jobs/${J}/builds`,
    `/jobs/${J}/compare`,
    `/jobs/${J}/tracing`,
    `/jobs/${J}/regressions`,
    `${B}/series`,
    `${B}/pods/{pod}`,
  ];
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

/** The route with its path parameters: the real ones, or `odd` in the one named. */
function url(route: string, query: [string, string][], odd?: { name: 'job' | 'build' | 'pod'; value: string; raw: boolean }): string {
  const real = { job, build, pod };
  const segment = (name: 'job' | 'build' | 'pod') =>
    odd?.name === name ? (odd.raw ? odd.value : encodeURIComponent(odd.value)) : encodeURIComponent(real[name]);
  const p = route.replace(/\{(job|build|pod)\}/g, (_, name: 'job' | 'build' | 'pod') => segment(name));
  const q = new URLSearchParams(query).toString();
  return server.url + p + (q ? `?${q}` : '');
}

interface Problem {
  url: string;
  status: number;
  why: string;
}

/** What is wrong with the answer to `u`, if anything. */
async function check(u: string): Promise<Problem | undefined> {
  const r = await fetch(u, { redirect: 'manual' });
  const body = await r.text();
  const bad = (why: string) => ({ url: u.slice(0, 300), status: r.status, why: `${why}: ${body.slice(0, 200)}` });
  if (r.status >= 500) return bad('a server error');
  // Next.js's own redirects: `//` and a trailing slash or space are tidied.
  if (r.status >= 300 && r.status < 400) return r.headers.get('location') ? undefined : bad('a redirect to nowhere');
  // `..` in a raw path segment can lead out of /api (fetch resolves it), or to a route without GET.
  const api = new URL(u).pathname.startsWith('/api/');
  if (api && r.status !== 405) {
    if (!(r.headers.get('content-type') ?? '').startsWith('application/json')) return bad(`not JSON (${r.headers.get('content-type')})`);
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return bad('JSON that does not parse');
    }
    if (r.status >= 400 && typeof (doc as { error?: unknown }).error !== 'string') return bad('an error without a message');
  }
  if (!api && (body.includes('<kpd-fuzz') || body.includes('<script>alert(1)'))) return bad('markup sent back unescaped');
  return undefined;
}

/** Checks every URL, a few at a time, and returns the problems. */
async function checkAll(cases: { url: string }[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      const p = await check(c.url);
      if (p) problems.push(p);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return problems;
}

describe('odd route parameters against a running server', () => {
  it('every odd value in every query parameter at once, and repeated after a good one: never a 5xx, JSON errors from the API, no markup echoed', async () => {
    const cases = routes.flatMap((route) =>
      ODD.flatMap((v) => [
        { url: url(route, NAMES.map((n) => [n, v])) },
        { url: url(route, [['last', '5'], ['last', v], ['test', v], ['test', v]]) },
      ]),
    );
    expect(await checkAll(cases)).toEqual([]);
  }, 600_000);

  it('every odd value as the job, the build and the pod of the path, encoded and raw: the same', async () => {
    const cases = routes.flatMap((route) =>
      (['job', 'build', 'pod'] as const)
        .filter((name) => route.includes(`{${name}}`))
        .flatMap((name) => ODD.flatMap((value) => [true, false].map((raw) => ({ url: url(route, [], { name, value, raw }) })))),
    );
    expect(await checkAll(cases)).toEqual([]);
  }, 600_000);

  it('random mixes of parameters, values and path segments (seeded): the same', async () => {
    const value = fc.oneof(fc.constantFrom(...ODD), fc.string({ unit: 'binary', maxLength: 30 }), fc.bigInt().map(String), fc.double().map(String));
    const samples = fc.sample(
      fc.record({
        route: fc.nat(1000),
        query: fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 6 }),
        odd: fc.option(fc.record({ name: fc.constantFrom<'job' | 'build' | 'pod'>('job', 'build', 'pod'), value, raw: fc.boolean() }), { nil: undefined }),
      }),
      { seed: 20261202, numRuns: 300 },
    );
    const cases = samples.map((s) => {
      const route = routes[s.route % routes.length];
      return { url: url(route, s.query, s.odd) };
    });
    expect(await checkAll(cases)).toEqual([]);
  }, 600_000);

  it('a page that shows a refused parameter shows it escaped', async () => {
    const r = await fetch(url('/jobs/{job}/builds', [['last', MARKUP]]));
    const body = await r.text();
    expect(r.status).toBe(200);
    expect(body).toContain('last must be a number of builds or &quot;a');
    expect(body).not.toContain(MARKUP);
  });
});
