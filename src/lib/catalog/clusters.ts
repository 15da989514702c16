// Statements over `mzcluster.clusters` for the DDL commands and the cluster views: allocate and
// insert a cluster, delete one, check a name, and read clusters with their SHOW CLUSTERS activity
// and synced overrides for `cluster list`/`cluster show`. Every selection of several clusters is
// one statement, however many clusters exist.

import type {ClusterRow, ClusterSettingsColumns} from './cluster-rows.js'
import type {Queryable} from './db.js'

/** Which clusters a view reads: all of them (builtins optional), or one by name or by id. */
export type ClusterSelection =
  {readonly all: true; readonly includeBuiltin: boolean} | {readonly name: string} | {readonly id: string}

/** The selection as a condition over `c` (mzcluster.clusters) with its parameters. */
export function clusterSelectionSql(selection: ClusterSelection): {where: string; params: unknown[]} {
  if ('all' in selection) return {where: selection.includeBuiltin ? 'true' : 'NOT c.builtin', params: []}
  if ('name' in selection) return {where: 'c.name = $1', params: [selection.name]}
  return {where: 'c.id = $1', params: [selection.id]}
}

/** A cluster row with SHOW CLUSTERS' activity column. */
export type ClusterActivityRow = ClusterRow & {activity: string | null}

export async function selectClustersWithActivity(
  q: Queryable,
  selection: ClusterSelection,
): Promise<ClusterActivityRow[]> {
  const {where, params} = clusterSelectionSql(selection)
  return q.query<ClusterActivityRow>(
    `SELECT c.*, sc.activity
       FROM mzcluster.clusters c
       JOIN mzcluster.show_clusters sc ON sc.id = c.id
      WHERE ${where}`,
    params,
  )
}

/** Overrides written by `flags sync` (`cluster_system_configurations`) of the selected clusters, by name. */
export async function selectSyncedClusterParameters(
  q: Queryable,
  selection: ClusterSelection,
): Promise<{cluster_id: string; name: string; value: string}[]> {
  const {where, params} = clusterSelectionSql(selection)
  return q.query(
    `SELECT s.cluster_id, s.name, s.value
       FROM mzcluster.cluster_system_configurations s
       JOIN mzcluster.clusters c ON c.id = s.cluster_id
      WHERE ${where}
      ORDER BY s.name`,
    params,
  )
}

/** Whether a cluster of this name exists, and whether it is builtin. */
export async function clusterNameUse(q: Queryable, name: string): Promise<{builtin: boolean} | undefined> {
  const [row] = await q.query<{builtin: boolean}>('SELECT builtin FROM mzcluster.clusters WHERE name = $1', [
    name,
  ])
  return row
}

/** The stored values of a new cluster (id, ord and version are allocated by the insert). */
export interface NewClusterRow extends ClusterSettingsColumns {
  readonly name: string
  readonly created_at: number
}

/**
 * Insert the cluster with `id` when it was allocated ahead (catalog/ids.ts), else the next user id
 * (`u<N>`); returns the stored row.
 */
export async function insertCluster(tx: Queryable, cluster: NewClusterRow, id?: string): Promise<ClusterRow> {
  const [row] = await tx.query<ClusterRow>(
    `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, availability_zones, logging,
                                     schedule, auto_scaling_strategy, features, created_at)
     SELECT 'u' || n, n, $1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10
       FROM (SELECT CASE WHEN $11::text IS NULL THEN nextval('mzcluster.user_cluster_ids')
                         ELSE substr($11::text, 2)::bigint END AS n) seq
     RETURNING *`,
    [
      cluster.name,
      cluster.managed,
      cluster.size,
      cluster.replication_factor,
      JSON.stringify(cluster.availability_zones),
      JSON.stringify(cluster.logging),
      JSON.stringify(cluster.schedule),
      JSON.stringify(cluster.auto_scaling_strategy),
      JSON.stringify(cluster.features),
      cluster.created_at,
      id ?? null,
    ],
  )
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row')
  return row
}

/** Delete a cluster; its replicas, their status and hydration reports go with it (ON DELETE CASCADE). */
export async function deleteCluster(tx: Queryable, clusterId: string): Promise<void> {
  await tx.query('DELETE FROM mzcluster.clusters WHERE id = $1', [clusterId])
}
