import { defineConfig } from 'vitest/config';

// Unit and integration tests (Node). Browser suites live under e2e/ with their own config.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
