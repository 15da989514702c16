// Live signals read from the catalog for many clusters at once (one query per kind of signal,
// never one per cluster). The hydrated-replica rule (product.md §4): online, and every hydratable
// object of its cluster (index, materialized view, source, sink; webhook sources excluded)
// hydrated on it, except objects pinned to a different replica. With `signal_source = simulated`
// a replica is online and hydrated once `now >= created_at + simulated_hydration_delay`.

import type {Queryable} from './db.js'

export interface SignalSource {
  readonly kind: 'catalog' | 'simulated'
  readonly simulatedDelayMs: number
  readonly nowMs: number
}

const CATALOG_HYDRATED = `
  SELECT r.cluster_id, r.id
  FROM mzcluster.replicas r
  JOIN mzcluster.replica_status s ON s.replica_id = r.id AND s.online
  WHERE r.cluster_id = ANY($1)
    AND NOT EXISTS (
      SELECT 1 FROM mzcluster.objects o
      WHERE o.cluster_id = r.cluster_id
        AND o.type <> 'webhook-source'
        AND (o.replica_id IS NULL OR o.replica_id = r.id)
        AND NOT EXISTS (
          SELECT 1 FROM mzcluster.object_hydration h
          WHERE h.replica_id = r.id AND h.object_id = o.id AND h.hydrated))`

const SIMULATED_HYDRATED = `
  SELECT r.cluster_id, r.id FROM mzcluster.replicas r
  WHERE r.cluster_id = ANY($1) AND r.created_at + $2 <= $3`

/** Hydrated replicas per cluster, for the given clusters. */
export async function hydratedReplicas(q: Queryable, clusterIds: readonly string[], source: SignalSource): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>(clusterIds.map((id) => [id, new Set<string>()]))
  if (clusterIds.length === 0) return result
  const rows =
    source.kind === 'simulated'
      ? await q.query<{cluster_id: string; id: string}>(SIMULATED_HYDRATED, [clusterIds, source.simulatedDelayMs, source.nowMs])
      : await q.query<{cluster_id: string; id: string}>(CATALOG_HYDRATED, [clusterIds])
  for (const row of rows) result.get(row.cluster_id)?.add(row.id)
  return result
}

/** Online state per replica, for display (simulated: online once hydrated). */
export async function onlineReplicas(q: Queryable, clusterIds: readonly string[], source: SignalSource): Promise<Set<string>> {
  if (clusterIds.length === 0) return new Set()
  const rows =
    source.kind === 'simulated'
      ? await q.query<{id: string}>(SIMULATED_HYDRATED.replace('r.cluster_id, r.id', 'r.id'), [clusterIds, source.simulatedDelayMs, source.nowMs])
      : await q.query<{id: string}>(
          'SELECT r.id FROM mzcluster.replicas r JOIN mzcluster.replica_status s ON s.replica_id = r.id AND s.online WHERE r.cluster_id = ANY($1)',
          [clusterIds],
        )
  return new Set(rows.map((row) => row.id))
}

/** Clusters (of the given ones) with at least one hydratable object bound. */
export async function clustersWithHydratableObjects(q: Queryable, clusterIds: readonly string[]): Promise<Set<string>> {
  if (clusterIds.length === 0) return new Set()
  const rows = await q.query<{cluster_id: string}>(
    "SELECT DISTINCT cluster_id FROM mzcluster.objects WHERE cluster_id = ANY($1) AND type <> 'webhook-source'",
    [clusterIds],
  )
  return new Set(rows.map((row) => row.cluster_id))
}

export interface RefreshMvRow {
  id: string
  cluster_id: string
  refresh_schedule: {everies: {interval_ms: number; aligned_to: number}[]; ats: number[]}
  write_frontier: number | null
  sealed: boolean | null
  created_at: number
}

/** Materialized views with a refresh schedule on the given clusters, with their reported frontiers. */
export async function refreshMaterializedViews(q: Queryable, clusterIds: readonly string[]): Promise<RefreshMvRow[]> {
  if (clusterIds.length === 0) return []
  return q.query<RefreshMvRow>(
    `SELECT o.id, o.cluster_id, o.refresh_schedule, f.write_frontier, f.sealed, o.created_at
     FROM mzcluster.objects o LEFT JOIN mzcluster.object_frontiers f ON f.object_id = o.id
     WHERE o.cluster_id = ANY($1) AND o.type = 'materialized-view' AND o.refresh_schedule IS NOT NULL
     ORDER BY o.ord`,
    [clusterIds],
  )
}
