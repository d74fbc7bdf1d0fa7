// The overview and the job heading as a new user met them at 390 px: every
// job's SLO verdict and alerts on screen (rows stack into labelled lines, no
// sideways scrolling), job names whole on one line; the table as it was at
// 1280 px; and a favicon.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const base = inject('baseUrl');

let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
});

/** How many lines an element's text takes. */
function lines(el: Locator): Promise<number> {
  return el.evaluate((e) => {
    const r = document.createRange();
    r.selectNodeContents(e);
    return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
  });
}

async function onScreen(el: Locator, width: number) {
  const box = (await el.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
}

const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('Overview at 390 px', () => {
  it("stacks each job's row into labelled lines, its SLO verdict and alerts on screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + '/', { waitUntil: 'networkidle' });
    const row = page.locator(`[data-job="${JOB}"]`);
    expect(await sideways()).toBeLessThanOrEqual(0);
    await expect(page.locator('[data-jobs] thead').isVisible()).resolves.toBe(false);
    for (const cell of ['[data-slo]', '[data-alerts]']) {
      await onScreen(row.locator(cell), 390);
      await onScreen(row.locator(`${cell} > *`).first(), 390);
    }
    const label = (cell: string) => row.locator(cell).evaluate((e) => getComputedStyle(e, '::before').content);
    await expect(label('[data-slo]')).resolves.toBe('"SLOs"');
    await expect(label('[data-alerts]')).resolves.toBe('"New alerts"');
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('12');
    expect(await lines(row.getByRole('link', { name: JOB }))).toBe(1);
    await page.screenshot({ path: shot('overview-390'), fullPage: true });
  });

  it('keeps the job name on the job pages whole', async () => {
    await page.goto(`${base}/jobs/${JOB}/tracing`, { waitUntil: 'networkidle' });
    const h1 = page.locator('.jobhead h1');
    await expect(h1.textContent()).resolves.toBe(JOB);
    expect(await lines(h1)).toBe(1);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('Overview at 1280 px', () => {
  it('shows the table with its headings, the SLO and alert columns last', async () => {
    await page.goto(base + '/', { waitUntil: 'networkidle' });
    await expect(page.locator('[data-jobs] thead th').allTextContents()).resolves.toEqual([
      'Job',
      'Builds',
      'Latest',
      'Result',
      'Recent builds',
      'Last build',
      'SLOs',
      'New alerts',
    ]);
    await onScreen(page.locator(`[data-job="${JOB}"] [data-alerts]`), 1280);
    await page.screenshot({ path: shot('overview-1280'), fullPage: true });
  });
});

describe('Favicon', () => {
  it('links an SVG icon from every page, and serves it', async () => {
    await page.goto(`${base}/jobs/${JOB}/builds`, { waitUntil: 'networkidle' });
    const href = (await page.locator('link[rel="icon"]').first().getAttribute('href'))!;
    expect(href).toMatch(/^\/icon\.svg(\?|$)/);
    const res = await fetch(base + href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toContain('<svg');
  });
});
