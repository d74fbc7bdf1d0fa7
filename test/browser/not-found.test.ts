// Addresses that name nothing answer 404, as the JSON API does, with a page
// that says which part of the address is unknown and where to go instead:
// an unknown job, build (or a malformed build ID) and pod.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
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

async function status(path: string): Promise<number> {
  return (await fetch(base + path, { redirect: 'follow' })).status;
}

/** Opens `path` in the browser and returns the HTTP status and the 404 note's heading. */
async function openMissing(path: string): Promise<{ status: number; title: string }> {
  const res = await page.goto(base + path, { waitUntil: 'networkidle' });
  return { status: res!.status(), title: (await page.locator('[data-problem] b').first().textContent())! };
}

describe('unknown addresses', () => {
  it('answer 404 for a job the dashboard does not have, on every view of it', async () => {
    for (const view of ['', '/builds', '/compare', '/tracing', '/regressions', '/builds/1/series']) {
      expect([view, await status(`/jobs/nope${view}`)]).toEqual([view, 404]);
    }
  });

  it('answer 404 for a build the job does not have, or an ID that is no build ID', async () => {
    expect(await status(`/jobs/${JOB}/builds/999/series`)).toBe(404);
    expect(await status(`/jobs/${JOB}/builds/0123/series`)).toBe(404);
    expect(await status(`/jobs/${JOB}/builds/999/pods/${encodeURIComponent('default/pod-1')}`)).toBe(404);
  });

  it('answer 404 for a pod in no run of the build, and 200 for the pages that exist', async () => {
    expect(await status(`/jobs/${JOB}/builds/${LAST}/pods/nope`)).toBe(404);
    expect(await status(`/jobs/${JOB}/builds/${LAST}/series`)).toBe(200);
    expect(await status(`/jobs/${JOB}/tracing`)).toBe(200);
    expect(await status('/')).toBe(200);
  });
});

describe('the 404 page', () => {
  it('names the unknown job and the jobs its name is close to', async () => {
    const missing = await openMissing('/jobs/demo-node-kublet-benchmark/tracing');
    expect(missing).toEqual({ status: 404, title: 'no job "demo-node-kublet-benchmark"' });
    await expect(page.locator('[data-problem] li a').allTextContents()).resolves.toEqual([JOB]);
    await page.screenshot({ path: shot('404-job-1280'), fullPage: true });
    await page.locator('[data-problem] li a').click();
    await page.waitForURL(`**/jobs/${JOB}/builds`);
  });

  it('names an unknown build under the job heading, with the way to its builds', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const missing = await openMissing(`/jobs/${JOB}/builds/999/series`);
    expect(missing).toEqual({ status: 404, title: `no build 999 in job ${JOB}` });
    await expect(page.locator('.jobhead h1').textContent()).resolves.toBe(JOB);
    await expect(page.locator('[data-problem] a').getAttribute('href')).resolves.toBe(`/jobs/${JOB}/builds`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shot('404-build-390'), fullPage: true });
    expect((await openMissing(`/jobs/${JOB}/builds/0123/series`)).title).toBe('"0123" is not a build ID');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('names an unknown pod, with the ways to the pods of the build', async () => {
    const missing = await openMissing(`/jobs/${JOB}/builds/${LAST}/pods/${encodeURIComponent('default/nope')}`);
    expect(missing).toEqual({ status: 404, title: `no pod default/nope in build ${LAST}` });
    await expect(page.locator('[data-problem] a').allTextContents()).resolves.toEqual(['tracing', 'time series']);
    await page.screenshot({ path: shot('404-pod-1280'), fullPage: true });
  });

  it('says an address names no page at all', async () => {
    const missing = await openMissing('/nothing/here');
    expect(missing).toEqual({ status: 404, title: 'nothing lives at /nothing/here' });
  });
});
