// Debian's Chromium driven by playwright-core, headless with a fresh profile (user data dir),
// where screenshots go, and the test server's JSON API.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { expect, inject } from 'vitest';
import { tempDir } from '../helpers';

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');

export async function launch(): Promise<BrowserContext> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launchPersistentContext(tempDir('kpd-chromium-'), {
    viewport: { width: 1280, height: 900 },
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const shot = (name: string) => path.join(SCREENSHOTS, `${name}.png`);

/** A GET of the test server's JSON API that must answer 200. */
export async function api<T>(path: string): Promise<T> {
  const res = await fetch(inject('baseUrl') + path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
