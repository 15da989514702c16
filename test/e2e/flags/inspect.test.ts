// flags inspect through the built binary on a pseudo-terminal: scope → search a cluster → the
// parameter table → one parameter's layers and LaunchDarkly evaluation → quit; and the refusal
// without a terminal.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog} from '../../support/catalogs.js'
import {runCli} from '../../support/cli.js'
import {ENVIRONMENT_ID, FIXTURE, insertObjects} from '../../flags-catalog/objects.js'
import {KEYS, runOnPty} from './pty.js'

describe('flags inspect', () => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog('embedded', {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
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
  afterAll(async () => catalog.destroy())

  it('walks scope → cluster → parameter detail on a terminal', async () => {
    const pty = runOnPty(['flags', 'inspect', '--catalog', catalog.location, '--flags-file', FIXTURE])
    await pty.waitFor(/\? Scope[\s\S]*❯ environment/)
    pty.write(KEYS.down)
    await pty.waitFor(/❯ cluster/)
    pty.write(KEYS.enter)
    await pty.waitFor(/Cluster \(type to search\)/)
    pty.write('catalog')
    await pty.waitFor(/search\) catalog\n❯ mz_catalog_server\n\ns2/)
    pty.write(KEYS.enter)

    const table = await pty.waitFor(/\? Parameter \(type to jump\)/)
    expect(table).toContain('cluster mz_catalog_server (s2)')
    expect(table).toMatch(/NAME +VALUE +LAYER +DEFAULT +ENVIRONMENT +MANUAL +SYNCED/)
    expect(table).toMatch(/enable_eager_delta_joins +on +synced +off +on\n/)
    expect(table).toMatch(/enable_join_prioritize_arranged +on +environment +off +on\n/)
    expect(table).toMatch(/enable_left_joins_lowering +on +manual +off +on\n/)
    expect(table).toMatch(/enable_new_outer_join_lowering +off +default +off\n/)

    pty.write('enable_ea')
    await pty.waitFor(/❯ enable_eager_delta_joins/)
    pty.write(KEYS.enter)
    const detail = await pty.waitFor(/decision .*\n/)
    expect(detail).toContain('enable_eager_delta_joins on cluster mz_catalog_server (s2)')
    expect(detail).toMatch(/effective +on \(synced\)/)
    expect(detail).toContain('LaunchDarkly flag enable_eager_delta_joins:')
    expect(detail).toMatch(/environment context +false — variation 0, FALLTHROUGH/)
    expect(detail).toMatch(
      /cluster context +true — variation 1, RULE_MATCH \(rule 0, catalog-server\) +\(default off\)/,
    )
    expect(detail).toMatch(/decision +override: differs from the environment-wide value/)

    await pty.waitFor(/\? Parameter \(type to jump\)/)
    pty.write('quit')
    await pty.waitFor(/❯ quit/)
    pty.write(KEYS.enter)
    expect(await pty.exit).toBe(0)
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
