// The flags read model on real catalogs: one snapshot with pins, synced rows and size families,
// filters that read only the selected objects, orphan rows of dropped objects, and the typed
// environment-wide reader.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {SystemParameters} from '../../src/lib/catalog/parameters.js'
import {readFlagState} from '../../src/lib/flags/store.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {ENVIRONMENT_ID, insertObjects} from './objects.js'

describe.each(backends())('flags store on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
    await catalog.db.query(
      `UPDATE mzcluster.clusters SET features = '{"enable_eager_delta_joins": "true"}' WHERE id = 'u1'`,
    )
    await catalog.db.query(
      `INSERT INTO mzcluster.replica_parameter_pins VALUES ('u2', 'enable_lgalloc', 'off')`,
    )
    await catalog.db.query(
      `INSERT INTO mzcluster.replica_system_configurations VALUES ('u3', 'enable_lgalloc', 'false'), ('u77', 'enable_lgalloc', 'false')`,
    )
    await catalog.db.query(
      `INSERT INTO mzcluster.cluster_system_configurations VALUES ('s2', 'enable_eager_delta_joins', 'true')`,
    )
    await catalog.db.query(
      `INSERT INTO mzcluster.system_parameters VALUES ('max_replicas_per_cluster', '8', 0), ('signal_source', 'bogus', 0)`,
    )
  })
  afterAll(async () => catalog.destroy())

  it('reads everything in one snapshot, with size families and orphans', async () => {
    const state = await readFlagState(catalog.db)
    expect(state.environmentId).toBe(ENVIRONMENT_ID)
    expect(state.environment.get('max_replicas_per_cluster')).toBe('8')
    expect(state.clusters.map((c) => c.name)).toEqual([
      'legacy_cl',
      'mz_catalog_server',
      'mz_probe',
      'mz_system',
      'quickstart',
      'scratch',
    ])
    expect(state.clusters.find((c) => c.id === 'u1')?.pins).toEqual(
      new Map([['enable_eager_delta_joins', 'true']]),
    )
    expect(state.clusters.find((c) => c.id === 's2')?.synced).toEqual(
      new Map([['enable_eager_delta_joins', 'true']]),
    )
    const replicas = state.replicas.map(
      (r) => `${r.clusterName}.${r.name} ${r.id} ${r.size ?? '-'} ${r.sizeFamily ?? '-'}`,
    )
    expect(replicas).toEqual([
      'legacy_cl.r1 u2 xsmall legacy',
      'legacy_cl.r2 u3 xsmall legacy',
      'mz_catalog_server.r1 s2 100cc cc',
      'mz_probe.r1 s3 25cc cc',
      'mz_system.r1 s1 100cc cc',
      'quickstart.r1 u1 100cc cc',
      'scratch.r1 u4 - -',
    ])
    expect(state.replicas.find((r) => r.id === 'u2')?.pins).toEqual(new Map([['enable_lgalloc', 'off']]))
    expect(state.orphans).toEqual([
      {scope: 'replica', objectId: 'u77', name: 'enable_lgalloc', value: 'false'},
    ])
  })

  it('reads only the selected objects', async () => {
    const one = await readFlagState(catalog.db, {clusters: 'none', replicas: {clusterId: 'u2'}})
    expect(one.clusters).toEqual([])
    expect(one.replicas.map((r) => r.id)).toEqual(['u2', 'u3'])
    expect(one.orphans).toEqual([]) // rows of other objects are not read at all
    const cluster = await readFlagState(catalog.db, {clusters: {id: 's2'}, replicas: 'none'})
    expect(cluster.clusters.map((c) => c.id)).toEqual(['s2'])
    expect(cluster.replicas).toEqual([])
  })

  it('reads one environment-wide parameter typed, an unparseable stored value falling back to the default', async () => {
    const parameters = await SystemParameters.read(catalog.db)
    expect(parameters.number('max_replicas_per_cluster')).toBe(8)
    expect(parameters.string('signal_source')).toBe('catalog')
    expect(parameters.number('cluster_controller_tick_interval')).toBe(5000)
  })
})
