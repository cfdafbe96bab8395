import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang detectors, not waits: no test waits for a time to pass. Generous, because on a busy 2-core
    // machine (load 10 on 2 cores) one test that starts several node, aws or python processes took 56 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds dist/ when it is missing or older than src/; makes the run's temporary folder.
    globalSetup: ['test/support/global-setup.ts'],
    // No AWS_* variable, profile or ~/.aws of the caller's reaches a test (see test/support/env.ts).
    setupFiles: ['test/support/hermetic-env.ts'],
  },
});
