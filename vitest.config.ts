import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Test files share their worker's module graph instead of importing the whole tree again per
    // file (no test file mocks modules globally or leaves the environment changed).
    isolate: false,
    maxWorkers: 2,
    reporters: ['default'],
  },
})
