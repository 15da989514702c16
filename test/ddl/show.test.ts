// Reading clusters and replicas: the `cluster show` JSON shape, the hydration rule, SHOW CLUSTERS
// activity, synced overrides, and a constant number of queries however many clusters exist.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseClusterOptions} from '../../src/lib/ddl/cluster-options.js'
import {createCluster} from '../../src/lib/ddl/clusters.js'
import {hydratedReplicasSql} from '../../src/lib/catalog/signals.js'
import {listClusters, listReplicas, showCluster} from '../../src/lib/ddl/show.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {insertObject, insertReplica, reportHydrated, reportOnline} from './fixtures.js'

describe.each(backends())('cluster and replica reads on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
  })
  afterAll(async () => catalog.destroy())

  it('shows a managed cluster with the documented JSON shape', async () => {
    const row = await createCluster(
      catalog.db,
      'prod',
      parseClusterOptions({
        size: '100cc',
        replicationFactor: '2',
        availabilityZones: 'az1,az2',
        hydrationSize: '800cc',
        linger: '10m',
        features: ['enable_eager_delta_joins=on'],
      }),
      {nowMs: 42},
    )
    const r1 = await insertReplica(catalog.db, row.id, 'r1')
    const view = await showCluster(catalog.db, 'prod')
    expect(view).toEqual({
      id: row.id,
      name: 'prod',
      managed: true,
      builtin: false,
      size: '100cc',
      replication_factor: 2,
      availability_zones: ['az1', 'az2'],
      logging: {log_logging: false, interval_ms: 1000},
      schedule: {kind: 'manual'},
      auto_scaling_strategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: 600_000}},
      reconfiguration: null,
      burst: null,
      activity: null,
      replicas: [
        {
          id: r1,
          name: 'r1',
          size: '100cc',
          availability_zones: [],
          online: false,
          hydrated: false,
          internal: false,
          billed_as: null,
          created_at: 0,
        },
      ],
      features: {enable_eager_delta_joins: 'on'},
      synced_parameters: {},
      owner: 'mz_system',
      version: 1,
      created_at: 42,
    })
  })

  it('reports the reconfiguration and burst records and the SHOW CLUSTERS activity', async () => {
    const reconfiguration = {
      target: {
        size: '200cc',
        replication_factor: 2,
        availability_zones: ['az1', 'az2'],
        logging: {log_logging: false, interval_ms: 1000},
      },
      deadline: 1_900_000_000_000,
      on_timeout: 'rollback',
      status: 'in-progress',
    }
    const burst = {burst_size: '800cc', linger_duration_ms: 600_000, steady_hydrated_at: null}
    await catalog.db.query(
      "UPDATE mzcluster.clusters SET reconfiguration = $1::jsonb, burst = $2::jsonb WHERE name = 'prod'",
      [JSON.stringify(reconfiguration), JSON.stringify(burst)],
    )
    const view = await showCluster(catalog.db, 'prod')
    expect(view.reconfiguration).toEqual(reconfiguration)
    expect(view.burst).toEqual(burst)
    expect(view.activity).toBe('reconfiguring size to 200cc; hydration burst at 800cc')
    await catalog.db.query(
      "UPDATE mzcluster.clusters SET reconfiguration = jsonb_set(reconfiguration, '{status}', '\"finalized\"'), burst = NULL WHERE name = 'prod'",
    )
    const settled = await showCluster(catalog.db, 'prod')
    expect(settled.reconfiguration?.status).toBe('finalized')
    expect(settled.activity).toBeNull()
  })

  it('lists synced overrides of the cluster', async () => {
    const {id} = await showCluster(catalog.db, 'prod')
    await catalog.db.query(
      "INSERT INTO mzcluster.cluster_system_configurations (cluster_id, name, value) VALUES ($1, 'enable_new_outer_join_lowering', 'true')",
      [id],
    )
    expect((await showCluster(catalog.db, 'prod')).synced_parameters).toEqual({
      enable_new_outer_join_lowering: 'true',
    })
  })

  it('shows an unmanaged cluster with null managed-only fields', async () => {
    const row = await createCluster(catalog.db, 'scratch', parseClusterOptions({unmanaged: true}))
    expect(await showCluster(catalog.db, 'scratch')).toMatchObject({
      id: row.id,
      managed: false,
      size: null,
      replication_factor: null,
      availability_zones: null,
      logging: null,
      schedule: null,
      auto_scaling_strategy: null,
      reconfiguration: null,
      burst: null,
      replicas: [],
    })
  })

  it('lists builtin clusters, marked, unless excluded; ordered by name', async () => {
    const all = await listClusters(catalog.db)
    expect(all.map((c) => [c.name, c.builtin])).toEqual([
      ['mz_catalog_server', true],
      ['mz_probe', true],
      ['mz_system', true],
      ['prod', false],
      ['scratch', false],
    ])
    expect(all.find((c) => c.name === 'mz_system')?.replicas.map((r) => r.name)).toEqual(['r1'])
    expect((await listClusters(catalog.db, {includeBuiltin: false})).map((c) => c.name)).toEqual([
      'prod',
      'scratch',
    ])
  })

  it('reads every cluster in a constant number of queries', async () => {
    const counted = async () => {
      const before = catalog.db.statementCount
      await listClusters(catalog.db)
      return catalog.db.statementCount - before
    }
    const few = await counted()
    for (let i = 0; i < 4; i++) {
      const row = await createCluster(catalog.db, `bulk-${i}`, parseClusterOptions({size: '25cc'}))
      await insertReplica(catalog.db, row.id, 'r1', '25cc')
    }
    expect(await counted()).toBe(few)
    // clusters, replicas, synced rows, and the signal source parameter
    expect(few).toBeLessThanOrEqual(4)
  })

  describe('hydration', () => {
    let clusterId: string
    let r1: string
    let r2: string
    const hydration = async () =>
      Object.fromEntries(
        (await listReplicas(catalog.db, {cluster: 'hyd'})).map((r) => [r.name, [r.online, r.hydrated]]),
      )

    beforeAll(async () => {
      clusterId = (
        await createCluster(catalog.db, 'hyd', parseClusterOptions({size: '100cc', replicationFactor: '2'}))
      ).id
      r1 = await insertReplica(catalog.db, clusterId, 'r1')
      r2 = await insertReplica(catalog.db, clusterId, 'r2')
    })

    it('needs an online report: without one a replica is neither online nor hydrated', async () => {
      expect(await hydration()).toEqual({r1: [false, false], r2: [false, false]})
      await reportOnline(catalog.db, r1)
      await reportOnline(catalog.db, r2, false)
      // No hydratable objects: online is hydrated.
      expect(await hydration()).toEqual({r1: [true, true], r2: [false, false]})
    })

    it('needs every hydratable object reported hydrated on the replica', async () => {
      const index = await insertObject(catalog.db, clusterId, 'index')
      const mv = await insertObject(catalog.db, clusterId, 'materialized-view')
      expect(await hydration()).toEqual({r1: [true, false], r2: [false, false]})
      await reportHydrated(catalog.db, r1, index)
      await reportHydrated(catalog.db, r1, mv, false)
      expect(await hydration()).toEqual({r1: [true, false], r2: [false, false]})
      await reportHydrated(catalog.db, r1, mv)
      expect(await hydration()).toEqual({r1: [true, true], r2: [false, false]})
      // Hydration reports do not make an offline replica hydrated.
      await reportHydrated(catalog.db, r2, index)
      await reportHydrated(catalog.db, r2, mv)
      expect(await hydration()).toEqual({r1: [true, true], r2: [false, false]})
    })

    it('ignores webhook sources and objects pinned to another replica', async () => {
      await insertObject(catalog.db, clusterId, 'webhook-source')
      await insertObject(catalog.db, clusterId, 'sink', {replicaId: r2})
      expect(await hydration()).toEqual({r1: [true, true], r2: [false, false]})
      const pinnedHere = await insertObject(catalog.db, clusterId, 'source', {replicaId: r1})
      expect(await hydration()).toEqual({r1: [true, false], r2: [false, false]})
      await reportHydrated(catalog.db, r1, pinnedHere)
      expect(await hydration()).toEqual({r1: [true, true], r2: [false, false]})
    })

    it('is one SQL definition the controller can filter and embed', async () => {
      const rows = await catalog.db.query<{replica_id: string; cluster_id: string}>(
        hydratedReplicasSql('r.cluster_id = ANY($1)'),
        [[clusterId]],
      )
      expect(rows).toEqual([{replica_id: r1, cluster_id: clusterId}])
    })

    it('lists replicas of all clusters with their cluster, or of one cluster', async () => {
      const all = await listReplicas(catalog.db)
      expect(all.filter((r) => r.cluster_name === 'hyd').map((r) => r.name)).toEqual(['r1', 'r2'])
      expect(all.map((r) => r.cluster_name).slice(0, 3)).toEqual(['bulk-0', 'bulk-1', 'bulk-2'])
      const [first] = await listReplicas(catalog.db, {cluster: 'hyd'})
      expect(first).toEqual({
        id: r1,
        name: 'r1',
        cluster_id: clusterId,
        cluster_name: 'hyd',
        size: '100cc',
        availability_zones: [],
        online: true,
        hydrated: true,
        internal: false,
        billed_as: null,
        created_at: 0,
      })
      await expect(listReplicas(catalog.db, {cluster: 'nope'})).rejects.toThrow('unknown cluster "nope"')
    })
  })

  it('refuses an unknown cluster', async () => {
    await expect(showCluster(catalog.db, 'nope')).rejects.toMatchObject({
      exitCode: 2,
      code: 'CLUSTER_NOT_FOUND',
    })
  })
})
