import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Builds dist/ when it is missing or older than src/; makes the run's temporary folder.
    globalSetup: ['test/support/global-setup.ts'],
    // No AWS_* variable, profile or ~/.aws of the caller's reaches a test (see test/support/env.ts).
    setupFiles: ['test/support/hermetic-env.ts'],
  },
});
