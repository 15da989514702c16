// Statements over `mzcluster.replicas` for the manual replica DDL and the replica views: list a
// cluster's replicas, count them, check a name, insert and delete one, and read replicas with their
// live status and the hydration rule (catalog/signals.ts) for `replica list` and `cluster show`.

import type {ReplicaRow} from './cluster-rows.js'
import type {ClusterSelection} from './clusters.js'
import {clusterSelectionSql} from './clusters.js'
import type {Queryable} from './db.js'
import {hydratedReplicasSql} from './signals.js'

/** The replicas of one cluster in creation order. */
export async function selectReplicasOfCluster(q: Queryable, clusterId: string): Promise<ReplicaRow[]> {
  return q.query<ReplicaRow>('SELECT * FROM mzcluster.replicas WHERE cluster_id = $1 ORDER BY ord, id', [
    clusterId,
  ])
}

/** One replica of a cluster by name, if it exists. */
export async function selectReplicaByName(
  q: Queryable,
  clusterId: string,
  name: string,
): Promise<ReplicaRow | undefined> {
  const [row] = await q.query<ReplicaRow>(
    'SELECT * FROM mzcluster.replicas WHERE cluster_id = $1 AND name = $2',
    [clusterId, name],
  )
  return row
}

export async function countReplicas(q: Queryable, clusterId: string): Promise<number> {
  const [row] = await q.query<{n: number}>(
    'SELECT count(*)::int AS n FROM mzcluster.replicas WHERE cluster_id = $1',
    [clusterId],
  )
  return row?.n ?? 0
}

/** The stored values of a manual replica (id and ord are allocated by the insert). */
export interface NewReplicaRow {
  readonly cluster_id: string
  readonly name: string
  readonly size: string
  readonly availability_zones: readonly string[]
  readonly created_at: number
}

/** Allocate the next user replica id (`u<N>`) and insert the replica; returns the stored row. */
export async function insertReplica(tx: Queryable, replica: NewReplicaRow): Promise<ReplicaRow> {
  const [row] = await tx.query<ReplicaRow>(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, created_at)
     SELECT 'u' || n, n, $1, $2, $3, $4::jsonb, $5
       FROM (SELECT nextval('mzcluster.user_replica_ids') AS n) seq
     RETURNING *`,
    [
      replica.cluster_id,
      replica.name,
      replica.size,
      JSON.stringify(replica.availability_zones),
      replica.created_at,
    ],
  )
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row')
  return row
}

/** Delete a replica; its status and hydration reports go with it (ON DELETE CASCADE). */
export async function deleteReplica(tx: Queryable, replicaId: string): Promise<void> {
  await tx.query('DELETE FROM mzcluster.replicas WHERE id = $1', [replicaId])
}

/** A replica with its cluster's name, reported online state and hydration (by the catalog rule). */
export type ReplicaStatusRow = ReplicaRow & {cluster_name: string; online: boolean; hydrated: boolean}

/** Replicas of the selected clusters with live status, in creation order. */
export async function selectReplicasWithStatus(
  q: Queryable,
  selection: ClusterSelection,
): Promise<ReplicaStatusRow[]> {
  const {where, params} = clusterSelectionSql(selection)
  return q.query<ReplicaStatusRow>(
    `SELECT r.*, c.name AS cluster_name, COALESCE(rs.online, false) AS online, (h.replica_id IS NOT NULL) AS hydrated
    FROM mzcluster.replicas r
    JOIN mzcluster.clusters c ON c.id = r.cluster_id
    LEFT JOIN mzcluster.replica_status rs ON rs.replica_id = r.id
    LEFT JOIN (${hydratedReplicasSql(`r.cluster_id IN (SELECT c.id FROM mzcluster.clusters c WHERE ${where})`)}) h
      ON h.replica_id = r.id
   WHERE ${where}
   ORDER BY r.ord, r.id`,
    params,
  )
}
