import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Each embedded catalog would otherwise keep a warm catalog process (hundreds of MB) alive
    // after its test; the suites that test that process turn it back on (test/catalog/daemon.test.ts).
    env: {MZCLUSTER_NO_DAEMON: '1'},
    maxWorkers: 2,
    reporters: ['default'],
  },
})
