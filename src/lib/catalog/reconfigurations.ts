// Reads and writes behind `cluster alter`, `cluster cancel` and `cluster wait`: the cluster's
// config columns (written in the alter's transaction), what the alter's limit checks need (size
// prices, other clusters' live consumption), and the cluster with its replicas for a wait.

import type {BurstJson, ClusterRow, ClusterSettingsColumns, ReconfigurationJson, ReplicaRow} from './cluster-rows.js'
import {byReplicaOrder} from './cluster-rows.js'
import type {Queryable} from './db.js'

/** The config columns an alter writes; each write bumps `version`. */
export interface ClusterConfigColumns extends ClusterSettingsColumns {
  readonly reconfiguration: ReconfigurationJson | null
  readonly burst: BurstJson | null
}

const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value))

/** Write every config column of one cluster; returns the row as stored. */
export async function writeClusterConfig(tx: Queryable, clusterId: string, next: ClusterConfigColumns): Promise<ClusterRow> {
  const [row] = await tx.query<ClusterRow>(
    `UPDATE mzcluster.clusters SET managed = $2, size = $3, replication_factor = $4, availability_zones = $5::jsonb, logging = $6::jsonb,
       schedule = $7::jsonb, auto_scaling_strategy = $8::jsonb, reconfiguration = $9::jsonb, burst = $10::jsonb, features = $11::jsonb,
       version = version + 1 WHERE id = $1 RETURNING *`,
    [
      clusterId,
      next.managed,
      next.size,
      next.replication_factor,
      JSON.stringify(next.availability_zones),
      JSON.stringify(next.logging),
      JSON.stringify(next.schedule),
      jsonOrNull(next.auto_scaling_strategy),
      jsonOrNull(next.reconfiguration),
      jsonOrNull(next.burst),
      JSON.stringify(next.features),
    ],
  )
  if (!row) throw new Error(`cluster ${clusterId} vanished inside its own transaction`)
  return row
}

export interface SizePrice {
  readonly creditsPerHour: number
  readonly disabled: boolean
}

/** The size map's prices, by name (a small table: read whole). */
export async function sizePrices(q: Queryable): Promise<Map<string, SizePrice>> {
  const rows = await q.query<{name: string; credits: string; disabled: boolean}>(
    'SELECT name, credits_per_hour::text AS credits, disabled FROM mzcluster.replica_sizes',
  )
  return new Map(rows.map((row) => [row.name, {creditsPerHour: Number(row.credits), disabled: row.disabled}]))
}

/** Credits per hour of the replicas of every user cluster except `clusterId` (system clusters are exempt). */
export async function otherClustersCreditsPerHour(q: Queryable, clusterId: string): Promise<number> {
  const [row] = await q.query<{credits: string}>(
    `SELECT COALESCE(sum(s.credits_per_hour), 0)::text AS credits FROM mzcluster.replicas r
     JOIN mzcluster.clusters c ON c.id = r.cluster_id AND NOT c.builtin
     JOIN mzcluster.replica_sizes s ON s.name = r.size WHERE r.cluster_id <> $1`,
    [clusterId],
  )
  return Number(row?.credits ?? 0)
}

/** One cluster by id, or null once dropped. */
export async function clusterById(q: Queryable, clusterId: string): Promise<ClusterRow | null> {
  const [row] = await q.query<ClusterRow>('SELECT * FROM mzcluster.clusters WHERE id = $1', [clusterId])
  return row ?? null
}

/** The replicas of one cluster in creation order. */
export async function replicasOfCluster(q: Queryable, clusterId: string): Promise<ReplicaRow[]> {
  const rows = await q.query<ReplicaRow>('SELECT * FROM mzcluster.replicas WHERE cluster_id = $1', [clusterId])
  return rows.sort(byReplicaOrder)
}
