// Raw-SQL fixtures for the DDL tests: what the controller, an orchestrator or `object create`
// would write, so these tests depend on nothing but the schema.

import type {Queryable} from '../../src/lib/catalog/db.js'

export interface CatalogCounts {
  clusters: number
  replicas: number
  objects: number
  audit_events: number
}

/** Row counts of the tables a DDL write touches: equal before and after a refused command. */
export async function catalogCounts(q: Queryable): Promise<CatalogCounts> {
  const [row] = await q.query<CatalogCounts & Record<string, unknown>>(`SELECT
    (SELECT count(*)::int FROM mzcluster.clusters) AS clusters,
    (SELECT count(*)::int FROM mzcluster.replicas) AS replicas,
    (SELECT count(*)::int FROM mzcluster.objects) AS objects,
    (SELECT count(*)::int FROM mzcluster.audit_events) AS audit_events`)
  if (!row) throw new Error('no counts')
  return {
    clusters: row.clusters,
    replicas: row.replicas,
    objects: row.objects,
    audit_events: row.audit_events,
  }
}

let objectCounter = 0

/** A replica as the controller would create it (managed clusters get theirs only from the controller). */
export async function insertReplica(
  q: Queryable,
  clusterId: string,
  name: string,
  size = '100cc',
): Promise<string> {
  const [row] = await q.query<{id: string}>(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at)
     SELECT 'u' || n, n, $1, $2, $3, 0 FROM (SELECT nextval('mzcluster.user_replica_ids') AS n) s RETURNING id`,
    [clusterId, name, size],
  )
  return row!.id
}

export async function insertObject(
  q: Queryable,
  clusterId: string,
  type: 'index' | 'materialized-view' | 'source' | 'sink' | 'webhook-source',
  options: {name?: string; replicaId?: string} = {},
): Promise<string> {
  const [row] = await q.query<{id: string}>(
    `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, replica_id, created_at)
     SELECT 'u' || n, n, $1, $2, $3, $4, 0 FROM (SELECT nextval('mzcluster.user_object_ids') AS n) s RETURNING id`,
    [options.name ?? `object_${process.pid}_${++objectCounter}`, clusterId, type, options.replicaId ?? null],
  )
  return row!.id
}

export async function reportOnline(q: Queryable, replicaId: string, online = true): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) VALUES ($1, $2, 0)
     ON CONFLICT (replica_id) DO UPDATE SET online = $2`,
    [replicaId, online],
  )
}

export async function reportHydrated(
  q: Queryable,
  replicaId: string,
  objectId: string,
  hydrated = true,
): Promise<void> {
  await q.query(
    `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at) VALUES ($1, $2, $3, 0)
     ON CONFLICT (replica_id, object_id) DO UPDATE SET hydrated = $3`,
    [replicaId, objectId, hydrated],
  )
}
