import {defineConfig} from 'vitest/config'

/**
 * Pure tests (kernel, flags logic, input parsing, output rendering, architecture checks) share
 * their worker's module graph instead of importing the tree again per file: none of them mocks
 * modules, keeps module-level state or touches process-wide settings. Everything else — catalogs,
 * subprocesses, module mocks — keeps a fresh module graph per file.
 */
const PURE = ['test/controller/**/*.test.ts', 'test/flags/**/*.test.ts', 'test/input/**/*.test.ts', 'test/output/**/*.test.ts', 'test/architecture/**/*.test.ts']

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    // Ceilings only a hung test reaches: the suite must pass beside CPU-bound processes on two
    // cores, where opening an embedded catalog alone can take many seconds.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Each embedded catalog would otherwise keep a warm catalog process (hundreds of MB) alive
    // after its test; the suites that test that process turn it back on (test/catalog/daemon.test.ts).
    env: {MZCLUSTER_NO_DAEMON: '1'},
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {extends: true, test: {name: 'pure', include: PURE, isolate: false}},
      {extends: true, test: {name: 'catalog', include: ['test/**/*.test.ts'], exclude: PURE, globalSetup: ['test/global-setup.ts']}},
    ],
  },
})
