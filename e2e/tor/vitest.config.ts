import { defineConfig } from 'vitest/config';

// Suites over a private Tor network on 127.0.0.1 (needs tor and tor-gencert on PATH). Each file
// starts one network in beforeAll and stops it itself; files run one at a time.
export default defineConfig({
  test: {
    include: ['e2e/tor/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 150_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
