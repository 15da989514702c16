// `cluster drop` on a terminal asks first. Declining is an answer, not a failure: the command says
// the cluster was not dropped and exits 0, and the cluster is still there.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {runCli} from '../../support/cli.js'
import {dumpCatalog} from '../../integration/fixtures.js'
import {KEYS, runOnPty} from '../flags/pty.js'

useWarmCatalogs()

const SLOW = 180_000

describe('cluster drop prompt (embedded, on a pseudo-terminal)', () => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close()
    const created = await runCli(['cluster', 'create', 'scratch', '--unmanaged'], {catalog: catalog.location})
    expect(created.code, created.stderr).toBe(0)
  }, SLOW)
  afterAll(async () => catalog.destroy())

  it('declining prints "not dropped", exits 0 and drops nothing', {timeout: SLOW}, async () => {
    const before = await dumpCatalog(await catalog.reopen())
    await catalog.close()
    const pty = runOnPty(['cluster', 'drop', 'scratch', '--catalog', catalog.location])
    await pty.waitFor(/Drop cluster "scratch" \(u\d+\) with 0 replicas\?/)
    pty.write('n')
    pty.write(KEYS.enter)
    await pty.waitFor(/Cluster "scratch" not dropped\./)
    expect(await pty.exit).toBe(0)
    expect(pty.screen).not.toMatch(/Error/)
    try {
      expect(await dumpCatalog(await catalog.reopen())).toBe(before)
    } finally {
      await catalog.close()
    }
  })

  it('--dry-run on a terminal never asks', {timeout: SLOW}, async () => {
    const pty = runOnPty(['cluster', 'drop', 'scratch', '--dry-run', '--catalog', catalog.location])
    await pty.waitFor(/Would drop cluster "scratch" \(u\d+\) with 0 replicas\./)
    expect(await pty.exit).toBe(0)
    expect(pty.screen).not.toMatch(/\?/)
  })
})
