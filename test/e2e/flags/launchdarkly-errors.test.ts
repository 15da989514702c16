// A LaunchDarkly that cannot be reached or rejects the key is one error with a hint toward
// offline use (--flags-file), not an SDK warning followed by an error.

import {createServer} from 'node:net'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startFakeLaunchDarkly, type FakeLaunchDarkly} from '../../flags-catalog/fake-launchdarkly.js'
import {ENVIRONMENT_ID, FIXTURE} from '../../flags-catalog/objects.js'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {runCli} from '../../support/cli.js'

useWarmCatalogs()

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function expectOneError(stderr: string): void {
  const lines = stderr.trim().split('\n')
  expect(lines, stderr).toHaveLength(2)
  expect(lines[0]).toMatch(/^Error: cannot load flags from LaunchDarkly via http:\/\/127\.0\.0\.1:\d+ /)
  expect(lines[1]).toMatch(/^Hint: .*for offline use pass --flags-file/)
  expect(stderr).not.toContain('Warning')
}

describe('LaunchDarkly failures', () => {
  let catalog: TestCatalog
  let ld: FakeLaunchDarkly
  beforeAll(async () => {
    catalog = await freshCatalog('embedded', {environmentId: ENVIRONMENT_ID})
    await catalog.close()
    ld = await startFakeLaunchDarkly('sdk-right-key', FIXTURE)
  })
  afterAll(async () => {
    await ld.close()
    await catalog.destroy()
  })

  it('an unreachable service times out with one error and a hint', async () => {
    const port = await closedPort()
    const result = await runCli(['flags', 'sync', '--sdk-key', 'sdk-some-key'], {
      catalog: catalog.location,
      env: {MZCLUSTER_LD_BASE_URI: `http://127.0.0.1:${port}`},
      timeoutMs: 120_000,
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expectOneError(result.stderr)
  }, 150_000)

  it('a rejected key is one error with a hint, never showing the key', async () => {
    const result = await runCli(['flags', 'sync', '--sdk-key', 'sdk-wrong-secret'], {
      catalog: catalog.location,
      env: {MZCLUSTER_LD_BASE_URI: ld.baseUri},
      timeoutMs: 120_000,
    })
    expect(result.code).toBe(1)
    expectOneError(result.stderr)
    expect(result.stderr).not.toContain('sdk-wrong-secret')
  }, 150_000)
})
