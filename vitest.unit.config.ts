import {defineConfig} from 'vitest/config'

// Same as vitest.config.ts without the global setup: for pure unit tests that need no catalog build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Test files share their worker's module graph instead of importing the whole tree again per
    // file (no test file mocks modules globally or leaves the environment changed).
    isolate: false,
    maxWorkers: 2,
    reporters: ['default'],
  },
})
