// Replica rows as the controller's apply reads and writes them: what a batch of drops and creates
// would meet (one statement), the deletes, and the one insertion of controller-created replicas.

import type {Queryable} from './db.js'

export interface ReplicaInspection {
  /** Replicas to be dropped that exist: id → cluster and size. */
  readonly existing: ReadonlyMap<string, {readonly clusterId: string; readonly name: string; readonly size: string | null}>
  /** `clusterId/name` keys of wanted creates whose name is already taken in that cluster. */
  readonly takenNames: ReadonlySet<string>
  /** Replica count per cluster (of the clusters asked for; absent = 0). */
  readonly counts: ReadonlyMap<string, number>
}

export const replicaKey = (clusterId: string, name: string) => `${clusterId}/${name}`

/** In one statement: which of `dropIds` exist, which wanted names are taken, and replica counts. */
export async function inspectReplicas(
  tx: Queryable,
  request: {
    readonly dropIds: readonly string[]
    readonly wanted: readonly {readonly clusterId: string; readonly name: string}[]
    readonly countClusterIds: readonly string[]
  },
): Promise<ReplicaInspection> {
  const rows = await tx.query<{kind: 'drop' | 'name' | 'count'; id: string | null; cluster_id: string; name: string | null; size: string | null; n: number | null}>(
    `SELECT 'drop' AS kind, id, cluster_id, name, size, NULL::int AS n FROM mzcluster.replicas WHERE id = ANY($1)
     UNION ALL
     SELECT 'name', r.id, r.cluster_id, r.name, r.size, NULL FROM mzcluster.replicas r
       JOIN unnest($2::text[], $3::text[]) AS w(cluster_id, name) ON r.cluster_id = w.cluster_id AND r.name = w.name
     UNION ALL
     SELECT 'count', NULL, cluster_id, NULL, NULL, count(*)::int FROM mzcluster.replicas WHERE cluster_id = ANY($4) GROUP BY cluster_id`,
    [request.dropIds, request.wanted.map((w) => w.clusterId), request.wanted.map((w) => w.name), request.countClusterIds],
  )
  const existing = new Map<string, {clusterId: string; name: string; size: string | null}>()
  const takenNames = new Set<string>()
  const counts = new Map<string, number>()
  for (const row of rows) {
    if (row.kind === 'drop') existing.set(row.id as string, {clusterId: row.cluster_id, name: row.name as string, size: row.size})
    else if (row.kind === 'name') takenNames.add(replicaKey(row.cluster_id, row.name as string))
    else counts.set(row.cluster_id, Number(row.n))
  }
  return {existing, takenNames, counts}
}

/** Delete replicas by id; returns what was deleted. */
export async function deleteReplicas(
  tx: Queryable,
  ids: readonly string[],
): Promise<{id: string; name: string; size: string | null; cluster_id: string}[]> {
  if (ids.length === 0) return []
  return tx.query('DELETE FROM mzcluster.replicas WHERE id = ANY($1) RETURNING id, name, size, cluster_id', [ids])
}

export interface NewReplica {
  readonly clusterId: string
  readonly name: string
  readonly size: string
  /** JSON documents as stored. */
  readonly availabilityZones: readonly string[]
  readonly logging: {readonly log_logging: boolean; readonly interval_ms: number | null}
  /** An id allocated ahead (`u<n>`, by the create hook), or null to draw one from the allocator. */
  readonly id: string | null
}

export interface InsertedReplica {
  id: string
  name: string
  cluster_id: string
  size: string
}

/**
 * The one insertion of controller-created replicas: ids from the user replica allocator in input
 * order; a name already taken in its cluster is skipped (deterministic names make a re-emitted
 * create a no-op). Returns the rows inserted.
 */
export async function insertControllerReplicas(tx: Queryable, replicas: readonly NewReplica[], createdAtMs: number): Promise<InsertedReplica[]> {
  if (replicas.length === 0) return []
  return tx.query<InsertedReplica>(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, logging, created_at)
     SELECT 'u' || n, n, cluster_id, name, size, zones::jsonb, logging::jsonb, $6::bigint FROM (
       SELECT w.cluster_id, w.name, w.size, w.zones, w.logging,
              CASE WHEN w.id IS NULL THEN nextval('mzcluster.user_replica_ids') ELSE substr(w.id, 2)::bigint END AS n
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[]) WITH ORDINALITY AS w(cluster_id, name, size, zones, logging, id, i)
       ORDER BY w.i) numbered
     ON CONFLICT (cluster_id, name) DO NOTHING
     RETURNING id, name, cluster_id, size`,
    [
      replicas.map((r) => r.clusterId),
      replicas.map((r) => r.name),
      replicas.map((r) => r.size),
      replicas.map((r) => JSON.stringify(r.availabilityZones)),
      replicas.map((r) => JSON.stringify(r.logging)),
      createdAtMs,
      replicas.map((r) => r.id),
    ],
  )
}
