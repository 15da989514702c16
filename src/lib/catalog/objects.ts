// Statements over `mzcluster.objects`: read objects with their cluster, pinned replica and last
// reported frontier; allocate and insert one; delete one, or every object bound to a cluster.

import type {Queryable} from './db.js'

/** An object joined with its cluster's name, its pinned replica's name and its reported frontier. */
export interface ObjectRow {
  id: string
  name: string
  cluster_id: string
  cluster_name: string
  type: string
  replica_id: string | null
  replica_name: string | null
  refresh_schedule: unknown
  write_frontier: number | string | null
  sealed: boolean
  created_at: number | string
}

const SELECT_OBJECTS = `
  SELECT o.id, o.name, o.cluster_id, c.name AS cluster_name, o.type, o.replica_id, r.name AS replica_name,
         o.refresh_schedule, f.write_frontier, COALESCE(f.sealed, false) AS sealed, o.created_at
  FROM mzcluster.objects o
  JOIN mzcluster.clusters c ON c.id = o.cluster_id
  LEFT JOIN mzcluster.replicas r ON r.id = o.replica_id AND r.cluster_id = o.cluster_id
  LEFT JOIN mzcluster.object_frontiers f ON f.object_id = o.id`

/** All objects, or those bound to one cluster, in creation order. */
export async function selectObjects(q: Queryable, options: {clusterId?: string} = {}): Promise<ObjectRow[]> {
  if (options.clusterId === undefined) return q.query<ObjectRow>(`${SELECT_OBJECTS} ORDER BY o.ord`)
  return q.query<ObjectRow>(`${SELECT_OBJECTS} WHERE o.cluster_id = $1 ORDER BY o.ord`, [options.clusterId])
}

/** One object by its (unique) name. */
export async function selectObjectByName(q: Queryable, name: string): Promise<ObjectRow | undefined> {
  const [row] = await q.query<ObjectRow>(`${SELECT_OBJECTS} WHERE o.name = $1`, [name])
  return row
}

export async function objectNameTaken(q: Queryable, name: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM mzcluster.objects WHERE name = $1', [name])
  return rows.length > 0
}

/** The stored values of a new object (id and ord are allocated by the insert). */
export interface NewObjectRow {
  readonly name: string
  readonly cluster_id: string
  readonly type: string
  readonly replica_id: string | null
  /** Stored as jsonb; null = refresh on commit. */
  readonly refresh_schedule: unknown
  readonly created_at: number
}

/** Allocate the next user object id (`u<N>`) and insert the object; returns its id. */
export async function insertObject(tx: Queryable, object: NewObjectRow): Promise<string> {
  const [row] = await tx.query<{id: string}>(
    `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, replica_id, refresh_schedule, created_at)
     SELECT 'u' || n, n, $1, $2, $3, $4, $5::jsonb, $6 FROM (SELECT nextval('mzcluster.user_object_ids') AS n) AS allocated
     RETURNING id`,
    [
      object.name,
      object.cluster_id,
      object.type,
      object.replica_id,
      object.refresh_schedule === null ? null : JSON.stringify(object.refresh_schedule),
      object.created_at,
    ],
  )
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row')
  return row.id
}

/** Delete an object; its hydration and frontier reports go with it (ON DELETE CASCADE). */
export async function deleteObject(tx: Queryable, objectId: string): Promise<void> {
  await tx.query('DELETE FROM mzcluster.objects WHERE id = $1', [objectId])
}

/** Delete every object bound to a cluster (a cascading cluster drop). */
export async function deleteObjectsOfCluster(tx: Queryable, clusterId: string): Promise<void> {
  await tx.query('DELETE FROM mzcluster.objects WHERE cluster_id = $1', [clusterId])
}
