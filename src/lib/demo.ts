// `catalog init --demo`: a small sample environment on simulated signals, so `plan` and `tick` show
// something real on a fresh machine. It is written as an orchestrator and a few past ticks would
// have left it: a steady cluster, one mid-reconfiguration whose target replica has hydrated, one
// with an auto-scaling strategy and objects but no replicas yet, an on-refresh cluster with a
// refresh materialized view, and a new empty cluster. Seeded only into a catalog without user
// clusters. Each audit event carries the time of the row it describes (a cluster's, replica's or
// object's created_at; a reconfiguration's start, its deadline less the default timeout) and the
// log is written in time order, so `audit`, `history` and `cluster show` agree.

import type {AuditEvent} from './catalog/audit.js'
import {appendAudit, notifyCatalogChange} from './catalog/audit.js'
import type {Db} from './catalog/db.js'
import {insertSeedCluster, insertSeedObject, insertSeedReplica, nextUserNumber, seedSystemParameter, userClusterCount} from './catalog/seed.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const LOGGING = '{"log_logging": false, "interval_ms": 1000}'
const CLUSTER_AGE_MS = 4 * HOUR
const OBJECT_AGE_MS = HOUR
/** How long ago `search`'s reconfiguration started (before its target replica r2 was created). */
const RECONFIGURATION_AGE_MS = HOUR

interface DemoCluster {
  readonly name: string
  readonly size: string
  readonly replicationFactor: number
  readonly schedule?: object
  readonly autoScalingStrategy?: object
  readonly reconfiguration?: (nowMs: number) => object
  /** Replicas that already exist: name, size, age. */
  readonly replicas: readonly {name: string; size: string; ageMs: number}[]
  readonly objects: readonly {name: string; type: string; refreshSchedule?: (nowMs: number) => object}[]
}

const DEMO: readonly DemoCluster[] = [
  {
    name: 'prod',
    size: '200cc',
    replicationFactor: 2,
    replicas: [
      {name: 'r1', size: '200cc', ageMs: 2 * HOUR},
      {name: 'r2', size: '200cc', ageMs: 2 * HOUR},
    ],
    objects: [
      {name: 'orders_src', type: 'source'},
      {name: 'orders_by_customer_idx', type: 'index'},
      {name: 'order_totals', type: 'materialized-view'},
    ],
  },
  {
    name: 'search',
    size: '100cc',
    replicationFactor: 1,
    reconfiguration: (nowMs) => ({
      target: {size: '200cc', replication_factor: 1, availability_zones: [], logging: JSON.parse(LOGGING)},
      // default_cluster_reconfiguration_timeout (24h) after it started.
      deadline: nowMs - RECONFIGURATION_AGE_MS + DAY,
      on_timeout: 'rollback',
      status: 'in-progress',
    }),
    replicas: [
      {name: 'r1', size: '100cc', ageMs: 3 * HOUR},
      {name: 'r2', size: '200cc', ageMs: HOUR / 6},
    ],
    objects: [{name: 'documents_idx', type: 'index'}],
  },
  {
    name: 'analytics',
    size: '100cc',
    replicationFactor: 1,
    autoScalingStrategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: 600_000}},
    replicas: [],
    objects: [
      {name: 'events_src', type: 'source'},
      {name: 'sessions_mv', type: 'materialized-view'},
    ],
  },
  {
    name: 'reports',
    size: '100cc',
    replicationFactor: 0,
    schedule: {kind: 'on-refresh', hydration_time_estimate_ms: 300_000},
    replicas: [],
    objects: [
      {
        name: 'daily_revenue',
        type: 'materialized-view',
        refreshSchedule: (nowMs) => ({everies: [{interval_ms: DAY, aligned_to: nowMs - (nowMs % DAY)}], ats: []}),
      },
    ],
  },
  {name: 'ingest', size: '50cc', replicationFactor: 1, replicas: [], objects: [{name: 'clicks_webhook', type: 'webhook-source'}]},
]

export async function seedDemo(db: Db, nowMs = Date.now()): Promise<{clusters: number}> {
  return db.transaction(async (tx) => {
    if ((await userClusterCount(tx)) > 0) return {clusters: 0}
    await seedSystemParameter(tx, 'signal_source', 'simulated', nowMs)
    // Each event at the time of what it describes; appended in time order below.
    const events: {atMs: number; event: AuditEvent}[] = []
    const record = (atMs: number, event: AuditEvent) => events.push({atMs, event})
    for (const cluster of DEMO) {
      const n = await nextUserNumber(tx, 'cluster')
      const id = `u${n}`
      const reconfiguration = cluster.reconfiguration?.(nowMs) ?? null
      await insertSeedCluster(tx, {
        id,
        ord: n,
        name: cluster.name,
        size: cluster.size,
        replicationFactor: cluster.replicationFactor,
        schedule: cluster.schedule ?? {kind: 'manual'},
        autoScalingStrategy: cluster.autoScalingStrategy ?? null,
        reconfiguration,
        createdAtMs: nowMs - CLUSTER_AGE_MS,
      })
      record(nowMs - CLUSTER_AGE_MS, {
        eventType: 'create',
        objectType: 'cluster',
        details: {cluster_id: id, cluster_name: cluster.name, managed: true, size: cluster.size, replication_factor: cluster.replicationFactor},
      })
      for (const replica of cluster.replicas) {
        const r = await nextUserNumber(tx, 'replica')
        await insertSeedReplica(tx, {id: `u${r}`, ord: r, clusterId: id, name: replica.name, size: replica.size, createdAtMs: nowMs - replica.ageMs})
        const reason = replica.size === cluster.size ? 'manual' : 'reconfiguration'
        record(nowMs - replica.ageMs, {
          eventType: 'create',
          objectType: 'cluster-replica',
          details: {cluster_id: id, cluster_name: cluster.name, replica_id: `u${r}`, replica_name: replica.name, logical_size: replica.size, reason},
        })
      }
      if (reconfiguration) {
        const target = (reconfiguration as {target: Record<string, unknown>; deadline: number}).target
        record(nowMs - RECONFIGURATION_AGE_MS, {
          eventType: 'alter',
          objectType: 'cluster',
          details: {
            cluster_id: id,
            cluster_name: cluster.name,
            transition: 'started',
            forced: null,
            target_size: target.size,
            target_replication_factor: target.replication_factor,
            target_availability_zones: target.availability_zones,
            target_logging: target.logging,
            deadline: (reconfiguration as {deadline: number}).deadline,
          },
        })
      }
      for (const object of cluster.objects) {
        const o = await nextUserNumber(tx, 'object')
        await insertSeedObject(tx, {
          id: `u${o}`,
          ord: o,
          name: object.name,
          clusterId: id,
          type: object.type,
          refreshSchedule: object.refreshSchedule?.(nowMs) ?? null,
          createdAtMs: nowMs - OBJECT_AGE_MS,
        })
        record(nowMs - OBJECT_AGE_MS, {
          eventType: 'create',
          objectType: 'object',
          details: {object_id: `u${o}`, object_name: object.name, object_type: object.type, cluster_id: id, cluster_name: cluster.name},
        })
      }
    }
    // Ids follow time, as for events written when they happen (the sort is stable: a cluster's
    // create stays before its replicas' at the same instant). One append per instant.
    events.sort((a, b) => a.atMs - b.atMs)
    for (const atMs of new Set(events.map((entry) => entry.atMs))) {
      await appendAudit(tx, events.filter((entry) => entry.atMs === atMs).map((entry) => entry.event), atMs)
    }
    await notifyCatalogChange(tx, 'demo')
    return {clusters: DEMO.length}
  })
}
