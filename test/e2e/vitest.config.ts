// End-to-end tests: the built extension in Chromium against our own pages served at the real
// site URLs. Run with `vitest run --config test/e2e/vitest.config.ts` (part of `npm test`).
// One build per kind in globalSetup, at most one browser launch per file, files one at a time
// (two cores on CI, and a browser per file is already two processes).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
