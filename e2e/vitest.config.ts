import { defineConfig } from 'vitest/config';

// Browser end-to-end suites: real chromium / firefox-esr with the built add-on against the real
// relay daemon on loopback. Run after `npm run build` (npm test does). One file at a time: each
// starts its own browser and daemon.
export default defineConfig({
  test: {
    include: ['e2e/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
