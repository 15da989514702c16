// flags sync at library level on real catalogs: the checked-in flag-data file against the standard
// objects (objects.ts), the sparse diff, GC, the gate, the skip-when-unchanged rule, and the
// introspection views.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {integrations} from '@launchdarkly/node-server-sdk'
import {openFlagSource, type FlagSource} from '../../src/lib/flags/evaluate.js'
import {setParameters} from '../../src/lib/flags/settings.js'
import {syncFlags} from '../../src/lib/flags/sync.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {ENVIRONMENT_ID, FIXTURE, insertObjects, syncedRows} from './objects.js'

const build = {sha: 'test-sha', semver: '0.1.0'}

const EXPECTED_CLUSTER_ROWS = ['s2 enable_eager_delta_joins=true']
const EXPECTED_REPLICA_ROWS = [
  'u2 enable_lgalloc=false',
  'u3 enable_compute_half_join2=false',
  'u3 enable_lgalloc=false',
]

async function xmins(catalog: TestCatalog): Promise<string[]> {
  const rows = await catalog.db.query<{x: string}>(
    `SELECT xmin::text AS x FROM mzcluster.cluster_system_configurations
     UNION ALL SELECT xmin::text FROM mzcluster.replica_system_configurations ORDER BY 1`,
  )
  return rows.map((row) => row.x)
}

async function auditCount(catalog: TestCatalog): Promise<number> {
  const [row] = await catalog.db.query<{n: number}>(
    "SELECT count(*)::int AS n FROM mzcluster.audit_events WHERE object_type = 'system-parameter'",
  )
  return row?.n ?? 0
}

describe.each(backends())('flags sync on %s', (backend) => {
  let catalog: TestCatalog
  let source: FlagSource
  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
    source = await openFlagSource({flagsFile: FIXTURE})
  })
  afterAll(async () => {
    source.close()
    await catalog.destroy()
  })

  it('a dry run plans the overrides and writes nothing', async () => {
    const result = await syncFlags(catalog.db, {source, build, dryRun: true})
    expect(result).toMatchObject({
      dry_run: true,
      written: false,
      scoped_enabled: true,
      environment_id: ENVIRONMENT_ID,
    })
    expect(result.summary).toEqual({environment: 0, added: 4, updated: 0, removed: 0})
    expect(await syncedRows(catalog.db)).toEqual({cluster: [], replica: []})
    expect(await auditCount(catalog)).toBe(0)
  })

  it('writes exactly the overrides that differ from the environment-wide value', async () => {
    const result = await syncFlags(catalog.db, {source, build})
    expect(result.written).toBe(true)
    expect(result.changes).toEqual([
      {
        scope: 'cluster',
        object_id: 's2',
        object_name: 'mz_catalog_server',
        name: 'enable_eager_delta_joins',
        op: 'add',
        from: null,
        to: 'true',
        reason: null,
      },
      {
        scope: 'replica',
        object_id: 'u2',
        object_name: 'legacy_cl.r1',
        name: 'enable_lgalloc',
        op: 'add',
        from: null,
        to: 'false',
        reason: null,
      },
      {
        scope: 'replica',
        object_id: 'u3',
        object_name: 'legacy_cl.r2',
        name: 'enable_compute_half_join2',
        op: 'add',
        from: null,
        to: 'false',
        reason: null,
      },
      {
        scope: 'replica',
        object_id: 'u3',
        object_name: 'legacy_cl.r2',
        name: 'enable_lgalloc',
        op: 'add',
        from: null,
        to: 'false',
        reason: null,
      },
    ])
    // quickstart's RULE_MATCH serving the env-wide value and the unparseable "lots" on cc replicas leave no row.
    expect(await syncedRows(catalog.db)).toEqual({
      cluster: EXPECTED_CLUSTER_ROWS,
      replica: EXPECTED_REPLICA_ROWS,
    })
    expect(result.warnings).toEqual([])
    const events = await catalog.db.query<{details: Record<string, unknown>}>(
      "SELECT details FROM mzcluster.audit_events WHERE object_type = 'system-parameter' ORDER BY id",
    )
    expect(events).toHaveLength(4)
    expect(events[1]?.details).toEqual({
      name: 'enable_lgalloc',
      value: 'false',
      previous: null,
      scope: 'replica',
      object_id: 'u2',
      cluster_id: 'u2',
      cluster_name: 'legacy_cl',
      replica_id: 'u2',
      replica_name: 'r1',
      source: 'sync',
    })
  })

  it('the introspection views show the synced rows', async () => {
    const clusters = await catalog.db.query(
      `SELECT c.name AS cluster, p.name, p.value FROM mzcluster.mz_cluster_system_parameters p
       JOIN mzcluster.clusters c ON c.id = p.cluster_id ORDER BY 1, 2`,
    )
    expect(clusters).toEqual([
      {cluster: 'mz_catalog_server', name: 'enable_eager_delta_joins', value: 'true'},
    ])
    const replicas = await catalog.db.query(
      `SELECT c.name AS cluster, r.name AS replica, p.name, p.value FROM mzcluster.mz_replica_system_parameters p
       JOIN mzcluster.replicas r ON r.id = p.replica_id JOIN mzcluster.clusters c ON c.id = r.cluster_id ORDER BY 1, 2, 3`,
    )
    expect(replicas).toEqual([
      {cluster: 'legacy_cl', replica: 'r1', name: 'enable_lgalloc', value: 'false'},
      {cluster: 'legacy_cl', replica: 'r2', name: 'enable_compute_half_join2', value: 'false'},
      {cluster: 'legacy_cl', replica: 'r2', name: 'enable_lgalloc', value: 'false'},
    ])
  })

  it('an unchanged sync only reads, in a number of statements independent of the object count', async () => {
    const before = {
      xmins: await xmins(catalog),
      audit: await auditCount(catalog),
      statements: catalog.db.statementCount,
    }
    const result = await syncFlags(catalog.db, {source, build})
    expect(result).toMatchObject({
      written: false,
      changes: [],
      summary: {environment: 0, added: 0, updated: 0, removed: 0},
    })
    const statements = catalog.db.statementCount - before.statements
    expect(statements).toBeLessThanOrEqual(10) // one read-only snapshot transaction
    expect(await xmins(catalog)).toEqual(before.xmins)
    expect(await auditCount(catalog)).toBe(before.audit)

    // Twenty more cc replicas (no overrides for them): the same number of statements.
    await catalog.db.query(
      `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at)
       SELECT 'u' || g, g, 'u1', 'extra' || g, '100cc', 0 FROM generate_series(100, 119) AS g`,
    )
    const start = catalog.db.statementCount
    expect((await syncFlags(catalog.db, {source, build})).written).toBe(false)
    expect(catalog.db.statementCount - start).toBe(statements)
    await catalog.db.query("DELETE FROM mzcluster.replicas WHERE name LIKE 'extra%'")
  })

  it('removes the rows of a dropped replica and keeps rows it did not evaluate', async () => {
    await catalog.db.query("DELETE FROM mzcluster.replicas WHERE id = 'u2'")
    // A replica whose size the map does not know is skipped with a warning; its rows stay.
    await catalog.db.query("UPDATE mzcluster.replicas SET size = 'mystery' WHERE id = 'u3'")
    const result = await syncFlags(catalog.db, {source, build})
    expect(result.changes).toEqual([
      {
        scope: 'replica',
        object_id: 'u2',
        object_name: null,
        name: 'enable_lgalloc',
        op: 'remove',
        from: 'false',
        to: null,
        reason: 'object-dropped',
      },
    ])
    expect(result.warnings).toEqual([
      'skipping replica legacy_cl.r2 (u3): size "mystery" is not in the size map',
    ])
    expect((await syncedRows(catalog.db)).replica).toEqual([
      'u3 enable_compute_half_join2=false',
      'u3 enable_lgalloc=false',
    ])
    await catalog.db.query("UPDATE mzcluster.replicas SET size = 'xsmall' WHERE id = 'u3'")
  })

  it('with the gate off clears every synced row once, and then writes nothing', async () => {
    await setParameters(catalog.db, {kind: 'environment'}, ['enable_scoped_system_parameters=off'])
    const first = await syncFlags(catalog.db, {source, build})
    expect(first.scoped_enabled).toBe(false)
    expect(first.summary).toEqual({environment: 0, added: 0, updated: 0, removed: 3})
    expect(first.changes.every((change) => change.reason === 'scoped-disabled')).toBe(true)
    expect(await syncedRows(catalog.db)).toEqual({cluster: [], replica: []})
    const audit = await auditCount(catalog)
    const second = await syncFlags(catalog.db, {source, build})
    expect(second).toMatchObject({written: false, changes: []})
    expect(await auditCount(catalog)).toBe(audit)
    await setParameters(catalog.db, {kind: 'environment'}, ['enable_scoped_system_parameters=on'])
    const third = await syncFlags(catalog.db, {source, build})
    expect(third.summary.added).toBe(3)
  })

  it('never touches manual pins', async () => {
    await setParameters(catalog.db, {kind: 'cluster', cluster: 'mz_catalog_server'}, [
      'enable_eager_delta_joins=off',
    ])
    await setParameters(catalog.db, {kind: 'replica', replica: {cluster: 'legacy_cl', replica: 'r2'}}, [
      'enable_lgalloc=on',
    ])
    const result = await syncFlags(catalog.db, {source, build})
    expect(result.changes).toEqual([])
    const [cluster] = await catalog.db.query<{features: unknown}>(
      "SELECT features FROM mzcluster.clusters WHERE id = 's2'",
    )
    expect(cluster?.features).toEqual({enable_eager_delta_joins: 'off'})
  })
})

describe.each(backends())('flags sync environment-wide pass on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
  })
  afterAll(async () => catalog.destroy())

  const sourceOf = async (configure: (td: integrations.TestData) => void) => {
    const td = new integrations.TestData()
    configure(td)
    return openFlagSource({testData: td})
  }

  it('sets a served value, resets one equal to the default, and warns about an unparseable one', async () => {
    await setParameters(catalog.db, {kind: 'environment'}, ['max_replicas_per_cluster=7'])
    const source = await sourceOf((td) => {
      td.update(td.flag('cluster_controller_tick_interval').valueForAll('10s'))
      td.update(td.flag('max_replicas_per_cluster').valueForAll(5))
      td.update(td.flag('default_hydration_burst_linger').valueForAll('soon'))
    })
    try {
      const result = await syncFlags(catalog.db, {source, build})
      expect(result.changes).toEqual([
        {
          scope: 'environment',
          object_id: null,
          object_name: null,
          name: 'cluster_controller_tick_interval',
          op: 'update',
          from: '5s',
          to: '10s',
          reason: null,
        },
        {
          scope: 'environment',
          object_id: null,
          object_name: null,
          name: 'max_replicas_per_cluster',
          op: 'update',
          from: '7',
          to: '5',
          reason: null,
        },
      ])
      expect(result.warnings).toEqual([
        'cannot modify system parameter default_hydration_burst_linger: served value "soon" does not parse (invalid duration "soon": expected <number><unit> terms with unit ms, s, m, h or d (examples: 500ms, 30s, 5m, 1h30m, 0)); unchanged',
      ])
      const rows = await catalog.db.query('SELECT name, value FROM mzcluster.system_parameters ORDER BY name')
      expect(rows).toEqual([{name: 'cluster_controller_tick_interval', value: '10s'}])
      expect((await syncFlags(catalog.db, {source, build})).changes).toEqual([])
    } finally {
      source.close()
    }
  })

  it('scoped overrides compare against the env-wide value after this pull; a key map renames flags', async () => {
    const source = await sourceOf((td) => {
      td.update(
        td
          .flag('lgalloc')
          .booleanFlag()
          .fallthroughVariation(false)
          .ifMatch('replica', 'replica_id', 'u1')
          .thenReturn(true),
      )
    })
    try {
      const keyMap = new Map([['enable_lgalloc', 'lgalloc']])
      const result = await syncFlags(catalog.db, {source, build, keyMap, dryRun: true})
      const summary = result.changes.map(
        (c) => `${c.op} ${c.scope} ${c.object_id ?? ''} ${c.name} ${c.from} → ${c.to}`,
      )
      // Env-wide lgalloc goes off; replica u1 is served true, which now differs.
      expect(summary).toEqual([
        'update environment  enable_lgalloc on → off',
        'add replica u1 enable_lgalloc null → true',
      ])
    } finally {
      source.close()
    }
  })
})
