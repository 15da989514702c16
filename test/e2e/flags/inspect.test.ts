// flags inspect through the built binary on an 80×24 pseudo-terminal: scope → search a cluster
// (exact and prefix matches first) → one line per parameter with the selected one's layers below
// → one parameter's layers and LaunchDarkly evaluation → Esc back → quit; Ctrl-C leaves quietly
// with 130; the refusals without a terminal and of --json.

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {runCli} from '../../support/cli.js'
import {ENVIRONMENT_ID, FIXTURE, insertClusters, insertObjects} from '../../flags-catalog/objects.js'
import type {PtySession} from './pty.js'
import {KEYS, runOnPty} from './pty.js'

useWarmCatalogs()

const TERMINAL = {cols: 80, rows: 24}
const sessions: PtySession[] = []
const inspect = (location: string, ...extra: string[]) => {
  const session = runOnPty(['flags', 'inspect', '--catalog', location, ...extra], {}, TERMINAL)
  sessions.push(session)
  return session
}

describe('flags inspect', () => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog('embedded', {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
    await insertClusters(catalog.db, [{id: 'u9', name: 'prod', size: '100cc'}])
    await catalog.db.query(
      "INSERT INTO mzcluster.cluster_system_configurations VALUES ('s2', 'enable_eager_delta_joins', 'true')",
    )
    await catalog.db.query(
      "INSERT INTO mzcluster.system_parameters VALUES ('enable_join_prioritize_arranged', 'on', 0)",
    )
    await catalog.db.query(
      `UPDATE mzcluster.clusters SET features = '{"enable_left_joins_lowering": "true"}' WHERE id = 's2'`,
    )
    await catalog.close()
  })
  // A failed walk must not leave its process holding the catalog for the next test.
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      session.kill()
      await session.exit
    }
  })
  afterAll(async () => catalog.destroy())

  it('walks scope → cluster → parameter detail at 80×24', async () => {
    const pty = inspect(catalog.location, '--flags-file', FIXTURE)
    await pty.waitFor(/\? Scope[\s\S]*❯ environment/)
    pty.write(KEYS.down)
    await pty.waitFor(/❯ cluster/)
    pty.write(KEYS.enter)
    await pty.waitFor(/Cluster \(type to search\)/)
    pty.write('catalog')
    await pty.waitFor(/search\) catalog\n❯ mz_catalog_server\n\ns2/)
    pty.write(KEYS.enter)

    const list = await pty.waitFor(/\? Parameter[\s\S]*↑↓ navigate • ⏎ select • esc back/)
    expect(list).toContain('cluster mz_catalog_server (s2)')
    // One line per parameter: name, effective value, layer; the selected one's layers below.
    expect(list).toMatch(/❯ enable_eager_delta_joins +on +synced\n/)
    expect(list).toMatch(/ enable_join_prioritize_arranged +on +environment\n/)
    expect(list).toMatch(/ enable_left_joins_lowering +on +manual\n/)
    expect(list).toMatch(/ enable_new_outer_join_lowering +off +default\n/)
    expect(list).toMatch(/\ndefault off · environment — · manual — · synced on\n/)
    for (const line of list.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80)

    // Moving the selection shows the next parameter's layers.
    pty.write(KEYS.down)
    await pty.waitFor(/❯ enable_join_prioritize_arranged[\s\S]*\ndefault off · environment on · manual — · synced —\n/)
    pty.write(KEYS.up)
    await pty.waitFor(/❯ enable_eager_delta_joins[\s\S]*synced on\n/)
    pty.write(KEYS.enter)
    const detail = await pty.waitFor(/decision .*\n/)
    expect(detail).toContain('enable_eager_delta_joins on cluster mz_catalog_server (s2)')
    expect(detail).toMatch(/effective +on \(synced\)/)
    expect(detail).toContain('LaunchDarkly flag enable_eager_delta_joins (default off):')
    expect(detail).toMatch(/environment +false — variation 0, FALLTHROUGH\n/)
    expect(detail).toMatch(/cluster +true — variation 1, RULE_MATCH \(rule 0, catalog-server\)\n/)
    expect(detail).toMatch(/decision +override: differs from the environment-wide value/)
    for (const line of detail.split('\n').slice(1)) expect([...line].length, line).toBeLessThanOrEqual(80)

    // Esc goes back to the scope; quit from there.
    await pty.waitFor(/\? Parameter/)
    pty.write(KEYS.escape)
    await pty.waitFor(/\? Scope/)
    pty.write('quit')
    await pty.waitFor(/❯ quit/)
    pty.write(KEYS.enter)
    expect(await pty.exit).toBe(0)
  })

  it('search ranks exact and prefix matches first', async () => {
    const pty = inspect(catalog.location)
    await pty.waitFor(/\? Scope[\s\S]*❯ environment/)
    pty.write(KEYS.down)
    await pty.waitFor(/❯ cluster/)
    pty.write(KEYS.enter)
    await pty.waitFor(/Cluster \(type to search\)/)
    pty.write('pro')
    // prod (a prefix match) first, mz_probe (a substring match) after it.
    await pty.waitFor(/search\) pro\n❯ prod\n {2}mz_probe\n/)
    // Esc from the search goes back to the scope, and Esc there leaves.
    pty.write(KEYS.escape)
    await pty.waitFor(/\? Scope/)
    pty.write(KEYS.escape)
    expect(await pty.exit).toBe(0)
  })

  it('Ctrl-C leaves quietly with exit code 130', async () => {
    const pty = inspect(catalog.location)
    await pty.waitFor(/\? Scope[\s\S]*❯ environment/)
    pty.write(KEYS.ctrlC)
    expect(await pty.exit).toBe(130)
    expect(pty.screen).not.toMatch(/Error|interrupted/)
  })

  it('refuses --json and names flags dump --json', async () => {
    const result = await runCli(['flags', 'inspect', '--json', '--catalog', catalog.location])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('flags inspect is interactive and has no --json')
    expect(result.stderr).toContain('mzcluster flags dump --resolved --json')
  })

  it('refuses without a terminal and names flags dump', async () => {
    const result = await runCli(['flags', 'inspect', '--catalog', catalog.location])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(
      'flags inspect is interactive; use `mzcluster flags dump --resolved` in scripts',
    )
  })
})
