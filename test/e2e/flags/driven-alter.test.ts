// Create-time flags for the ticks a waiting `cluster alter` drives, through the CLI: with
// `--flags-file` on the alter (no flag source in the environment), the target replica the driven
// tick creates gets its replica-scoped override in the transaction that creates it — no `flags sync`
// in between. Without a source it gets none.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {setParameter} from '../../alter/fixtures.js'
import {writeFlagFile} from '../../flags-catalog/flag-data.js'
import {ENVIRONMENT_ID} from '../../flags-catalog/objects.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {runCli} from '../../support/cli.js'

useWarmCatalogs()

/** No flag source in the environment: only the command's flags name one. */
const ENV = {NODE_ENV: undefined, MZCLUSTER_FLAGS_FILE: undefined, MZCLUSTER_LD_SDK_KEY: undefined, MZCLUSTER_LD_KEY_MAP: undefined}

describe.each(backends())('flags for the replicas a waiting alter creates (%s)', (backend: Backend) => {
  let catalog: TestCatalog
  let dir: string
  let file: string
  const cli = (args: string[]) => runCli(args, {catalog: catalog.location, env: ENV, timeoutMs: 240_000})
  /** Each replica of `cluster` with its size and its replica-scoped parameter rows. */
  const replicas = (cluster: string) =>
    catalog.use(async (db) => {
      const rows = await db.query<{name: string; size: string; params: string | null}>(
        `SELECT r.name, r.size, string_agg(p.name || '=' || p.value, ',' ORDER BY p.name) AS params
           FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id
           LEFT JOIN mzcluster.mz_replica_system_parameters p ON p.replica_id = r.id
          WHERE c.name = $1 GROUP BY r.name, r.size, r.ord ORDER BY r.ord`,
        [cluster],
      )
      return rows.map((row) => `${row.name} ${row.size} ${row.params ?? '-'}`)
    })

  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-driven-flags-'))
    file = join(dir, 'flags.json')
    // Replicas of the legacy size family get enable_lgalloc=false; everyone else the default.
    writeFlagFile(file, {legacyLgalloc: false})
    for (const [name, value] of [
      ['signal_source', 'simulated'],
      ['simulated_hydration_delay', '1s'],
      ['cluster_controller_tick_interval', '200ms'],
      ['cluster_alter_check_ready_interval', '100ms'],
    ] as const) {
      await setParameter(catalog.db, name, value)
    }
    await catalog.close()
    for (const name of ['with_source', 'without_source']) {
      expect((await cli(['cluster', 'create', name, '--size', '100cc'])).code).toBe(0)
    }
    expect((await cli(['tick'])).code).toBe(0)
  }, 300_000)
  afterAll(async () => {
    await catalog?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('--flags-file on the alter: the target replica is created with its override; the cut-over leaves it alone', async () => {
    const result = await cli(['cluster', 'alter', 'with_source', '--size', 'xsmall', '--wait', '--flags-file', file])
    expect(result.code, result.stderr).toBe(0)
    expect(await replicas('with_source')).toEqual(['r2 xsmall enable_lgalloc=false'])
  })

  it('without a flag source the target replica gets no override', async () => {
    const result = await cli(['cluster', 'alter', 'without_source', '--size', 'xsmall', '--wait'])
    expect(result.code, result.stderr).toBe(0)
    expect(await replicas('without_source')).toEqual(['r2 xsmall -'])
  })
})
