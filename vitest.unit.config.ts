import {defineConfig} from 'vitest/config'

// Same as vitest.config.ts without the global setup: for pure unit tests that need no catalog build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    // Ceilings only a hung test reaches: the suite must pass beside CPU-bound processes on two
    // cores, where opening an embedded catalog alone can take many seconds.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
})
