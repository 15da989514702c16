// Id allocation ahead of an insert, for code that must know an object's id before the transaction
// that creates it (create-time flag resolution evaluates a context keyed by the id). The allocators
// are the same sequences the inserts use, so ids stay unique and never reused.

import type {Queryable} from './db.js'

/** Allocate user cluster ids ahead of their insert (ids are never reused; an unused one is a gap). */
export async function allocateClusterIds(q: Queryable, count: number): Promise<string[]> {
  return allocate(q, 'user_cluster_ids', count)
}

/** Allocate user replica ids ahead of their insert (ids are never reused; an unused one is a gap). */
export async function allocateReplicaIds(q: Queryable, count: number): Promise<string[]> {
  return allocate(q, 'user_replica_ids', count)
}

async function allocate(q: Queryable, sequence: 'user_cluster_ids' | 'user_replica_ids', count: number): Promise<string[]> {
  if (count <= 0) return []
  const rows = await q.query<{n: string | number}>(
    `SELECT nextval('mzcluster.${sequence}') AS n FROM generate_series(1, $1::int)`,
    [count],
  )
  return rows.map((row) => `u${row.n}`)
}
