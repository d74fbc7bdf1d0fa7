// The Time series page as a new user met it: the time axis fits the pod
// events rather than the whole run, dragging across any chart zooms all of
// them (kept in the URL), reset and "whole run" are one click away, unit
// labels keep clear of the ticks, unknown probes in the URL are named, and at
// 390 px nothing scrolls sideways.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { formatValue } from '../../app/components/format';
import { podEventsWindow, wholeRunWindow, type Window } from '../../app/components/time-window';
import { launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const base = inject('baseUrl');

type Series = { probes: { probe: string; points: [number, number][] }[]; resources: { points: [number, number, number][] }[] };

let browser: BrowserContext;
let page: Page;
let path: string;
let fitted: Window;
let whole: Window;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  const builds = (await (await fetch(`${base}/api/v1/jobs/${JOB}/builds`)).json()) as { builds: { number: string }[] };
  const last = builds.builds.at(-1)!.number;
  const q = new URLSearchParams({ test: TEST, ...COS });
  path = `/jobs/${JOB}/builds/${last}/series?${q}`;
  const s = (await (await fetch(`${base}/api/v1/jobs/${JOB}/series?build=${last}&${q}`)).json()) as Series;
  fitted = podEventsWindow(s.probes)!;
  whole = wholeRunWindow([...s.probes, ...s.resources]);
});
afterAll(async () => {
  await browser?.close();
});

const span = (w: Window) => `${formatValue(w[0])}–${formatValue(w[1])} s`;

function zoomOf(url: string): Window | null {
  const t = new URL(url).searchParams.get('t');
  const m = t ? /^([\d.]+)-([\d.]+)$/.exec(t) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

async function ticks(chart: string): Promise<number[]> {
  const labels = await page.locator(`[data-chart="${chart}"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value`).allTextContents();
  return labels.map((l) => Number(l.replace(/,/g, '')));
}

/** Drags across a chart's plot area from one fraction of its width to another. */
async function drag(chart: string, from: number, to: number) {
  await page.locator(`[data-chart="${chart}"]`).scrollIntoViewIfNeeded();
  const box = (await page.locator(`[data-chart="${chart}"] .recharts-cartesian-grid`).boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 4 });
  await page.mouse.move(box.x + box.width * to, y, { steps: 4 });
  await expect(page.locator(`[data-chart="${chart}"] .recharts-reference-area`).count()).resolves.toBe(1);
  await page.mouse.up();
}

describe('Time series zoom', () => {
  it('fits the time axis to the pod events at first, well inside the whole run', async () => {
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await page.locator('[data-chart="probes"] path.recharts-curve').first().waitFor();
    expect(fitted[1]).toBeLessThan(whole[1]);
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(span(fitted));
    await expect(page.locator('[data-zoom="pods"]').getAttribute('aria-pressed')).resolves.toBe('true');
    for (const chart of ['probes', 'cpu', 'memory']) {
      const t = await ticks(chart);
      expect([chart, t[0], t.at(-1)]).toEqual([chart, fitted[0], fitted[1]]);
    }
    expect(zoomOf(page.url())).toBeNull();
    await page.screenshot({ path: shot('series-fitted-1280'), fullPage: true });
  });

  it('zooms all three charts by dragging across one, keeps the window in the URL, and zooms further on another chart', async () => {
    await drag('probes', 0.3, 0.7);
    await page.waitForURL((u) => u.searchParams.has('t'));
    const first = zoomOf(page.url())!;
    expect(first[0]).toBeGreaterThan(fitted[0]);
    expect(first[1]).toBeLessThan(fitted[1]);
    expect(first[0]).toBeLessThan(first[1]);
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(span(first));
    for (const chart of ['probes', 'cpu', 'memory']) {
      for (const t of await ticks(chart)) expect(t >= first[0] && t <= first[1], `${chart} tick ${t} in ${first}`).toBe(true);
    }
    await page.screenshot({ path: shot('series-zoomed-1280'), fullPage: true });

    await drag('cpu', 0.2, 0.8);
    await page.waitForURL((u) => zoomOf(u.href)?.join() !== first.join());
    const second = zoomOf(page.url())!;
    expect(second[0]).toBeGreaterThanOrEqual(first[0]);
    expect(second[1]).toBeLessThanOrEqual(first[1]);

    await page.goto(page.url(), { waitUntil: 'networkidle' });
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(span(second));
  });

  it('goes back to the pod events with reset, and shows the whole run on request', async () => {
    await page.locator('[data-zoom="reset"]').click();
    await page.waitForURL((u) => !u.searchParams.has('t'));
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(span(fitted));
    await expect(page.locator('[data-zoom="reset"]').count()).resolves.toBe(0);
    await page.locator('[data-zoom="all"]').click();
    await page.waitForURL((u) => u.searchParams.get('t') === 'all');
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(span(whole));
    const t = await ticks('memory');
    expect([t[0], t.at(-1)]).toEqual(whole);
  });

  it('writes each unit above its axis, clear of the tick labels', async () => {
    await page.goto(base + path, { waitUntil: 'networkidle' });
    for (const [chart, unit] of [['probes', 'pods'], ['cpu', 'mCPU'], ['memory', 'MB']]) {
      const label = page.locator(`[data-chart="${chart}"] .recharts-label`).nth(1);
      await expect(label.textContent()).resolves.toBe(unit);
      const l = (await label.boundingBox())!;
      const yTicks = page.locator(`[data-chart="${chart}"] .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value`);
      expect(await yTicks.count()).toBeGreaterThanOrEqual(3);
      for (const tick of await yTicks.all()) {
        const t = (await tick.boundingBox())!;
        const apart = l.y + l.height <= t.y || t.y + t.height <= l.y || l.x + l.width <= t.x || t.x + t.width <= l.x;
        expect(apart, `${chart}: ${unit} against tick ${await tick.textContent()}`).toBe(true);
      }
    }
  });
});

describe('Time series probes in the URL', () => {
  it('says which probes of probes= the run does not have, rather than drawing a blank chart', async () => {
    await page.goto(`${base}${path}&probes=pod_runing,create`, { waitUntil: 'networkidle' });
    await expect(page.locator('[data-unknown-probes]').textContent()).resolves.toBe(
      'No probe pod_runing in this run; the probes it has are the buttons above.',
    );
    await expect(page.locator('[data-chart="probes"] path.recharts-curve').count()).resolves.toBe(1);
    await page.goto(`${base}${path}&probes=nope`, { waitUntil: 'networkidle' });
    await expect(page.locator('[data-no-probes]').textContent()).resolves.toBe('No probe is chosen: click one above to draw it.');
    await page.locator('[data-probe="pod_running"]').click();
    await expect(page.locator('[data-chart="probes"] path.recharts-curve').count()).resolves.toBe(1);
  });
});

describe('Time series at 390 px', () => {
  it('does not scroll sideways: the Run select shrinks to the window', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await page.locator('[data-chart="probes"] path.recharts-curve').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const select = (await page.locator('select[name="run"]').boundingBox())!;
    expect(select.x + select.width).toBeLessThanOrEqual(390);
    await expect(page.locator('[data-window]').textContent()).resolves.toBe(span(fitted));
    await page.screenshot({ path: shot('series-390'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
