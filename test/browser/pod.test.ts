// From the Tracing page to one pod, in a real Chromium on the `kpd demo`
// database: the "logs vs spans" card of a build with spans, a click on a
// slowest pod, its waterfall (bars, log and span probe markers where the
// API's times put them), its logs-vs-spans rows and its kubelet log lines,
// at 1280 px and at 390 px without sideways scrolling; screenshots go to
// test-results/.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { formatValue } from '../../app/components/format';
import { api, launch, shot } from './browser';

const JOB = 'demo-node-kubelet-benchmark';
const TEST = 'density_create_batch_105_0_0';
const COS = { image: 'cos-stable-117-18613-0-79', machine: 'cpu:2core,memory:7.5GB' };
const base = inject('baseUrl');

interface PodJson {
  pod: string;
  probes: { probe: string; source: string; time: string; line: number | null }[];
  spans: { name: string }[];
  agreement: { span: string; diffMs: number }[];
  runAgreement: { span: string; pods: number; medianMs: number | null }[];
  log: { file: string | null; excerpts: { line: number | null; probes: string[]; text: string }[][]; problems: string[] };
}

let browser: BrowserContext;
let page: Page;
/** The newest build: every other non-legacy demo build has spans, the newest among them. */
let BUILD: string;

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  const { builds } = await api<{ builds: { number: string }[] }>(`/api/v1/jobs/${JOB}/builds`);
  BUILD = builds[builds.length - 1].number;
});
afterAll(async () => {
  await browser?.close();
});

async function noSidewaysScroll() {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('a pod of the Tracing page', () => {
  let pod: PodJson;

  it('shows logs vs spans for a build with spans, and opens a slowest pod from its table', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/jobs/${JOB}/tracing?${q({ test: TEST, ...COS, build: BUILD })}`, { waitUntil: 'networkidle' });
    const card = page.locator('[data-logs-vs-spans]');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.locator('tr[data-pair]').count()).toBe(3);
    const link = page.locator('[data-slowest] [data-pod-link]').first();
    const name = (await link.textContent())!;
    await link.click();
    await page.waitForURL(/\/pods\//);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/jobs/${JOB}/builds/${BUILD}/pods/${name}`);
    pod = await api<PodJson>(`/api/v1/jobs/${JOB}/builds/${BUILD}/pods/${encodeURIComponent(name)}?${q({ test: TEST, ...COS })}`);
    expect(pod.pod).toBe(name);
    expect(pod.spans.length).toBeGreaterThan(0);
  });

  it('draws its spans as a waterfall with its log and span probes as markers, in time order', async () => {
    const wf = page.locator('[data-waterfall]');
    await wf.waitFor();
    expect(await wf.locator('[data-span]').count()).toBe(pod.spans.length);
    const markers = wf.locator('[data-marker]');
    const firsts = new Map<string, (typeof pod.probes)[number]>();
    for (const p of pod.probes) if (!firsts.has(`${p.source}:${p.probe}`)) firsts.set(`${p.source}:${p.probe}`, p);
    expect(await markers.count()).toBe(firsts.size);
    expect(await wf.locator('[data-marker][data-source="span"]').count()).toBe([...firsts.values()].filter((p) => p.source === 'span').length);
    const left = async (probe: string) => parseFloat((await wf.locator(`[data-marker="${probe}"]`).first().getAttribute('style'))!.match(/left: ([\d.]+)%/)![1]);
    const order = [...firsts.values()].sort((a, b) => a.time.localeCompare(b.time)).map((p) => p.probe);
    const lefts = [];
    for (const p of order) lefts.push(await left(p));
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    expect(lefts[0]).toBe(0);

    await wf.locator('[data-span] button').first().click();
    await expect.poll(() => wf.locator('[data-span-detail]').textContent()).toContain(pod.spans[0].name);
  });

  it('sets its log probes beside its span probes, for the pod and across the run', async () => {
    const rows = page.locator('[data-agreement="pod"] tr[data-pair]');
    expect(await rows.count()).toBe(pod.agreement.length);
    for (const a of pod.agreement) {
      expect(await page.locator(`[data-agreement="pod"] tr[data-pair="${a.span}"] [data-diff]`).textContent()).toBe(formatValue(a.diffMs));
    }
    for (const a of pod.runAgreement) {
      expect(await page.locator(`[data-agreement="run"] tr[data-pair="${a.span}"] [data-k="median"]`).textContent()).toBe(formatValue(a.medianMs));
    }
  });

  it('shows the kubelet log lines around each of its log probes', async () => {
    expect(pod.log.problems).toEqual([]);
    expect(await page.locator('[data-log-file]').textContent()).toBe(pod.log.file);
    const logProbes = pod.probes.filter((p) => p.source === 'kubelet');
    const hits = page.locator('[data-log-line][data-hit]');
    expect(await hits.count()).toBe(new Set(logProbes.map((p) => p.line)).size);
    const config = page.locator('[data-log-line][data-hit*="pod_config_change"]');
    expect(await config.textContent()).toContain('SyncLoop ADD');
    expect(await config.getAttribute('data-log-line')).toBe(String(logProbes.find((p) => p.probe === 'pod_config_change')!.line));
    const shown = await page.locator('[data-log-line]').count();
    expect(shown).toBe(pod.log.excerpts.reduce((n, e) => n + e.length, 0));
    expect(shown).toBeGreaterThan(await hits.count());
    await page.screenshot({ path: shot('pod-1280'), fullPage: true });
    await page.locator('[data-waterfall]').screenshot({ path: shot('pod-1280-waterfall') });
  });

  it('answers the JSON twin’s mistakes as the API does: 404 for an unknown pod, 400 for a bad parameter', async () => {
    const path = (pod: string, extra = '') => `${base}/api/v1/jobs/${JOB}/builds/${BUILD}/pods/${encodeURIComponent(pod)}?${q({ test: TEST, ...COS })}${extra}`;
    const unknown = await fetch(path('density-test-0/no-such-pod'));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: `no pod density-test-0/no-such-pod in build ${BUILD} for that test, image and machine`, choices: [] });
    expect((await fetch(path(pod.pod, '&context=99'))).status).toBe(400);
    expect((await fetch(path(pod.pod, '&instance=x'))).status).toBe(400);
    const page404 = await fetch(`${base}/jobs/${JOB}/builds/${BUILD}/pods/${encodeURIComponent('density-test-0/no-such-pod')}`);
    expect(await page404.text()).toContain('no pod density-test-0/no-such-pod');
  });

  it('fits 390 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'networkidle' });
    await page.locator('[data-waterfall]').waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(0);
    expect(await page.locator('[data-waterfall] [data-span]').count()).toBe(pod.spans.length);
    await page.screenshot({ path: shot('pod-390'), fullPage: true });
    await page.locator('[data-waterfall]').screenshot({ path: shot('pod-390-waterfall') });
    await page.locator('[data-excerpt]').first().screenshot({ path: shot('pod-390-log') });
    await page.locator('[data-agreement="run"]').screenshot({ path: shot('pod-390-agreement') });
    await page.locator('[data-probes]').screenshot({ path: shot('pod-390-probes') });
    // Tables keep their numbers in sight: none scrolls inside its frame either.
    expect(await page.evaluate(() => [...document.querySelectorAll('.table-wrap')].map((w) => w.scrollWidth - w.clientWidth))).toEqual([0, 0, 0]);
    await page.goto(`${base}/jobs/${JOB}/tracing?${q({ test: TEST, ...COS, build: BUILD })}`, { waitUntil: 'networkidle' });
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(0);
    await page.locator('[data-logs-vs-spans]').screenshot({ path: shot('tracing-logs-vs-spans-390') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
