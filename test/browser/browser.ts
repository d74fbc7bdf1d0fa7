// Debian's Chromium driven by playwright-core, headless with a fresh profile (user data dir),
// and where screenshots go.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
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
