// Reads for `simulate`: the whole catalog state the controller depends on (clusters, replicas,
// objects with their frontiers, environment parameters, the size map), in one read-only
// transaction so the simulation starts from one consistent instant. Nothing here writes.

import type {ClusterRow, ReplicaRow} from './cluster-rows.js'
import {byReplicaOrder} from './cluster-rows.js'
import type {Db} from './db.js'

export interface ObjectSnapshotRow {
  id: string
  name: string
  cluster_id: string
  type: string
  replica_id: string | null
  refresh_schedule: {everies: {interval_ms: number; aligned_to: number}[]; ats: number[]} | null
  created_at: number
  write_frontier: number | null
  sealed: boolean | null
}

export interface SizeCreditsRow {
  name: string
  credits_per_hour: number
  disabled: boolean
}

export interface CatalogSnapshot {
  readonly clusters: ClusterRow[]
  readonly replicas: ReplicaRow[]
  readonly objects: ObjectSnapshotRow[]
  readonly parameters: Map<string, string>
  readonly sizes: SizeCreditsRow[]
}

export async function readCatalogSnapshot(db: Db): Promise<CatalogSnapshot> {
  return db.transaction(async (tx) => {
    const clusters = await tx.query<ClusterRow>('SELECT * FROM mzcluster.clusters ORDER BY ord, id')
    const replicas = await tx.query<ReplicaRow>('SELECT * FROM mzcluster.replicas')
    const objects = await tx.query<ObjectSnapshotRow>(
      `SELECT o.id, o.name, o.cluster_id, o.type, o.replica_id, o.refresh_schedule, o.created_at, f.write_frontier, f.sealed
       FROM mzcluster.objects o LEFT JOIN mzcluster.object_frontiers f ON f.object_id = o.id ORDER BY o.ord, o.id`,
    )
    const parameters = await tx.query<{name: string; value: string}>('SELECT name, value FROM mzcluster.system_parameters')
    const sizes = await tx.query<SizeCreditsRow>(
      'SELECT name, credits_per_hour::float8 AS credits_per_hour, disabled FROM mzcluster.replica_sizes ORDER BY sort_order, name',
    )
    return {
      clusters,
      replicas: replicas.sort(byReplicaOrder),
      objects: objects.map((row) => ({...row, created_at: Number(row.created_at), write_frontier: row.write_frontier === null ? null : Number(row.write_frontier)})),
      parameters: new Map(parameters.map((row) => [row.name, row.value])),
      sizes: sizes.map((row) => ({...row, credits_per_hour: Number(row.credits_per_hour)})),
    }
  })
}
