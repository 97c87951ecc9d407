import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores here: keep parallel forks low so browser tests and model tests do not starve.
    pool: 'forks',
    maxWorkers: 2,
  },
});
