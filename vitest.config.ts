import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds dist/ for the end-to-end tests when it is older than src/ (only when test/e2e files run).
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default'],
  },
});
