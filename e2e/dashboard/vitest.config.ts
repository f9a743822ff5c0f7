import { defineConfig } from 'vitest/config';

// The operator dashboard in a real headless chromium against the real relay daemon (in-process,
// loopback, ephemeral ports). Run: npx vitest run --config e2e/dashboard/vitest.config.ts
export default defineConfig({
  test: {
    include: ['e2e/dashboard/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
