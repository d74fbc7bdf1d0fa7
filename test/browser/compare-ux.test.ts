// The Comparison page as a new user meets it (issue 13): "Compare +" keeps
// the build range, the page shows and edits it, the URL is the whole state
// (nothing in localStorage), a selection is not added twice, the tooltip stays
// inside its box, whiskers are explained, and an overlay draws one stat of
// every selection as lines across builds; at 1280 px and 390 px.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { formatValue } from '../../app/components/format';
import { api, launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const UBUNTU = { image: 'ubuntu-gke-2204-1-28-v20241030', machine: 'cpu:4core,memory:15GB' };
const SEL_COS = `${TEST}|${COS.image}|${COS.machine}`;
const SEL_UBUNTU = `${TEST}|${UBUNTU.image}|${UBUNTU.machine}`;
const base = inject('baseUrl');

let browser: BrowserContext;
let page: Page;
let builds: { number: string }[];

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  builds = (await api<{ builds: typeof builds }>(`/api/v1/jobs/${JOB}/builds`)).builds;
});
afterAll(async () => {
  await browser?.close();
});

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
const params = () => new URL(page.url()).searchParams;
const text = (l: Locator) => expect.poll(() => l.textContent());

async function open(path: string) {
  await page.goto(base + path, { waitUntil: 'networkidle' });
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}

describe('Comparison page', () => {
  it('opens from Compare + with the Builds range, shows and edits it, and keeps nothing but the URL', async () => {
    const range = `${builds[0].number}-${builds[10].number}`;
    await open(`/jobs/${JOB}/builds?${q({ test: TEST, ...COS, builds: range })}`);
    await page.locator('[data-compare]').click();
    await page.waitForURL(`**/jobs/${JOB}/compare?**`);
    expect(params().getAll('sel')).toEqual([SEL_COS]);
    expect(params().get('builds')).toBe(range);
    const rangeBar = page.locator('[data-compare-range]');
    await expect(rangeBar.locator('[name="from"]').inputValue()).resolves.toBe(builds[0].number);
    await expect(rangeBar.locator('[name="to"]').inputValue()).resolves.toBe(builds[10].number);
    await text(rangeBar.locator('[data-range-rule]')).toBe(`Each selection over every build of builds ${range.replace('-', '–')}.`);
    await text(page.locator(`[data-sel="${SEL_COS}"]`)).toContain(`builds ${builds[0].number}–${builds[10].number} (11)`);

    // The same selection again: the bar says so instead of adding it.
    await expect(page.locator('[data-add]').textContent()).resolves.toBe('Already compared');
    await expect(page.locator('[data-add]').getAttribute('href')).resolves.toBeNull();
    await page.locator('[data-selbar] select[name="image"]').selectOption(UBUNTU.image);
    await page.locator('[data-add]', { hasText: 'Add to comparison' }).click();
    await page.waitForURL(() => params().getAll('sel').length === 2);
    expect(params().getAll('sel')).toEqual([SEL_COS, SEL_UBUNTU]);
    expect(params().get('builds')).toBe(range);
    await text(page.locator('[data-add]')).toBe('Already compared');

    // Editing the range here keeps the selections.
    await rangeBar.locator('select[name="last"]').selectOption('10');
    await page.waitForURL(() => params().get('last') === '10');
    expect(params().getAll('sel')).toEqual([SEL_COS, SEL_UBUNTU]);
    await text(rangeBar.locator('[data-range-rule]')).toBe(`Each selection over the last 10 builds within builds ${range.replace('-', '–')}.`);
    await text(page.locator(`[data-sel="${SEL_COS}"]`)).toContain(`builds ${builds[1].number}–${builds[10].number} (10)`);
    await expect(page.evaluate(() => window.localStorage.length)).resolves.toBe(0);
  });

  it('goes to a selection and back with Compare +, which then adds a new one without losing the others', async () => {
    await open(`/jobs/${JOB}/compare?${q({ last: '10' })}&sel=${encodeURIComponent(SEL_COS)}&sel=${encodeURIComponent(SEL_UBUNTU)}`);
    await page.locator(`[data-sel="${SEL_UBUNTU}"] a.mono`).click();
    await page.waitForURL(`**/jobs/${JOB}/builds?**`);
    expect(params().getAll('cmp')).toEqual([SEL_COS, SEL_UBUNTU]);
    expect(params().get('last')).toBe('10');
    await text(page.locator('[data-compare]')).toBe('Back to comparison');
    await page.locator('[data-selbar] select[name="opt-pods"]').selectOption('10');
    await page.waitForURL(() => params().get('test') === 'density_create_batch_10_0_0');
    expect(params().getAll('cmp')).toEqual([SEL_COS, SEL_UBUNTU]);
    await text(page.locator('[data-compare]')).toBe('Compare +');
    await page.locator('[data-compare]').click();
    await page.waitForURL(`**/jobs/${JOB}/compare?**`);
    expect(params().getAll('sel')).toEqual([SEL_COS, SEL_UBUNTU, `density_create_batch_10_0_0|${UBUNTU.image}|${UBUNTU.machine}`]);
    expect(params().get('last')).toBe('10');
  });

  it('keeps the tooltip inside its box, explains the whiskers, and exports the bars as CSV', async () => {
    await open(`/jobs/${JOB}/compare?sel=${encodeURIComponent(SEL_COS)}&sel=${encodeURIComponent(SEL_UBUNTU)}`);
    const latency = page.locator('[data-chart="latency"]');
    await expect(latency.locator('[data-legend="whisker"]').textContent()).resolves.toBe('min–max of the builds');
    // single-worst's bars stand against an axis of their own, not flat beside batch's.
    await expect(page.locator('[data-chart="throughput"] .recharts-yAxis').count()).resolves.toBe(2);
    await latency.locator('.recharts-bar-rectangle').first().waitFor();
    await latency.locator('.recharts-bar-rectangle').nth(1).hover();
    const tip = page.locator('[data-tooltip="latency"]');
    await tip.waitFor();
    const overflow = await tip.evaluate((el) => [...el.querySelectorAll('*'), el].some((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible') || el.scrollWidth > el.clientWidth + 1);
    expect(overflow).toBe(false);
    const t = await box(tip);
    for (const row of await tip.locator('[data-stat], .tooltip-head, .tooltip-hint').all()) {
      const r = await box(row);
      expect(r.x + r.width).toBeLessThanOrEqual(t.x + t.width + 0.5);
    }
    type Cmp = { charts: { metric: string; values: Record<string, { value: number; min: number; max: number; n: number }>[] }[] };
    const data = await api<Cmp>(`/api/v1/jobs/${JOB}/compare?${params()}`);
    const p50 = data.charts[0].values[1].Perc50;
    await expect(tip.locator('[data-stat="Perc50"] [data-value]').textContent()).resolves.toBe(formatValue(p50.value, 'ms'));
    await expect(tip.locator('[data-stat="Perc50"] [data-spread]').textContent()).resolves.toBe(
      `${formatValue(p50.min, 'ms')}–${formatValue(p50.max, 'ms')} over ${p50.n} builds`,
    );
    await page.screenshot({ path: shot('compare-ux-tooltip-1280') });
    const [download] = await Promise.all([page.waitForEvent('download'), latency.locator('[data-csv="latency"]').click()]);
    expect(download.suggestedFilename()).toBe('compare-latency.csv');
  });

  it('overlays one stat of every selection as lines across builds, with the numbers of the Builds charts', async () => {
    await open(`/jobs/${JOB}/compare?sel=${encodeURIComponent(SEL_COS)}&sel=${encodeURIComponent(SEL_UBUNTU)}`);
    const overlay = page.locator('[data-chart="overlay"]');
    await overlay.locator('path.recharts-curve').first().waitFor();
    await expect(overlay.locator('path.recharts-curve').count()).resolves.toBe(2);
    await expect(overlay.locator('.chart-title').textContent()).resolves.toBe('Pod startup latency (ms) · Perc99, one line per selection');
    await expect(overlay.locator('[data-legend]').allTextContents()).resolves.toEqual([
      `S1 ${TEST} · ${COS.image} · ${COS.machine}`,
      `S2 ${TEST} · ${UBUNTU.image} · ${UBUNTU.machine}`,
      'failed build',
    ].map((s) => (s === 'failed build' ? '⊗failed build' : s)));
    type Charts = { charts: { metric: string; points: { build: string; stats: Record<string, number> }[] }[] };
    const [cos, ubuntu] = await Promise.all(
      [COS, UBUNTU].map((n) => api<Charts>(`/api/v1/jobs/${JOB}/charts?${q({ test: TEST, ...n })}`)),
    );
    await overlay.locator('.recharts-line-dots').first().locator('circle').last().hover();
    const tip = page.locator('[data-tooltip="overlay"]');
    await tip.waitFor();
    const last = cos.charts[0].points.at(-1)!;
    await expect(tip.locator('[data-build]').textContent()).resolves.toBe(last.build);
    await expect(tip.locator('[data-stat="S1"] [data-value]').textContent()).resolves.toBe(formatValue(last.stats.Perc99, 'ms'));
    const u = ubuntu.charts[0].points.find((p) => p.build === last.build);
    await expect(tip.locator('[data-stat="S2"] [data-value]').textContent()).resolves.toBe(formatValue(u?.stats.Perc99, 'ms'));
    await page.screenshot({ path: shot('compare-ux-1280'), fullPage: true });

    await page.locator('[data-overlay-controls] select[name="overlay"]').selectOption('kubelet_memory:memory');
    await page.waitForURL(() => params().get('overlay') === 'kubelet_memory:memory');
    await text(overlay.locator('.chart-title')).toBe('Kubelet memory usage (MB) · memory, one line per selection');
    expect(params().getAll('sel')).toEqual([SEL_COS, SEL_UBUNTU]);
  });

  it('does not scroll sideways at 390 px, and its tooltip stays on the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open(`/jobs/${JOB}/compare?sel=${encodeURIComponent(SEL_COS)}&sel=${encodeURIComponent(SEL_UBUNTU)}&builds=${builds[2].number}-`);
      await page.locator('[data-chart="overlay"] path.recharts-curve').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: shot('compare-ux-390'), fullPage: true });
      await page.screenshot({ path: shot('compare-ux-390-top') });
      const latency = page.locator('[data-chart="latency"]');
      await latency.scrollIntoViewIfNeeded();
      await latency.locator('.recharts-bar-rectangle').nth(4).hover();
      const tip = await box(page.locator('[data-tooltip="latency"]'));
      expect(tip.x).toBeGreaterThanOrEqual(0);
      expect(tip.x + tip.width).toBeLessThanOrEqual(390);
      await page.screenshot({ path: shot('compare-ux-390-tooltip') });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
