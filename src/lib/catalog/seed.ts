// Rows written as given — ids, order and times chosen by the caller — for a sample environment
// (`catalog init --demo`): the cluster, replica and object rows a history of commands would have
// left, without running those commands.

import type {Queryable} from './db.js'

/** How many user (non-builtin) clusters the catalog holds. */
export async function userClusterCount(q: Queryable): Promise<number> {
  const [row] = await q.query<{n: number}>('SELECT count(*)::int AS n FROM mzcluster.clusters WHERE NOT builtin')
  return row?.n ?? 0
}

const SEQUENCES = {cluster: 'user_cluster_ids', replica: 'user_replica_ids', object: 'user_object_ids'} as const

/** The next number of a user id sequence (the id is `u<n>`, its order `n`). */
export async function nextUserNumber(q: Queryable, kind: keyof typeof SEQUENCES): Promise<number> {
  const [row] = await q.query<{n: number}>(`SELECT nextval('mzcluster.${SEQUENCES[kind]}')::int AS n`)
  return row?.n ?? 0
}

/** Sets an environment-wide system parameter. */
export async function seedSystemParameter(q: Queryable, name: string, value: string, nowMs: number): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [name, value, nowMs],
  )
}

export interface SeedClusterRow {
  readonly id: string
  readonly ord: number
  readonly name: string
  readonly size: string
  readonly replicationFactor: number
  readonly schedule: object
  readonly autoScalingStrategy: object | null
  readonly reconfiguration: object | null
  readonly createdAtMs: number
}

/** A managed cluster row. */
export async function insertSeedCluster(q: Queryable, row: SeedClusterRow): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, schedule, auto_scaling_strategy, reconfiguration, created_at)
     VALUES ($1, $2, $3, true, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9)`,
    [
      row.id,
      row.ord,
      row.name,
      row.size,
      row.replicationFactor,
      JSON.stringify(row.schedule),
      row.autoScalingStrategy ? JSON.stringify(row.autoScalingStrategy) : null,
      row.reconfiguration ? JSON.stringify(row.reconfiguration) : null,
      row.createdAtMs,
    ],
  )
}

/** A replica row of the cluster's default shape (no AZ restriction, default logging). */
export async function insertSeedReplica(
  q: Queryable,
  row: {readonly id: string; readonly ord: number; readonly clusterId: string; readonly name: string; readonly size: string; readonly createdAtMs: number},
): Promise<void> {
  await q.query('INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    row.id,
    row.ord,
    row.clusterId,
    row.name,
    row.size,
    row.createdAtMs,
  ])
}

/** An object row bound to a cluster. */
export async function insertSeedObject(
  q: Queryable,
  row: {
    readonly id: string
    readonly ord: number
    readonly name: string
    readonly clusterId: string
    readonly type: string
    readonly refreshSchedule: object | null
    readonly createdAtMs: number
  },
): Promise<void> {
  await q.query(
    'INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, refresh_schedule, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)',
    [row.id, row.ord, row.name, row.clusterId, row.type, row.refreshSchedule ? JSON.stringify(row.refreshSchedule) : null, row.createdAtMs],
  )
}
