// flags sync end to end through the built binary, on both backends, with the checked-in flag-data
// file (test/fixtures/flags/scoped-flags.json) and the standard objects of flags-catalog/objects.ts:
// a cluster rule on mz_catalog_server only, a replica rule on the legacy size family, a rule that
// serves the env-wide value (no row), an individual target on replica u3, an unparseable served
// value (no row), GC of a dropped replica, an unchanged sync that writes nothing, the gate.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Db} from '../../../src/lib/catalog/db.js'
import type {TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {json, runCli} from '../../support/cli.js'
import {ENVIRONMENT_ID, FIXTURE, insertObjects, syncedRows} from '../../flags-catalog/objects.js'

useWarmCatalogs()

interface SyncJson {
  written: boolean
  scoped_enabled: boolean
  changes: {
    scope: string
    object_id: string | null
    object_name: string | null
    name: string
    op: string
    from: string | null
    to: string | null
    reason: string | null
  }[]
  summary: {environment: number; added: number; updated: number; removed: number}
}

const PLAN = [
  '+ cluster s2 enable_eager_delta_joins = true',
  '+ replica u2 enable_lgalloc = false',
  '+ replica u3 enable_compute_half_join2 = false',
  '+ replica u3 enable_lgalloc = false',
  'Plan: 4 to add, 0 to change, 0 to remove; 0 environment-wide changes.',
  '',
].join('\n')

describe.each(backends())('flags sync (CLI) on %s', (backend) => {
  let catalog: TestCatalog
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(['flags', ...args], {catalog: catalog.location, env})
  const withDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> => catalog.use(fn)
  const state = () =>
    withDb(async (db) => ({
      rows: await syncedRows(db),
      // xmin changes when a row is rewritten: proof that no transaction wrote the cache.
      xmins: (
        await db.query<{x: string}>(
          `SELECT xmin::text AS x FROM mzcluster.cluster_system_configurations
           UNION ALL SELECT xmin::text FROM mzcluster.replica_system_configurations ORDER BY 1`,
        )
      ).map((r) => r.x),
      audit: (await db.query<{n: number}>('SELECT count(*)::int AS n FROM mzcluster.audit_events'))[0]?.n,
    }))

  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
    if (backend === 'embedded') await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('a dry run prints the plan and writes nothing', async () => {
    const result = await cli(['sync', '--flags-file', FIXTURE, '--dry-run'])
    expect(result).toMatchObject({code: 0, stdout: PLAN, stderr: ''})
    expect((await state()).rows).toEqual({cluster: [], replica: []})
  })

  it('writes the overrides: mz_catalog_server only, legacy replicas only, the u3 target; no row for env-wide or unparseable values', async () => {
    const result = await cli(['sync', '--flags-file', FIXTURE, '--json'])
    expect(result.code).toBe(0)
    const sync = json<SyncJson>(result)
    expect(sync).toMatchObject({
      written: true,
      scoped_enabled: true,
      summary: {environment: 0, added: 4, updated: 0, removed: 0},
    })
    expect(sync.changes[0]).toEqual({
      scope: 'cluster',
      object_id: 's2',
      object_name: 'mz_catalog_server',
      name: 'enable_eager_delta_joins',
      op: 'add',
      from: null,
      to: 'true',
      reason: null,
    })
    expect((await state()).rows).toEqual({
      cluster: ['s2 enable_eager_delta_joins=true'],
      replica: ['u2 enable_lgalloc=false', 'u3 enable_compute_half_join2=false', 'u3 enable_lgalloc=false'],
    })
  })

  it('an unchanged second sync writes nothing', async () => {
    const before = await state()
    const result = await cli(['sync', '--flags-file', FIXTURE])
    expect(result).toMatchObject({code: 0, stdout: 'No changes.\n'})
    expect(await state()).toEqual(before)
  })

  it('removes the rows of a dropped replica on the next sync (flag source from the environment)', async () => {
    await withDb((db) => db.query("DELETE FROM mzcluster.replicas WHERE id = 'u2'"))
    const result = await cli(['sync'], {MZCLUSTER_FLAGS_FILE: FIXTURE})
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      '- replica u2 enable_lgalloc  (object dropped)\nApplied: 0 added, 0 changed, 1 removed; 0 environment-wide changes.\n',
    )
    expect((await state()).rows.replica).toEqual([
      'u3 enable_compute_half_join2=false',
      'u3 enable_lgalloc=false',
    ])
  })

  it('with enable_scoped_system_parameters off clears every synced row, once', async () => {
    expect((await cli(['set', 'enable_scoped_system_parameters=off'])).code).toBe(0)
    const cleared = json<SyncJson>(await cli(['sync', '--flags-file', FIXTURE, '--json']))
    expect(cleared).toMatchObject({written: true, scoped_enabled: false, summary: {added: 0, removed: 3}})
    expect(cleared.changes.every((c) => c.op === 'remove' && c.reason === 'scoped-disabled')).toBe(true)
    const after = await state()
    expect(after.rows).toEqual({cluster: [], replica: []})
    const again = await cli(['sync', '--flags-file', FIXTURE])
    expect(again).toMatchObject({code: 0, stdout: 'No changes.\n'})
    expect((await state()).audit).toBe(after.audit)
  })
})

describe('flags sync (CLI) without a flag source', () => {
  it('exits 2 naming both flags', async () => {
    const result = await runCli(['flags', 'sync'], {
      env: {MZCLUSTER_FLAGS_FILE: undefined, MZCLUSTER_LD_SDK_KEY: undefined},
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/no flag source: pass --flags-file FILE .* or --sdk-key KEY/)
  })
})
