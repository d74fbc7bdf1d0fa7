import { defineConfig } from 'vitest/config';
import path from 'node:path';

// Browser tests: a demo database, the production server and Debian's Chromium
// (see test/browser/setup.ts); one file at a time, since they share the server.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
