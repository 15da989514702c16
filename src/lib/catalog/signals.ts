// Live signals: the reports an orchestrator writes (online, hydration, frontiers), and their reads
// for many clusters at once (one query per kind of signal, never one per cluster). The
// hydrated-replica rule (product.md §4): online, and every hydratable object of its cluster (index,
// materialized view, source, sink; webhook sources excluded) hydrated on it, except objects pinned
// to a different replica. With `signal_source = simulated` a replica is online and hydrated once
// `now >= created_at + simulated_hydration_delay`.

import type {Queryable} from './db.js'
import type {SystemParameters} from './parameters.js'

export interface SignalSource {
  readonly kind: 'catalog' | 'simulated'
  readonly simulatedDelayMs: number
  readonly nowMs: number
}

/** The signal source the system parameters select, as of `nowMs`. */
export function signalSource(parameters: SystemParameters, nowMs: number): SignalSource {
  return {
    kind: parameters.string('signal_source') === 'simulated' ? 'simulated' : 'catalog',
    simulatedDelayMs: parameters.number('simulated_hydration_delay'),
    nowMs,
  }
}

/** Simulated signals: a replica is online and hydrated once its delay has passed. */
export function simulatedHydrated(createdAtMs: number, source: SignalSource): boolean {
  return createdAtMs + source.simulatedDelayMs <= source.nowMs
}

/** Object types that hydrate on a replica; webhook sources never do. */
export const HYDRATABLE_OBJECT_TYPES = ['index', 'materialized-view', 'source', 'sink'] as const

const HYDRATABLE_LIST = HYDRATABLE_OBJECT_TYPES.map((type) => `'${type}'`).join(', ')

/**
 * `SELECT replica_id, cluster_id` of the replicas hydrated by reported signals. `where` is an extra
 * condition over `r` (mzcluster.replicas) whose parameters are the caller's. A replica with no
 * status report is offline; an object with no hydration report for the replica is not hydrated.
 */
export function hydratedReplicasSql(where = 'true'): string {
  return `SELECT r.id AS replica_id, r.cluster_id
  FROM mzcluster.replicas r
  JOIN mzcluster.replica_status rs ON rs.replica_id = r.id AND rs.online
  WHERE (${where})
    AND NOT EXISTS (
      SELECT 1 FROM mzcluster.objects o
      WHERE o.cluster_id = r.cluster_id
        AND o.type IN (${HYDRATABLE_LIST})
        AND (o.replica_id IS NULL OR o.replica_id = r.id)
        AND NOT EXISTS (
          SELECT 1 FROM mzcluster.object_hydration oh
          WHERE oh.replica_id = r.id AND oh.object_id = o.id AND oh.hydrated))`
}

const SIMULATED_HYDRATED = `
  SELECT r.id AS replica_id, r.cluster_id FROM mzcluster.replicas r
  WHERE r.cluster_id = ANY($1) AND r.created_at + $2 <= $3`

/** Hydrated replicas per cluster, for the given clusters. */
export async function hydratedReplicas(q: Queryable, clusterIds: readonly string[], source: SignalSource): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>(clusterIds.map((id) => [id, new Set<string>()]))
  if (clusterIds.length === 0) return result
  const rows =
    source.kind === 'simulated'
      ? await q.query<{cluster_id: string; replica_id: string}>(SIMULATED_HYDRATED, [clusterIds, source.simulatedDelayMs, source.nowMs])
      : await q.query<{cluster_id: string; replica_id: string}>(hydratedReplicasSql('r.cluster_id = ANY($1)'), [clusterIds])
  for (const row of rows) result.get(row.cluster_id)?.add(row.replica_id)
  return result
}

/** Clusters (of the given ones) with at least one hydratable object bound. */
export async function clustersWithHydratableObjects(q: Queryable, clusterIds: readonly string[]): Promise<Set<string>> {
  if (clusterIds.length === 0) return new Set()
  const rows = await q.query<{cluster_id: string}>(
    `SELECT DISTINCT cluster_id FROM mzcluster.objects WHERE cluster_id = ANY($1) AND type IN (${HYDRATABLE_LIST})`,
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

/** Of the given replicas, those with any report at all: a status row or a hydration row. */
export async function replicasWithReports(q: Queryable, replicaIds: readonly string[]): Promise<Set<string>> {
  if (replicaIds.length === 0) return new Set()
  const rows = await q.query<{replica_id: string}>(
    `SELECT replica_id FROM mzcluster.replica_status WHERE replica_id = ANY($1)
     UNION SELECT replica_id FROM mzcluster.object_hydration WHERE replica_id = ANY($1)`,
    [replicaIds],
  )
  return new Set(rows.map((row) => row.replica_id))
}

// ---- reports (what `signal online|hydration|frontier` and an orchestrator write) ----------------

/** Upserts a replica's online status (`replica_status`); the latest report wins. */
export async function upsertReplicaStatus(q: Queryable, replicaId: string, online: boolean, nowMs: number): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) VALUES ($1, $2, $3)
     ON CONFLICT (replica_id) DO UPDATE SET online = EXCLUDED.online, reported_at = EXCLUDED.reported_at`,
    [replicaId, online, nowMs],
  )
}

/** An object a hydration report can name. */
export interface ReportedObjectRow {
  id: string
  name: string
  cluster_id: string
}

/** Every object bound to the cluster, in creation order. */
export function objectsOfCluster(q: Queryable, clusterId: string): Promise<ReportedObjectRow[]> {
  return q.query<ReportedObjectRow>('SELECT id, name, cluster_id FROM mzcluster.objects WHERE cluster_id = $1 ORDER BY ord', [clusterId])
}

/** The objects with these names (on any cluster), in creation order. */
export function objectsNamed(q: Queryable, names: readonly string[]): Promise<ReportedObjectRow[]> {
  return q.query<ReportedObjectRow>('SELECT id, name, cluster_id FROM mzcluster.objects WHERE name = ANY($1) ORDER BY ord', [names])
}

/** Upserts one hydration report per object (`object_hydration`) for the replica, in one statement. */
export async function upsertObjectHydration(
  q: Queryable,
  replicaId: string,
  objectIds: readonly string[],
  hydrated: boolean,
  nowMs: number,
): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at)
     SELECT $1, id, $2, $3 FROM mzcluster.objects WHERE id = ANY($4)
     ON CONFLICT (replica_id, object_id) DO UPDATE SET hydrated = EXCLUDED.hydrated, reported_at = EXCLUDED.reported_at`,
    [replicaId, hydrated, nowMs, objectIds],
  )
}

/** Upserts a materialized view's write frontier (`object_frontiers`): a time, or sealed (null). */
export async function upsertObjectFrontier(
  q: Queryable,
  objectId: string,
  writeFrontier: number | null,
  sealed: boolean,
  nowMs: number,
): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.object_frontiers (object_id, write_frontier, sealed, reported_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (object_id) DO UPDATE SET write_frontier = EXCLUDED.write_frontier, sealed = EXCLUDED.sealed, reported_at = EXCLUDED.reported_at`,
    [objectId, writeFrontier, sealed, nowMs],
  )
}

/** A refresh MV's simulated frontier that moved during a tick; null: sealed (no refresh left). */
export interface FrontierAdvance {
  readonly objectId: string
  readonly writeFrontier: number | null
}

/** Persist simulated frontier advances (one statement for all). */
export async function writeFrontierAdvances(q: Queryable, advances: readonly FrontierAdvance[], nowMs: number): Promise<void> {
  if (advances.length === 0) return
  await q.query(
    `INSERT INTO mzcluster.object_frontiers (object_id, write_frontier, sealed, reported_at)
     SELECT object_id, write_frontier, write_frontier IS NULL, $3::bigint FROM unnest($1::text[], $2::bigint[]) AS a(object_id, write_frontier)
     ON CONFLICT (object_id) DO UPDATE SET write_frontier = excluded.write_frontier, sealed = excluded.sealed, reported_at = excluded.reported_at`,
    [advances.map((a) => a.objectId), advances.map((a) => a.writeFrontier), nowMs],
  )
}
