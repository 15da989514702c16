// Tables on an 80-column pseudo-terminal fit it: a 70-character cluster name and long audit
// details are cut with … instead of wrapping or widening every row; piped output keeps them whole.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {runCli} from '../../support/cli.js'
import {runOnPty} from '../flags/pty.js'

useWarmCatalogs()

const LONG_NAME = `billing_${'q'.repeat(62)}`
const TERMINAL = {cols: 80, rows: 24}

/** The lines of a command's table as shown on an 80×24 terminal. */
async function onTerminal(args: readonly string[]): Promise<string[]> {
  const pty = runOnPty(args, {}, TERMINAL)
  expect(await pty.exit).toBe(0)
  return pty.screen.split('\n').filter((line) => line.trim() !== '')
}

describe('tables on an 80-column terminal', () => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close()
    for (const args of [
      ['cluster', 'create', LONG_NAME, '--size', '100cc', '--replication-factor', '2', '--availability-zones', 'use1-az1,use1-az2'],
      ['cluster', 'create', 'prod', '--size', '200cc'],
      ['tick'],
    ]) {
      const result = await runCli(args, {catalog: catalog.location})
      expect(result.stderr).not.toContain('Error')
      expect(result.code).toBe(0)
    }
  }, 120_000)
  afterAll(async () => catalog.destroy())

  it('cluster list fits 80 columns and cuts the long name with …', async () => {
    const lines = await onTerminal(['cluster', 'list', '--catalog', catalog.location])
    expect(lines[0]).toMatch(/^NAME +REPLICAS +ACTIVITY +SIZE +RF +BUILTIN$/)
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80)
    const long = lines.find((line) => line.startsWith('billing_'))
    expect(long).toMatch(/^billing_q+… +r1 \(100cc\), r2 \(100cc\) +100cc +2 +false$/)
    expect(lines.some((line) => /^prod +r1 \(200cc\) +200cc +1 +false$/.test(line))).toBe(true)
    // One line per cluster: nothing wrapped.
    expect(lines).toHaveLength(1 + 5) // three builtin clusters, prod and the long one
  })

  it('audit cuts DETAILS to fit', async () => {
    const lines = await onTerminal(['audit', '--catalog', catalog.location])
    expect(lines[0]).toMatch(/^ *ID +TIME +EVENT +OBJECT +DETAILS$/)
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80)
    expect(lines.some((line) => line.includes('…'))).toBe(true)
  })

  it('piped, the same commands print whole values', async () => {
    const list = await runCli(['cluster', 'list'], {catalog: catalog.location})
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(`${LONG_NAME}\t`)
    expect(list.stdout).not.toContain('…')
    const audit = await runCli(['audit'], {catalog: catalog.location})
    expect(audit.stdout).not.toContain('…')
    expect(audit.stdout).toContain(LONG_NAME)
  })
})
