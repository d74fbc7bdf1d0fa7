// The Regressions page in a real Chromium: alert groups newest first with
// their changes, blame and a chart of each moved metric around the build;
// filters by state and node config kept in the URL; a state and note set
// with the upload token (kept in sessionStorage only); the link to the
// Builds view at that build; the overview's new alerts; 1280 and 390 px.
//
// The browser database's `kpd demo --builds 12` job has no alert: with 7
// builds before its regression and 5 after, no rank-sum test reaches the
// detector's significance (0.0005; the smallest two-sided p of 7 against 5
// is 0.0025). So this file ingests its own job, 24 builds with a regression
// from the 15th on the cos node config, with the real `kpd ingest`.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_DEMO, DEMO_NODES, DEMO_TESTS, writeDemoJob } from '../../ingest/demo/generate';
import type { Alert } from '../../lib/queries/alerts';
import { tempDir } from '../helpers';
import { kpd } from '../kpd';
import { launch, shot } from './browser';

const JOB = 'ci-node-triage';
const [COS, UBUNTU] = DEMO_NODES;
const base = inject('baseUrl');
const token = inject('uploadToken');

let browser: BrowserContext;
let page: Page;
let alerts: Alert[];

beforeAll(async () => {
  const hours = DEFAULT_DEMO.everyHours * 3600e6;
  const dir = writeDemoJob(path.join(tempDir('kpd-triage-'), 'jobs'), {
    ...DEFAULT_DEMO,
    job: JOB,
    builds: 24,
    regressionAt: 14,
    start: Math.floor((Date.now() * 1000 - 24 * hours) / hours) * hours,
    nodes: [COS, UBUNTU],
    tests: DEMO_TESTS.filter((t) => t.name === 'density_create_batch_105_0_0' || t.name === 'resource_10'),
    legacyBuilds: 0,
    noisePerPod: 0,
    traceEvery: 0,
  });
  const r = kpd(['ingest', dir, '--db', inject('dbFile')]);
  if (r.code !== 0) throw new Error(`kpd ingest failed: ${r.stderr}`);
  alerts = (await api<{ alerts: Alert[] }>(`/api/v1/jobs/${JOB}/alerts`)).alerts;
  browser = await launch();
  page = await browser.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function api<T>(p: string): Promise<T> {
  const res = await fetch(base + p);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function open(p: string) {
  await page.goto(base + p, { waitUntil: 'networkidle' });
}

const cards = () => page.locator('section[data-alert]');
const card = (id: number) => page.locator(`section[data-alert="${id}"]`);

describe('Regressions page', () => {
  it('lists the alert groups newest first, each with its changes, blame and a chart of every moved metric', async () => {
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(alerts.every((a) => a.image === COS.image)).toBe(true);
    await open(`/jobs/${JOB}/regressions`);
    await expect(page.locator('nav.tabs a.active').textContent()).resolves.toBe('Regressions');
    await expect(cards().evaluateAll((els) => els.map((e) => e.getAttribute('data-alert')))).resolves.toEqual(alerts.map((a) => String(a.id)));
    const a = alerts[0];
    const c = card(a.id!);
    await expect(c.locator('[data-build]').textContent()).resolves.toBe(a.build);
    await expect(c.locator('[data-state]').textContent()).resolves.toBe('new');
    await expect(c.locator('[data-blame]').textContent()).resolves.toContain(`since build ${a.previousBuild} (${a.previousVersion} → ${a.version})`);
    await expect(c.locator('[data-link="commits"]').getAttribute('href')).resolves.toBe(a.compareUrl);
    const rows = await c.locator('[data-change]').evaluateAll((els) => els.map((e) => e.getAttribute('data-change')));
    expect(rows).toEqual(a.changes.map((x) => `${x.metric}|${x.stat}`));
    const metrics = [...new Set(a.changes.map((x) => x.metric))];
    await expect(c.locator('figure[data-chart]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')))).resolves.toEqual(
      metrics.map((m) => `${a.id}-${m}`),
    );
    const chart = c.locator(`[data-chart="${a.id}-${metrics[0]}"]`);
    await chart.locator('path.recharts-curve').first().waitFor();
    // A few builds each side of the alert's build, which carries the marker.
    await expect(chart.locator('.recharts-line-dots').first().locator('circle').count()).resolves.toBe(11);
    await expect(chart.locator('[data-markers]').textContent()).resolves.toMatch(new RegExp(`^▲ build ${a.build}: `));
    await page.screenshot({ path: shot('regressions-1280'), fullPage: true });
  });

  it('filters by state and node config in the URL, and the URL reproduces the view', async () => {
    await open(`/jobs/${JOB}/regressions`);
    await page.locator('[data-alert-filters] select[name="node"]').selectOption(`${UBUNTU.image}|${UBUNTU.machine}`);
    await page.waitForURL((u) => u.searchParams.get('image') === UBUNTU.image && u.searchParams.get('machine') === UBUNTU.machine);
    await expect(page.locator('[data-empty]').textContent()).resolves.toBe('No alerts match these filters.');
    await page.locator('[data-alert-filters] select[name="node"]').selectOption(`${COS.image}|${COS.machine}`);
    await page.waitForURL((u) => u.searchParams.get('image') === COS.image);
    await page.locator('[data-alert-filters] select[name="state"]').selectOption('new');
    await page.waitForURL((u) => u.searchParams.get('state') === 'new');
    await expect(cards().count()).resolves.toBe(alerts.length);
    const url = page.url();
    await open(url.slice(base.length));
    await expect(page.locator('[data-alert-filters] select[name="state"]').inputValue()).resolves.toBe('new');
    await expect(page.locator('[data-alert-filters] select[name="node"]').inputValue()).resolves.toBe(`${COS.image}|${COS.machine}`);
    await expect(page.locator('[data-alert-summary]').textContent()).resolves.toBe(`${alerts.length} of ${alerts.length} alerts; ${alerts.length} new`);
  });

  it('sets a state and a note with the upload token, kept in this tab only, and says why it cannot without one', async () => {
    const a = alerts[0];
    await open(`/jobs/${JOB}/regressions`);
    const form = page.locator(`[data-triage="${a.id}"]`);
    await form.locator('select[name="state"]').selectOption('acknowledged');
    await form.locator('input[name="note"]').fill('sandbox start slower; bisecting');
    await form.locator('button[type="submit"]').click();
    await expect(form.locator('[data-triage-message]').textContent()).resolves.toBe('Paste an upload token in the field above first.');
    await page.locator('[data-token-field] input').fill('tok-wrong');
    await form.locator('button[type="submit"]').click();
    await expect(form.locator('[data-triage-message]').textContent()).resolves.toBe('wrong upload token');
    await page.locator('[data-token-field] input').fill(token);
    await form.locator('button[type="submit"]').click();
    await expect(form.locator('[data-triage-message]').textContent()).resolves.toBe('saved: acknowledged, by browser');
    await card(a.id!).locator('[data-state]').filter({ hasText: 'acknowledged' }).waitFor();
    await expect(card(a.id!).locator('[data-state-note]').textContent()).resolves.toMatch(/^sandbox start slower; bisecting — acknowledged by browser, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const stored = (await api<{ alerts: Alert[] }>(`/api/v1/jobs/${JOB}/alerts?state=acknowledged`)).alerts;
    expect(stored.map((x) => [x.id, x.note, x.setBy])).toEqual([[a.id, 'sandbox start slower; bisecting', 'browser']]);
    // The token is in this tab's sessionStorage, nowhere else, and survives a reload.
    const where = await page.evaluate(() => ({
      session: sessionStorage.getItem('kpd:upload-token'),
      local: Object.keys(localStorage).length,
      cookie: document.cookie,
      url: location.href,
    }));
    expect(where).toEqual({ session: token, local: 0, cookie: '', url: expect.not.stringContaining(token) });
    await open(`/jobs/${JOB}/regressions?state=acknowledged`);
    await expect(page.locator('[data-token-field] input').inputValue()).resolves.toBe(token);
    await expect(cards().count()).resolves.toBe(1);
  });

  it('links to the Builds view around the alert’s build', async () => {
    const a = alerts[0];
    await open(`/jobs/${JOB}/regressions`);
    await card(a.id!).locator('[data-link="builds"]').click();
    await page.waitForURL(`**/jobs/${JOB}/builds?**`);
    const u = new URL(page.url());
    expect([u.searchParams.get('test'), u.searchParams.get('image'), u.searchParams.get('machine')]).toEqual([a.test, a.image, a.machine]);
    const [from, to] = u.searchParams.get('builds')!.split('-');
    await expect(page.locator('[data-window]').textContent()).resolves.toMatch(new RegExp(`^builds ${from}–${to} \\(\\d+ of 24\\)$`));
    await page.locator('[data-chart="latency"] [data-markers]').filter({ hasText: `build ${a.build}` }).waitFor();
  });

  it('shows on the overview as new alerts with the top one and its blame, linking to the page', async () => {
    const { jobs } = await api<{ jobs: { job: string; alerts: Alert[] }[] }>('/api/v1/jobs');
    const fresh = jobs.find((j) => j.job === JOB)!.alerts;
    expect(fresh.map((a) => a.id).sort()).toEqual(alerts.filter((a) => a.regression && a.id !== alerts[0].id).map((a) => a.id).sort());
    await open('/');
    const cell = page.locator(`[data-job="${JOB}"] [data-alerts]`);
    const top = fresh[0];
    const worst = top.changes.find((c) => c.regression)!;
    await expect(cell.textContent()).resolves.toMatch(new RegExp(`^${fresh.length} new ${top.test}: ${worst.metric} ${worst.stat} [+-]\\d+% at ${top.build}since ${top.previousBuild}`));
    await cell.getByRole('link', { name: `${fresh.length} new` }).click();
    await page.waitForURL((u) => u.pathname === `/jobs/${JOB}/regressions` && u.searchParams.get('state') === 'new');
    await expect(cards().count()).resolves.toBe(fresh.length);
  });

  it('works at 390 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    try {
      await open(`/jobs/${JOB}/regressions`);
      await card(alerts[0].id!).locator('path.recharts-curve').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: shot('regressions-390'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
