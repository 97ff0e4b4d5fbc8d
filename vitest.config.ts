import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests (real peers on loopback allowed) and browser
// end-to-end tests that drive `clusterdeck serve` in Debian's Chromium. The e2e project runs
// its files one at a time because each file starts its own server and browser.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
