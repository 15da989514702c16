import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    // Ceilings only a hung test reaches: the suite must pass beside CPU-bound processes on two
    // cores, where opening an embedded catalog alone can take many seconds.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Each embedded catalog would otherwise keep a warm catalog process (hundreds of MB) alive
    // after its test; the suites that test that process turn it back on (test/catalog/daemon.test.ts).
    env: {MZCLUSTER_NO_DAEMON: '1'},
    maxWorkers: 2,
    reporters: ['default'],
  },
})
