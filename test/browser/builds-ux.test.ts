// The Builds page as a new user meets it (issue 13): the form follows the URL
// through Back, one visible build-range rule, drag to zoom with a reset, one
// crosshair across the charts, a log axis, failed builds marked, single-worst
// on an axis of its own, only the charts a test has, axis titles clear of the
// ticks, CSV of a chart's points, and no sideways scrolling at 390 px.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { formatValue } from '../../app/components/format';
import { api, launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const UBUNTU = 'ubuntu-gke-2204-1-28-v20241030';
const base = inject('baseUrl');

let browser: BrowserContext;
let page: Page;
let builds: { number: string; version: string | null; result: string | null }[];

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  builds = (await api<{ builds: typeof builds }>(`/api/v1/jobs/${JOB}/builds`)).builds;
});
afterAll(async () => {
  await browser?.close();
});

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
const buildsUrl = (o: Record<string, string> = {}) => `/jobs/${JOB}/builds?${q({ test: TEST, ...COS, ...o })}`;

async function open(path: string) {
  await page.goto(base + path, { waitUntil: 'networkidle' });
  await page.locator('[data-chart] path.recharts-curve').first().waitFor();
}

/** What a locator reads once the page has caught up with its URL. */
const text = (l: Locator) => expect.poll(() => l.textContent());
const value = (l: Locator) => expect.poll(() => l.inputValue());

const field = (name: string) => page.locator(`[data-selbar] [name="${name}"]`);

async function applyRange(from: string, to: string) {
  await field('from').fill(from);
  await field('to').fill(to);
  await page.locator('[data-range] button[type="submit"]').click();
  await page.waitForURL((u) => u.searchParams.get('builds') === `${from}-${to}`);
  await page.locator('[data-chart="latency"] path.recharts-curve').first().waitFor();
}

const dotsOf = (chart: string, line = 0) => page.locator(`[data-chart="${chart}"] .recharts-line-dots`).nth(line).locator('circle.recharts-dot');

async function box(l: Locator) {
  const b = await l.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}

describe('Builds page', () => {
  it('keeps the form on the URL through Back: after Apply twice and Back twice the fields show the first view', async () => {
    await open(buildsUrl());
    await page.locator('[data-selbar] select[name="image"]').selectOption(UBUNTU);
    await page.waitForURL((u) => u.searchParams.get('image') === UBUNTU);
    await applyRange(builds[1].number, builds[6].number);
    await applyRange(builds[4].number, builds[10].number);
    await expect(field('from').inputValue()).resolves.toBe(builds[4].number);

    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('builds') === `${builds[1].number}-${builds[6].number}`);
    await text(page.locator('[data-window]')).toBe(`builds ${builds[1].number}–${builds[6].number} (6 of 12)`);
    await value(field('from')).toBe(builds[1].number);
    await value(field('to')).toBe(builds[6].number);

    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('builds') && u.searchParams.get('image') === UBUNTU);
    await text(page.locator('[data-window]')).toMatch(/\(12 of 12\)$/);
    await value(field('from')).toBe('');
    await value(field('to')).toBe('');
    await value(field('image')).toBe(UBUNTU);

    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('image') === COS.image);
    await value(field('image')).toBe(COS.image);
    await value(field('machine')).toBe(COS.machine);
    // The next Apply uses what the form shows, which is what the URL says.
    await page.locator('[data-selbar] select[name="last"]').selectOption('10');
    await page.waitForURL((u) => u.searchParams.get('last') === '10');
    expect(new URL(page.url()).searchParams.get('image')).toBe(COS.image);
  });

  it('shows every build of an explicit range, the last N within it when a count is picked too, and says which', async () => {
    await open(buildsUrl({ builds: `${builds[2].number}-${builds[9].number}` }));
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(`builds ${builds[2].number}–${builds[9].number} (8 of 12)`);
    await expect(page.locator('[data-range-rule]').textContent()).resolves.toMatch(
      new RegExp(`^Showing every build of builds ${builds[2].number}–${builds[9].number} \\(an explicit range shows all its builds`),
    );
    await expect(field('last').inputValue()).resolves.toBe('all');
    await page.locator('[data-selbar] select[name="last"]').selectOption('10');
    await page.waitForURL((u) => u.searchParams.get('last') === '10' && u.searchParams.has('builds'));
    await expect(page.locator('[data-range-rule]').textContent()).resolves.toMatch(
      new RegExp(`^Showing the last 10 builds within builds ${builds[2].number}–${builds[9].number} \\(a count and a range together`),
    );
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(`builds ${builds[2].number}–${builds[9].number} (8 of 12)`);
    await page.locator('[data-selbar] select[name="last"]').selectOption('25');
    await page.waitForURL((u) => u.searchParams.get('last') === '25');
    await applyRange(builds[5].number, builds[11].number);
    // Apply of a range drops the count: the range wins.
    expect(new URL(page.url()).searchParams.has('last')).toBe(false);
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(`builds ${builds[5].number}–${builds[11].number} (7 of 12)`);
  });

  it('zooms into the builds dragged across, and resets', async () => {
    await open(buildsUrl());
    // Twelve builds: eleven dots, and the failed build's marker.
    await expect(dotsOf('latency').count()).resolves.toBe(11);
    const a = await box(dotsOf('latency').nth(3));
    // Dot 7 is build 8: the failed build 7 wears a marker instead of a dot.
    const b = await box(dotsOf('latency').nth(7));
    const y = a.y - 20;
    await page.mouse.move(a.x + a.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, y, { steps: 8 });
    await page.mouse.up();
    const reset = page.locator('[data-chart="latency"] [data-zoom-reset]');
    await expect(reset.textContent()).resolves.toBe('reset zoom (6 of 12 builds)');
    // Builds 3 to 8: five dots and the failed build's marker.
    await expect(dotsOf('latency').count()).resolves.toBe(5);
    await expect(page.locator('[data-chart="latency"] g.failed-build').count()).resolves.toBe(3);
    await expect(page.locator('[data-chart="latency"] [data-pinned]').count()).resolves.toBe(0);
    await page.screenshot({ path: shot('builds-zoomed-1280'), fullPage: false });
    await reset.click();
    await expect(dotsOf('latency').count()).resolves.toBe(11);
    await expect(reset.count()).resolves.toBe(0);
  });

  it('zooms on the time axis too, and a new view starts unzoomed', async () => {
    await open(buildsUrl({ x: 'time' }));
    const a = await box(dotsOf('latency').nth(2));
    const b = await box(dotsOf('latency').nth(6));
    await page.mouse.move(a.x + a.width / 2, a.y - 20);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, a.y - 20, { steps: 8 });
    await page.mouse.up();
    await text(page.locator('[data-chart="latency"] [data-zoom-reset]')).toBe('reset zoom (5 of 12 builds)');
    await expect(dotsOf('latency').count()).resolves.toBe(5);
    await page.locator('[data-axis-toggle] a', { hasText: 'builds' }).click();
    await page.waitForURL((u) => !u.searchParams.has('x'));
    await expect.poll(() => dotsOf('latency').count()).toBe(11);
    await expect(page.locator('[data-zoom-reset]').count()).resolves.toBe(0);
  });

  it('marks failed builds on every line with their result in the tooltip, and shares the crosshair across charts', async () => {
    await open(buildsUrl());
    const failed = builds.map((b, i) => [b, i] as const).filter(([b]) => b.result !== 'SUCCESS');
    expect(failed.map(([b]) => b.result)).toEqual(['FAILURE']);
    const latency = page.locator('[data-chart="latency"]');
    await expect(latency.locator('g.failed-build').count()).resolves.toBe(3);
    await expect(latency.locator('[data-legend="failed"]').textContent()).resolves.toBe('⊗failed build');
    await latency.locator('g.failed-build').first().hover();
    const tip = page.locator('[data-tooltip="latency"]');
    await tip.waitFor();
    await expect(tip.locator('[data-build]').textContent()).resolves.toBe(failed[0][0].number);
    await expect(tip.locator('[data-result]').textContent()).resolves.toBe('FAILURE');
    // The other charts show the crosshair at the same build (their own tooltips stay closed, so none covers the next chart).
    const x = async (chart: string) => {
      const c = await box(page.locator(`[data-chart="${chart}"] .recharts-tooltip-cursor`));
      const dot = await box(page.locator(`[data-chart="${chart}"] g.failed-build`).first());
      return Math.abs(c.x + c.width / 2 - (dot.x + dot.width / 2));
    };
    for (const chart of ['throughput', 'kubelet_cpu', 'kubelet_memory', 'runtime_cpu', 'runtime_memory']) {
      await expect.poll(() => x(chart), { message: chart }).toBeLessThan(1.5);
    }
    await expect(page.locator('[data-tooltip]').count()).resolves.toBe(1);
    await page.screenshot({ path: shot('builds-crosshair-1280') });
  });

  it('draws single-worst against an axis of its own beside batch', async () => {
    await open(buildsUrl());
    const t = page.locator('[data-chart="throughput"]');
    await expect(t.locator('.recharts-yAxis').count()).resolves.toBe(2);
    await expect(t.locator('[data-legend="single-worst"]').textContent()).resolves.toBe('single-worst (right axis)');
    type Charts = { charts: { metric: string; points: { stats: Record<string, number> }[] }[] };
    const data = await api<Charts>(`/api/v1/jobs/${JOB}/charts?${q({ test: TEST, ...COS })}`);
    const points = data.charts.find((c) => c.metric === 'throughput')!.points;
    const worst = Math.max(...points.map((p) => p.stats['single-worst']));
    const batch = Math.min(...points.map((p) => p.stats.batch));
    expect(worst * 10).toBeLessThan(batch);
    // The right axis reaches the single-worst values rather than batch's.
    const axes = await Promise.all((await t.locator('.recharts-yAxis-tick-labels').all()).map(async (g) => ({ x: (await box(g)).x, g })));
    const rightmost = axes.sort((a, b) => a.x - b.x)[1].g;
    const right = await rightmost.locator('.recharts-cartesian-axis-tick-value').allTextContents();
    const top = Math.max(...right.map((s) => Number(s.replace(/,/g, ''))));
    expect(top).toBeGreaterThanOrEqual(worst);
    expect(top).toBeLessThan(batch);
  });

  it('switches the y axis to a log scale in the URL, and back', async () => {
    await open(buildsUrl());
    await page.locator('[data-yscale-toggle] a', { hasText: 'log' }).click();
    await page.waitForURL((u) => u.searchParams.get('y') === 'log');
    await page.locator('[data-chart="latency"] path.recharts-curve').first().waitFor();
    await expect(page.locator('[data-chart="latency"] path.recharts-curve').count()).resolves.toBeGreaterThanOrEqual(3);
    await expect(page.locator('[data-yscale-toggle] a[aria-current]').textContent()).resolves.toBe('log');
    await page.screenshot({ path: shot('builds-log-1280'), fullPage: false });
    await page.locator('[data-yscale-toggle] a', { hasText: 'linear' }).click();
    await page.waitForURL((u) => !u.searchParams.has('y'));
  });

  it('keeps axis titles clear of the tick labels, and the SLO label on a box of its own', async () => {
    await open(buildsUrl());
    for (const [chart, unit] of [
      ['latency', 'ms'],
      ['throughput', 'pods/min'],
      ['kubelet_memory', 'MB'],
    ]) {
      const titles = await page.locator(`[data-chart="${chart}"] .recharts-label`, { hasText: new RegExp(`^${unit}$`) }).all();
      expect(titles.length).toBe(chart === 'throughput' ? 2 : 1);
      for (const title of titles) {
        const t = await box(title);
        for (const tick of await page.locator(`[data-chart="${chart}"] .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value`).all()) {
          const k = await box(tick);
          const overlap = k.x < t.x + t.width && t.x < k.x + k.width && k.y < t.y + t.height && t.y < k.y + k.height;
          expect(overlap, `${chart}: "${await tick.textContent()}" under its axis title`).toBe(false);
        }
      }
    }
    const slo = page.locator('[data-chart="latency"] text.recharts-label', { hasText: 'pod-startup-p99' });
    const label = await box(slo);
    const rect = await box(slo.locator('xpath=preceding-sibling::*[local-name()="rect"][1]'));
    expect(rect.x).toBeLessThanOrEqual(label.x);
    expect(rect.x + rect.width).toBeGreaterThanOrEqual(label.x + label.width);
  });

  it('shows a resource test only the charts it has', async () => {
    await open(`/jobs/${JOB}/builds?${q({ test: 'resource_10' })}`);
    const ids = await page.locator('figure[data-chart]').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-chart')));
    expect(ids).toEqual(['kubelet_cpu', 'kubelet_memory', 'runtime_cpu', 'runtime_memory']);
    await expect(page.locator('.chart-empty').count()).resolves.toBe(0);
  });

  it("downloads a chart's points as CSV, the numbers of the API", async () => {
    await open(buildsUrl());
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-csv="latency"]').click()]);
    expect(download.suggestedFilename()).toBe('latency.csv');
    const lines = fs.readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('build,started,version,result,Perc50 (ms),Perc90 (ms),Perc99 (ms)');
    expect(lines).toHaveLength(13);
    type Charts = { charts: { metric: string; points: { build: string; version: string; result: string; stats: Record<string, number> }[] }[] };
    const last = (await api<Charts>(`/api/v1/jobs/${JOB}/charts?${q({ test: TEST, ...COS })}`)).charts[0].points.at(-1)!;
    const row = lines[12].split(',');
    expect([row[0], row[2], row[3], ...row.slice(4).map(Number)]).toEqual([last.build, last.version, last.result, last.stats.Perc50, last.stats.Perc90, last.stats.Perc99]);
    expect(formatValue(Number(row[6]), 'ms')).toBe(formatValue(last.stats.Perc99, 'ms'));
  });

  it('does not scroll sideways at 390 px, with a range and a zoomable chart', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open(buildsUrl({ builds: `${builds[0].number}-${builds[11].number}`, last: '10' }));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: shot('builds-ux-390'), fullPage: true });
      await page.screenshot({ path: shot('builds-ux-390-top') });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await open(buildsUrl());
    await page.screenshot({ path: shot('builds-ux-1280'), fullPage: true });
  });
});
