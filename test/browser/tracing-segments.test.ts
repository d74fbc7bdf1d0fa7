// The Tracing page's segment chart agrees with its latency cards: each bar is
// the pod (or the two pods) at p50, p90 and p99 of the latency, split into its
// steps, as long as the card; the page says what the bars are, and the pods
// link to their pages.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { formatValue } from '../../app/components/format';
import { launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const base = inject('baseUrl');

let browser: BrowserContext;
let page: Page;
let LAST: string;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  const res = await fetch(`${base}/api/v1/jobs/${JOB}/builds`);
  LAST = ((await res.json()) as { builds: { number: string }[] }).builds.at(-1)!.number;
});
afterAll(async () => {
  await browser?.close();
});

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

describe('segment chart', () => {
  it('draws the pods at p50, p90 and p99 of the latency, as long as the cards say', async () => {
    const sel = { test: TEST, ...COS, from: 'pod_config_change', to: 'watch_observed_running' };
    await page.goto(`${base}/jobs/${JOB}/tracing?${q(sel)}`, { waitUntil: 'networkidle' });
    const trace = (await (await fetch(`${base}/api/v1/jobs/${JOB}/trace?${q({ ...sel, build: LAST })}`)).json()) as Record<'p50' | 'p90' | 'p99', number>;
    const chart = page.locator('[data-chart="segments"]');
    await expect(chart.getAttribute('data-kind')).resolves.toBe('percentile-pods');
    await expect(chart.locator('.chart-title').textContent()).resolves.toBe(
      'Where the time goes at p50, p90 and p99 of pod_config_change → watch_observed_running (ms)',
    );
    await expect(chart.locator('[data-segments-note]').textContent()).resolves.toMatch(/^Each bar is the pod whose latency is that percentile/);
    for (const k of ['p50', 'p90', 'p99'] as const) {
      const card = await page.locator(`[data-trace] [data-k="${k}"] .v`).textContent();
      expect(card).toBe(`${formatValue(trace[k])}ms`);
      await expect(chart.locator(`[data-at="${k}"] [data-total]`).textContent()).resolves.toBe(`${formatValue(trace[k])} ms`);
      expect(await chart.locator(`[data-at="${k}"] [data-pod-link]`).count()).toBeGreaterThanOrEqual(1);
    }
    // The bars: hovering the p99 row shows the card's number and steps that add up to it.
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height * (5 / 6));
    const tip = page.locator('[data-tooltip="segments"]');
    await tip.waitFor();
    await expect(tip.locator('.tooltip-head').textContent()).resolves.toBe(`p99 ${formatValue(trace.p99)} ms`);
    const steps = (await tip.locator('[data-value]').allTextContents()).map((v) => Number(v.replace(/,/g, '')));
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(steps.reduce((a, b) => a + b, 0) - trace.p99)).toBeLessThanOrEqual(steps.length * 0.05 + 0.05);
    await page.screenshot({ path: shot('tracing-segments-1280'), fullPage: true });

    const link = chart.locator('[data-at="p99"] [data-pod-link]').first();
    const pod = await link.textContent();
    await link.click();
    await page.waitForURL(`**/jobs/${JOB}/builds/${LAST}/pods/**`);
    await expect(page.locator('[data-pod]').textContent()).resolves.toBe(pod);
  });

  it('falls back to the mean of each step, and says so, when the probes pair by order', async () => {
    await page.goto(`${base}/jobs/${JOB}/tracing?${q({ test: TEST, ...COS, from: 'create', to: 'running' })}`, { waitUntil: 'networkidle' });
    const chart = page.locator('[data-chart="segments"]');
    await expect(chart.getAttribute('data-kind')).resolves.toBe('mean');
    await expect(chart.locator('[data-segments-note]').textContent()).resolves.toMatch(/pair by order.*need not add up to the cards/);
  });

  it('fits a 390 px window', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/jobs/${JOB}/tracing?${q({ test: TEST, ...COS })}`, { waitUntil: 'networkidle' });
    await page.locator('[data-chart="segments"] .recharts-bar-rectangle').first().waitFor();
    await page.locator('[data-chart="segments"]').screenshot({ path: shot('tracing-segments-390') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
