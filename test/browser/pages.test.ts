// Every page on a `kpd demo` database in a real Chromium: charts draw (SVG
// paths, axis labels), tooltips show the API's numbers, selections change the
// URL and a copied URL reproduces the view; screenshots go to test-results/.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { formatValue } from '../../app/components/format';
import { api, launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const UBUNTU = 'ubuntu-gke-2204-1-28-v20241030';
const base = inject('baseUrl');

let browser: BrowserContext;
let page: Page;
/** The demo's builds, oldest first: Prow IDs of 19 digits, with versions. */
let builds: { number: string; version: string | null; result: string | null; links: { prow: string | null } }[];
let FIRST: string;
let LAST: string;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  builds = (await api<{ builds: typeof builds }>(`/api/v1/jobs/${JOB}/builds`)).builds;
  FIRST = builds[0].number;
  LAST = builds[builds.length - 1].number;
});
afterAll(async () => {
  await browser?.close();
});

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

async function open(path: string) {
  await page.goto(base + path, { waitUntil: 'networkidle' });
}

/** Hovers the last point of a line chart and returns the tooltip's build and values per stat. */
async function lastPointTooltip(chart: string): Promise<{ build: string; meta: string; values: Record<string, string> }> {
  const dots = page.locator(`[data-chart="${chart}"] .recharts-line-dots`).first().locator('circle');
  await dots.last().hover();
  const tip = page.locator(`[data-tooltip="${chart}"]`);
  await tip.waitFor();
  const values: Record<string, string> = {};
  for (const row of await tip.locator('[data-stat]').all()) {
    values[(await row.getAttribute('data-stat'))!] = (await row.locator('[data-value]').textContent())!;
  }
  return { build: (await tip.locator('[data-build]').textContent())!, meta: (await tip.locator('[data-build-meta]').textContent())!, values };
}

/** Clicks a point as a person does: hover until the tooltip shows, then click (the active dot sits on top of it). */
async function clickPoint(chart: string, which: 'first' | 'last') {
  const dots = page.locator(`[data-chart="${chart}"] .recharts-line-dots`).first().locator('circle');
  const dot = which === 'first' ? dots.first() : dots.last();
  await dot.hover();
  await page.locator(`[data-tooltip="${chart}"]`).waitFor();
  await dot.click({ force: true });
}

describe('Overview', () => {
  it('lists the demo job with its builds and links to it', async () => {
    await open('/');
    const row = page.locator(`[data-job="${JOB}"]`);
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('12');
    const slo = await api<{ ok: boolean; results: { ok: boolean | null }[] }>(`/api/v1/jobs/${JOB}/slo`);
    const violations = slo.results.filter((r) => r.ok === false).length;
    await expect(row.locator('[data-slo]').textContent()).resolves.toBe(slo.ok ? 'met' : `${violations} violated`);
    const { jobs } = await api<{ jobs: { job: string; alerts: { test: string }[] }[] }>('/api/v1/jobs');
    const fresh = jobs.find((j) => j.job === JOB)!.alerts;
    const cell = await row.locator('[data-alerts]').textContent();
    expect(cell).toEqual(fresh.length ? expect.stringMatching(new RegExp(`^${fresh.length} new ${fresh[0].test}: `)) : 'none');
    await page.screenshot({ path: shot('overview'), fullPage: true });
    await row.getByRole('link', { name: JOB }).click();
    await page.waitForURL(`**/jobs/${JOB}/builds`);
  });
});

describe('Builds', () => {
  it('draws the six charts with units, one step per build labelled by date, whatever the gap between IDs', async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    const charts = page.locator('figure[data-chart]');
    await expect(charts.count()).resolves.toBe(6);
    for (const id of ['latency', 'throughput', 'kubelet_cpu', 'kubelet_memory', 'runtime_cpu', 'runtime_memory']) {
      const fig = page.locator(`[data-chart="${id}"]`);
      await fig.locator('path.recharts-curve').first().waitFor();
      expect(await fig.locator('path.recharts-curve').count()).toBeGreaterThanOrEqual(2);
    }
    // Axis titles come first; SLO lines and regression markers add their own labels after them.
    const labels = (id: string) => page.locator(`[data-chart="${id}"] .recharts-label`).allTextContents();
    expect((await labels('latency')).slice(0, 2)).toEqual(['build', 'ms']);
    expect(await labels('latency')).toContain('pod-startup-p99: Perc99 ≤ 5000');
    expect((await labels('kubelet_memory')).slice(0, 2)).toEqual(['build', 'MB']);
    expect(FIRST).toMatch(/^\d{19}$/);
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(`builds ${FIRST}–${LAST} (12 of 12)`);
    // The demo builds every 8 hours over 4 days: ticks are dates (MM-DD), or times (HH:MM) after a tick of the same day.
    const ticks = await page.locator('[data-chart="latency"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks[0]).toMatch(/^\d\d-\d\d$/);
    for (const t of ticks) expect(t).toMatch(/^(\d\d-\d\d|\d\d:\d\d)$/);
    await expect(page.locator('[data-description]').textContent()).resolves.toBe('create 105 pods with 0s interval [Benchmark]');
    await page.screenshot({ path: shot('builds-1280'), fullPage: true });
  });

  it("shows the API's numbers in the tooltip, with the build's full ID, version and result", async () => {
    type Charts = { charts: { metric: string; points: { build: string; version: string; result: string; stats: Record<string, number> }[] }[] };
    const data = await api<Charts>(`/api/v1/jobs/${JOB}/charts?${q({ test: TEST, ...COS })}`);
    for (const metric of ['latency', 'kubelet_memory']) {
      const last = data.charts.find((c) => c.metric === metric)!.points.at(-1)!;
      const tip = await lastPointTooltip(metric);
      expect(tip.build).toBe(LAST);
      expect(last.build).toBe(LAST);
      expect(tip.meta).toContain(last.version);
      expect(tip.meta).toContain(last.result);
      expect(tip.values).toEqual(Object.fromEntries(Object.entries(last.stats).map(([k, v]) => [k, formatValue(v)])));
    }
  });

  it('puts the builds on a time axis one click away, and back', async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    await page.locator('[data-axis-toggle] a', { hasText: 'time' }).click();
    await page.waitForURL((u) => u.searchParams.get('x') === 'time');
    await expect(page.locator('[data-chart="latency"] .recharts-label').first().textContent()).resolves.toBe('build start (UTC)');
    await expect(page.locator('[data-chart="latency"] path.recharts-curve').count()).resolves.toBeGreaterThanOrEqual(2);
    await page.locator('[data-axis-toggle] a', { hasText: 'builds' }).click();
    await page.waitForURL((u) => !u.searchParams.has('x'));
    await expect(page.locator('[data-chart="latency"] .recharts-label').first().textContent()).resolves.toBe('build');
  });

  it('changes the node config and the range in the URL, and the URL reproduces the view', async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    await page.locator('[data-selbar] select[name="image"]').selectOption(UBUNTU);
    await page.waitForURL((u) => u.searchParams.get('image') === UBUNTU);
    await page.locator('[data-selbar] select[name="last"]').selectOption('10');
    await page.waitForURL((u) => u.searchParams.get('last') === '10');
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(`builds ${builds[2].number}–${LAST} (10 of 12)`);
    const url = page.url();
    const subject = await page.locator('[data-subject]').textContent();
    expect(new URL(url).searchParams.get('machine')).toBe('cpu:4core,memory:15GB');
    await open(url.slice(base.length));
    await expect(page.locator('[data-subject]').textContent()).resolves.toBe(subject);
  });

  it('chooses the test option by option', async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    await page.locator('[data-selbar] select[name="opt-intervalMs"]').selectOption('100');
    await page.waitForURL((u) => u.searchParams.get('test') === 'density_create_batch_105_0_100');
    await page.locator('[data-selbar] select[name="opt-pods"]').selectOption('10');
    await page.waitForURL((u) => u.searchParams.get('test') === 'density_create_batch_10_0_0');
    await expect(page.locator('.testname').textContent()).resolves.toBe('density_create_batch_10_0_0');
  });

  it("pins a clicked build with its links to Prow and to its time series, which opens", async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    await clickPoint('latency', 'last');
    const pinned = page.locator('[data-pinned="latency"]');
    await pinned.waitFor();
    await expect(pinned.locator('b').textContent()).resolves.toBe(LAST);
    await expect(pinned.locator('[data-link="prow"]').getAttribute('href')).resolves.toBe(
      `https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/${JOB}/${LAST}`,
    );
    expect(builds.at(-1)!.links.prow).toBe(`https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/${JOB}/${LAST}`);
    await pinned.locator('[data-link="series"]').click();
    await page.waitForURL(`**/jobs/${JOB}/builds/${LAST}/series?**`);
    expect(new URL(page.url()).searchParams.get('test')).toBe(TEST);
    await expect(page.locator('[data-build]').textContent()).resolves.toBe(LAST);
    await expect(page.locator('[data-version]').textContent()).resolves.toBe(builds.at(-1)!.version);
    await expect(page.locator('[data-link="prow"]').getAttribute('href')).resolves.toBe(builds.at(-1)!.links.prow);
  });

  it('works on a narrow window without sideways scrolling', async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    await page.locator('[data-chart="latency"] path.recharts-curve').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shot('builds-420'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('Time series', () => {
  it('draws the default probes, toggles the others into the URL, and draws CPU and memory', async () => {
    await open(`/jobs/${JOB}/builds/${LAST}/series?${q({ test: TEST, ...COS })}`);
    const probes = page.locator('[data-chart="probes"]');
    await probes.locator('path.recharts-curve').first().waitFor();
    await expect(probes.locator('path.recharts-curve').count()).resolves.toBe(4);
    await expect(probes.locator('.recharts-label').allTextContents()).resolves.toEqual(['seconds since the test started', 'pods']);
    await probes.locator('[data-probe="watch_observed_running"]').click();
    await page.waitForURL((u) => (u.searchParams.get('probes') ?? '').includes('watch_observed_running'));
    await expect(probes.locator('path.recharts-curve').count()).resolves.toBe(5);
    await open(page.url().slice(base.length));
    await expect(page.locator('[data-probe="watch_observed_running"]').getAttribute('aria-pressed')).resolves.toBe('true');
    for (const id of ['cpu', 'memory']) {
      await expect(page.locator(`[data-chart="${id}"] path.recharts-curve`).count()).resolves.toBe(2);
    }
    await expect(page.locator('[data-chart="cpu"] .recharts-label').allTextContents()).resolves.toEqual(['seconds since the test started', 'mCPU']);
    await page.screenshot({ path: shot('series'), fullPage: true });
  });
});

describe('Comparison', () => {
  it('adds selections from the Builds page and the bar, and shows the API aggregates', async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS })}`);
    await page.locator('[data-compare]').click();
    await page.waitForURL(`**/jobs/${JOB}/compare?**`);
    await page.locator('[data-selbar] select[name="image"]').selectOption(UBUNTU);
    await page.locator('[data-add]').click();
    await page.waitForURL((u) => u.searchParams.getAll('sel').length === 2);
    const sels = new URL(page.url()).searchParams.getAll('sel');
    expect(sels).toEqual([`${TEST}|${COS.image}|${COS.machine}`, `${TEST}|${UBUNTU}|cpu:4core,memory:15GB`]);
    const latency = page.locator('[data-chart="latency"]');
    await latency.locator('.recharts-bar-rectangle').first().waitFor();
    await expect(latency.locator('.recharts-bar-rectangle').count()).resolves.toBe(6);
    type Cmp = { charts: { metric: string; values: Record<string, { value: number }>[] }[] };
    const data = await api<Cmp>(`/api/v1/jobs/${JOB}/compare?${new URL(page.url()).searchParams}`);
    await latency.locator('.recharts-bar-rectangle').nth(1).hover();
    const tip = page.locator('[data-tooltip="latency"]');
    await tip.waitFor();
    const shown = await tip.locator('[data-stat="Perc50"] [data-value]').textContent();
    expect(shown).toBe(formatValue(data.charts[0].values[1].Perc50.value));
    await page.screenshot({ path: shot('compare'), fullPage: true });
    await page.locator('[data-selections] a.remove').first().click();
    await page.waitForURL((u) => u.searchParams.getAll('sel').length === 1);
  });
});

describe('Tracing', () => {
  it('plots the latency across builds and breaks down the chosen build, with the numbers of kpd trace', async () => {
    await open(`/jobs/${JOB}/tracing?${q({ test: TEST, ...COS })}`);
    await page.locator('[data-chart="trace"] path.recharts-curve').first().waitFor();
    await expect(page.locator('[data-chart="trace"] path.recharts-curve').count()).resolves.toBe(3);
    const trace = await api<{ p50: number; count: number; matchedBy: string }>(
      `/api/v1/jobs/${JOB}/trace?${q({ build: LAST, test: TEST, ...COS, from: 'pod_config_change', to: 'watch_observed_running' })}`,
    );
    await expect(page.locator('[data-trace] [data-k="p50"] .v').textContent()).resolves.toBe(`${formatValue(trace.p50)}ms`);
    await expect(page.locator('[data-trace] [data-k="count"] .v').textContent()).resolves.toBe(String(trace.count));
    await expect(page.locator('[data-chart="segments"] .recharts-bar-rectangle').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('[data-slowest] tbody tr').count()).resolves.toBe(15);
    await page.screenshot({ path: shot('tracing'), fullPage: true });
  });

  it('changes probes and build in the URL', async () => {
    await open(`/jobs/${JOB}/tracing?${q({ test: TEST, ...COS })}`);
    await page.locator('select[name="to"]').selectOption('infra_container_start');
    await page.waitForURL((u) => u.searchParams.get('to') === 'infra_container_start');
    await clickPoint('trace', 'first');
    await page.waitForURL((u) => u.searchParams.get('build') === FIRST);
    await expect(page.locator('[data-build-heading]').textContent()).resolves.toMatch(new RegExp(`^Build ${FIRST}`));
    await expect(page.locator('p[data-build-meta]').textContent()).resolves.toContain(builds[0].version!);
    expect(new URL(page.url()).searchParams.get('to')).toBe('infra_container_start');
  });

  it('names a probe that no log has as unknown, with the probes it knows', async () => {
    await open(`/jobs/${JOB}/tracing?${q({ test: TEST, ...COS, from: 'pod_config_change', to: 'no_such_probe' })}`);
    await expect(page.locator('[data-problem]').textContent()).resolves.toMatch(/^unknown probe "no_such_probe"Choose one of:known probes: create, pod_config_change, /);
  });
});

describe('Errors and empty states', () => {
  it('suggests a job whose name is close to a mistyped one, and lists no jobs for an unrelated name', async () => {
    await open('/jobs/demo-node-kublet-benchmark/builds');
    await expect(page.locator('[data-problem]').textContent()).resolves.toContain(`no job "demo-node-kublet-benchmark"Choose one of:${JOB}`);
    await open('/jobs/nope/builds');
    await expect(page.locator('[data-problem]').textContent()).resolves.not.toContain(JOB);
  });

  it('explains an empty comparison', async () => {
    await open(`/jobs/${JOB}/compare`);
    await expect(page.locator('[data-empty] h2').textContent()).resolves.toBe('Nothing to compare yet');
  });
});
