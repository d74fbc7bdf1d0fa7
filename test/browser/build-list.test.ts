// The build list page of a job on a `kpd demo` database in Chromium: every
// build newest first with its result, version, duration, runs, its ingest
// warnings behind a <details> (each with its file, line and message, as
// GET /api/v1/jobs/J/builds/N gives them) and its links; at 1280 px a table,
// at 390 px one card per build without sideways scrolling. And the Tracing
// page's words for an unknown probe and for probes the wrong way round.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const base = inject('baseUrl');

interface Build {
  number: string;
  result: string | null;
  version: string | null;
  runs: number;
  warnings: number;
  links: { prow: string | null; artifacts: string | null };
}
interface Warning {
  file: string;
  line?: number;
  message: string;
}

let browser: BrowserContext;
let page: Page;
let builds: Build[];

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  builds = (await api<{ builds: Build[] }>(`/api/v1/jobs/${JOB}/builds`)).builds.reverse();
});
afterAll(async () => {
  await browser?.close();
});

async function open(path: string) {
  await page.goto(base + path, { waitUntil: 'networkidle' });
}

describe('the build list', () => {
  it('lists every build newest first with result, version, runs and links, at 1280 px', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await open(`/jobs/${JOB}/list`);
    await expect(page.locator('nav.tabs a.active').textContent()).resolves.toBe('Build list');
    const rows = page.locator('[data-build-list] tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-build')))).toEqual(builds.map((b) => b.number));
    for (const [i, b] of builds.entries()) {
      const row = rows.nth(i);
      expect(await row.locator('td[data-label="result"]').textContent()).toBe(b.result ?? 'unknown');
      expect(await row.locator('td[data-label="version"]').textContent()).toBe(b.version ?? '–');
      expect(await row.locator('td[data-label="runs"]').textContent()).toBe(String(b.runs));
      expect(await row.locator('td[data-label="duration"]').textContent()).toMatch(/^\d+ (s|min|h)$/);
      expect(await row.locator('[data-link="prow"]').getAttribute('href')).toBe(b.links.prow);
      expect(await row.locator('[data-link="series"]').getAttribute('href')).toBe(`/jobs/${JOB}/builds/${b.number}/series`);
    }
    expect(await page.locator('[data-summary]').textContent()).toBe(
      `${builds.length} builds, newest first; ${builds.filter((b) => b.warnings > 0).length} with ingest warnings.`,
    );
    await page.screenshot({ path: shot('build-list-1280'), fullPage: true });
  });

  it('opens a build’s warnings: each with its file, line and message, as the API gives them', async () => {
    const warned = builds.find((b) => b.warnings > 0)!;
    expect(warned).toBeDefined();
    const { report } = await api<{ report: { warnings: Warning[] } }>(`/api/v1/jobs/${JOB}/builds/${warned.number}`);
    const details = page.locator(`tr[data-build="${warned.number}"] [data-warnings]`);
    expect(await details.locator('summary').textContent()).toBe(warned.warnings === 1 ? '1 warning' : `${warned.warnings} warnings`);
    await expect(details.locator('li').first().isVisible()).resolves.toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('li').allTextContents()).toEqual(
      report.warnings.map((w) => `${w.file}${w.line !== undefined ? `:${w.line}` : ''} ${w.message}`),
    );
    await page.locator(`tr[data-build="${warned.number}"]`).screenshot({ path: shot('build-list-warnings-1280') });
    const quiet = builds.find((b) => b.warnings === 0)!;
    expect(await page.locator(`tr[data-build="${quiet.number}"] td[data-label="warnings"]`).textContent()).toBe('none');
  });

  it('at 390 px shows one card per build, labelled, without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(`/jobs/${JOB}/list`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const first = page.locator('[data-build-list] tbody tr').first();
    const box = (await first.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    expect(await page.locator('[data-build-list] thead').isVisible()).toBe(false);
    expect(await first.locator('td[data-label="result"]').evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"result: "');
    const warned = builds.find((b) => b.warnings > 0)!;
    await page.locator(`tr[data-build="${warned.number}"] [data-warnings] summary`).click();
    await page.screenshot({ path: shot('build-list-390'), fullPage: true });
  });
});

describe('the Tracing page’s words for probes', () => {
  const sel = new URLSearchParams({ test: TEST, ...COS });

  it('names an unknown probe and lists the known ones instead of calling it a custom probe', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await open(`/jobs/${JOB}/tracing?${sel}&from=pod_config_chnage&to=pod_running`);
    const problem = page.locator('[data-problem]');
    expect(await problem.locator('b').textContent()).toBe('unknown probe "pod_config_chnage"');
    expect((await problem.locator('li').allTextContents())[0]).toMatch(/^known probes: create, pod_config_change, runtime_manager, /);
    expect(await page.getByText('custom NodeTracing probe').count()).toBe(0);
    await page.screenshot({ path: shot('tracing-unknown-probe-1280') });
  });

  it('says when every latency is negative and links to the probes swapped', async () => {
    await open(`/jobs/${JOB}/tracing?${sel}&from=pod_running&to=pod_config_change`);
    const note = page.locator('[data-reversed]');
    expect(await note.textContent()).toContain('Every pod reached pod_config_change before pod_running: all latencies are negative');
    const link = note.locator('[data-swap]');
    expect(await link.textContent()).toBe('Swap them: pod_config_change → pod_running');
    await page.screenshot({ path: shot('tracing-reversed-1280') });
    await link.click();
    await page.waitForURL(/from=pod_config_change/);
    const url = new URL(page.url());
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual(['pod_config_change', 'pod_running']);
    expect(await page.locator('[data-reversed]').count()).toBe(0);
  });

  it('at 390 px the reversed note fits', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(`/jobs/${JOB}/tracing?${sel}&from=pod_running&to=pod_config_change`);
    expect(await page.locator('[data-reversed]').isVisible()).toBe(true);
    await page.locator('[data-reversed]').screenshot({ path: shot('tracing-reversed-390') });
  });
});
