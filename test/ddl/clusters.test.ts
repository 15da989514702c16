// Cluster create and drop against real catalogs: what is written (config only, no replicas), ids,
// audit events, and every refusal leaving the catalog unchanged.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseClusterOptions, type ClusterOptionInput} from '../../src/lib/ddl/cluster-options.js'
import {createCluster, dropCluster, planClusterDrop} from '../../src/lib/ddl/clusters.js'
import {readAuditLog} from '../../src/lib/ddl/audit-log.js'
import {showCluster} from '../../src/lib/ddl/show.js'
import {UsageError} from '../../src/lib/errors.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {catalogCounts, insertObject, insertReplica, reportHydrated, reportOnline} from './fixtures.js'

const spec = (input: ClusterOptionInput) => parseClusterOptions(input)

describe.each(backends())('cluster DDL on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
  })
  afterAll(async () => catalog.destroy())

  /** Expect `action` to be refused with exit 2 and a message matching `message`, writing nothing. */
  async function expectRefused(action: () => Promise<unknown>, message: RegExp): Promise<void> {
    const before = await catalogCounts(catalog.db)
    const error = await action().then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).exitCode).toBe(2)
    expect((error as UsageError).message).toMatch(message)
    expect(await catalogCounts(catalog.db)).toEqual(before)
  }

  it('creates a managed cluster: realized config only, no replicas, one audit event', async () => {
    const before = await catalogCounts(catalog.db)
    const row = await createCluster(
      catalog.db,
      'prod',
      spec({size: '100cc', replicationFactor: '2', availabilityZones: 'az2,az1', hydrationSize: '800cc'}),
      {nowMs: 1_000},
    )
    expect(row).toMatchObject({
      name: 'prod',
      builtin: false,
      managed: true,
      size: '100cc',
      replication_factor: 2,
      availability_zones: ['az2', 'az1'],
      logging: {log_logging: false, interval_ms: 1000},
      schedule: {kind: 'manual'},
      auto_scaling_strategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: null}},
      reconfiguration: null,
      burst: null,
      features: {},
    })
    expect(row.id).toMatch(/^u\d+$/)
    expect(Number(row.ord)).toBe(Number(row.id.slice(1)))
    const after = await catalogCounts(catalog.db)
    expect(after).toEqual({...before, clusters: before.clusters + 1, audit_events: before.audit_events + 1})
    const [event] = await readAuditLog(catalog.db, {cluster: 'prod'})
    expect(event).toMatchObject({
      occurred_at: 1_000,
      event_type: 'create',
      object_type: 'cluster',
      details: {
        cluster_id: row.id,
        cluster_name: 'prod',
        managed: true,
        size: '100cc',
        replication_factor: 2,
      },
    })
  })

  it('allocates increasing ids that are never reused', async () => {
    const a = await createCluster(catalog.db, 'ids-a', spec({unmanaged: true}))
    await dropCluster(catalog.db, 'ids-a')
    const b = await createCluster(catalog.db, 'ids-a', spec({unmanaged: true}))
    expect(Number(b.id.slice(1))).toBeGreaterThan(Number(a.id.slice(1)))
    await dropCluster(catalog.db, 'ids-a')
  })

  it('creates an unmanaged cluster with feature pins stored canonically', async () => {
    const row = await createCluster(
      catalog.db,
      'scratch',
      spec({unmanaged: true, features: ['enable_eager_delta_joins=TRUE']}),
    )
    expect(row).toMatchObject({
      managed: false,
      size: null,
      replication_factor: null,
      features: {enable_eager_delta_joins: 'on'},
    })
  })

  it('normalises an on-refresh cluster to replication factor 0 and stores its estimate', async () => {
    const row = await createCluster(
      catalog.db,
      'nightly',
      spec({size: '400cc', schedule: 'on-refresh', hydrationTimeEstimate: '15m'}),
    )
    expect(row).toMatchObject({
      replication_factor: 0,
      schedule: {kind: 'on-refresh', hydration_time_estimate_ms: 900_000},
    })
  })

  it('stores introspection interval 0 as null', async () => {
    const row = await createCluster(
      catalog.db,
      'quiet',
      spec({size: '100cc', introspectionInterval: '0s', introspectionDebugging: true}),
    )
    expect(row.logging).toEqual({log_logging: true, interval_ms: null})
  })

  it('round-trips names with quotes, semicolons, whitespace and Unicode exactly', async () => {
    const names = [
      `we'ird; name ✓`,
      `"; DROP TABLE mzcluster.clusters; --`,
      ' leading and trailing ',
      'Größe 集群 🚀',
      "a\\b'c",
    ]
    for (const name of names) {
      await createCluster(catalog.db, name, spec({size: '50cc'}))
      expect((await showCluster(catalog.db, name)).name).toBe(name)
    }
    for (const name of names) await dropCluster(catalog.db, name)
    const [count] = await catalog.db.query<{n: number}>(
      'SELECT count(*)::int AS n FROM mzcluster.clusters WHERE name = ANY($1)',
      [names],
    )
    expect(count?.n).toBe(0)
  })

  it('refuses a duplicate name, a builtin name and the reserved mz_ prefix', async () => {
    await expectRefused(
      () => createCluster(catalog.db, 'prod', spec({size: '100cc'})),
      /^cluster "prod" already exists$/,
    )
    await expectRefused(
      () => createCluster(catalog.db, 'mz_system', spec({size: '100cc'})),
      /^builtin cluster "mz_system" already exists$/,
    )
    await expectRefused(() => createCluster(catalog.db, 'mz_mine', spec({size: '100cc'})), /reserved/)
    await expectRefused(() => createCluster(catalog.db, '', spec({size: '100cc'})), /must not be empty/)
    await expectRefused(
      () => createCluster(catalog.db, 'tab\there', spec({size: '100cc'})),
      /control characters/,
    )
  })

  it('refuses unknown sizes, for --size and --hydration-size', async () => {
    await expectRefused(
      () => createCluster(catalog.db, 'x', spec({size: '99cc'})),
      /unknown cluster replica size "99cc" \(--size\)/,
    )
    await expectRefused(
      () => createCluster(catalog.db, 'x', spec({size: '100cc', hydrationSize: 'huge'})),
      /unknown cluster replica size "huge" \(--hydration-size\)/,
    )
  })

  it('refuses a disabled size', async () => {
    await catalog.db.query("UPDATE mzcluster.replica_sizes SET disabled = true WHERE name = '6400cc'")
    await expectRefused(() => createCluster(catalog.db, 'x', spec({size: '6400cc'})), /not allowed/)
    await catalog.db.query("UPDATE mzcluster.replica_sizes SET disabled = false WHERE name = '6400cc'")
  })

  it('checks the replication factor against max_replicas_per_cluster (default 5, or the stored value)', async () => {
    await expectRefused(
      () => createCluster(catalog.db, 'x', spec({size: '100cc', replicationFactor: '6'})),
      /^cluster "x" would have 6 replicas; max_replicas_per_cluster is 5 \(the cluster has 0\)$/,
    )
    await createCluster(catalog.db, 'five', spec({size: '25cc', replicationFactor: '5'}))
    await catalog.db.query(
      "INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ('max_replicas_per_cluster', '2', 0)",
    )
    try {
      await expectRefused(
        () => createCluster(catalog.db, 'x', spec({size: '100cc', replicationFactor: '3'})),
        /would have 3 replicas; max_replicas_per_cluster is 2 \(the cluster has 0\)/,
      )
      await catalog.db.query(
        "UPDATE mzcluster.system_parameters SET value = 'garbage' WHERE name = 'max_replicas_per_cluster'",
      )
      await expectRefused(
        () => createCluster(catalog.db, 'x', spec({size: '100cc', replicationFactor: '6'})),
        /max_replicas_per_cluster is 5/, // an unparsable stored value falls back to the default
      )
    } finally {
      await catalog.db.query(
        "DELETE FROM mzcluster.system_parameters WHERE name = 'max_replicas_per_cluster'",
      )
    }
  })

  describe('drop', () => {
    it('refuses builtin and unknown clusters', async () => {
      await expectRefused(
        () => dropCluster(catalog.db, 'mz_system'),
        /^cannot drop builtin cluster "mz_system"$/,
      )
      await expectRefused(() => dropCluster(catalog.db, 'nope'), /^unknown cluster "nope"$/)
    })

    it('drops the replicas with the cluster, auditing each with reason manual', async () => {
      const row = await createCluster(catalog.db, 'doomed', spec({size: '100cc', replicationFactor: '2'}))
      const r1 = await insertReplica(catalog.db, row.id, 'r1')
      const r2 = await insertReplica(catalog.db, row.id, 'r2')
      await reportOnline(catalog.db, r1)
      const plan = await planClusterDrop(catalog.db, 'doomed')
      expect(plan.replicas.map((r) => r.name)).toEqual(['r1', 'r2'])
      const result = await dropCluster(catalog.db, 'doomed', {expectedId: row.id, nowMs: 5_000})
      expect(result).toEqual({
        cluster_id: row.id,
        cluster_name: 'doomed',
        dropped_replicas: [
          {id: r1, name: 'r1', size: '100cc'},
          {id: r2, name: 'r2', size: '100cc'},
        ],
        dropped_objects: [],
      })
      const events = await readAuditLog(catalog.db, {cluster: row.id})
      expect(
        events
          .slice(-3)
          .map((e) => [
            e.event_type,
            e.object_type,
            e.details.replica_name ?? null,
            e.details.reason ?? null,
          ]),
      ).toEqual([
        ['drop', 'cluster-replica', 'r1', 'manual'],
        ['drop', 'cluster-replica', 'r2', 'manual'],
        ['drop', 'cluster', null, null],
      ])
      expect(events.at(-3)?.details).toEqual({
        cluster_id: row.id,
        cluster_name: 'doomed',
        replica_id: r1,
        replica_name: 'r1',
        logical_size: '100cc',
        reason: 'manual',
      })
      const [left] = await catalog.db.query<{n: number}>(
        'SELECT count(*)::int AS n FROM mzcluster.replica_status WHERE replica_id = $1',
        [r1],
      )
      expect(left?.n).toBe(0)
    })

    it('refuses a cluster with bound objects unless cascade, which drops and audits them', async () => {
      const row = await createCluster(catalog.db, 'busy', spec({size: '100cc'}))
      const replica = await insertReplica(catalog.db, row.id, 'r1')
      const index = await insertObject(catalog.db, row.id, 'index', {name: 'busy_idx'})
      await reportHydrated(catalog.db, replica, index)
      await expectRefused(
        () => dropCluster(catalog.db, 'busy'),
        /^cluster "busy" still has 1 object bound to it \("busy_idx"\)$/,
      )
      const result = await dropCluster(catalog.db, 'busy', {cascade: true})
      expect(result.dropped_objects).toEqual([{id: index, name: 'busy_idx', type: 'index'}])
      const events = await readAuditLog(catalog.db, {cluster: 'busy'})
      expect(events.slice(-3).map((e) => `${e.event_type} ${e.object_type}`)).toEqual([
        'drop object',
        'drop cluster-replica',
        'drop cluster',
      ])
      expect(events.at(-3)?.details).toMatchObject({object_id: index, object_name: 'busy_idx', type: 'index'})
      const [objects] = await catalog.db.query<{n: number}>(
        'SELECT count(*)::int AS n FROM mzcluster.objects WHERE cluster_id = $1',
        [row.id],
      )
      expect(objects?.n).toBe(0)
    })

    it('refuses when the confirmed cluster was re-created under the same name', async () => {
      const first = await createCluster(catalog.db, 'again', spec({unmanaged: true}))
      await dropCluster(catalog.db, 'again')
      await createCluster(catalog.db, 'again', spec({unmanaged: true}))
      await expectRefused(() => dropCluster(catalog.db, 'again', {expectedId: first.id}), /re-created/)
    })
  })
})
