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
          // expect.poll waits up to 1 s by default: too little for a peer answering on a loaded 2-core CI machine.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A browser, serve and the lab share 2 cores in CI: what a person would wait a few seconds for may take
          // several there (vitest's default is 1 s). Only a failing poll waits this long.
          expect: { poll: { timeout: 15_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
