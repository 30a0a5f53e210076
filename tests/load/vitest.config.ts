import { defineConfig } from 'vitest/config';

/** `npm run test:load`: the long load test alone (no database templates needed: it starts its own server). */
export default defineConfig({
  test: {
    include: ['tests/load/**/*.load.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
