// Clusters and replicas for the flags tests, inserted with plain SQL (the tests must not depend on
// the cluster DDL commands). Sizes come from the default size map: cc sizes (`100cc`, family cc)
// and legacy t-shirt sizes (`xsmall`, family legacy).
//
//   quickstart (u1, managed 100cc)       r1 = u1 (100cc, cc)
//   legacy_cl  (u2, managed xsmall)      r1 = u2 (xsmall, legacy), r2 = u3 (xsmall, legacy)
//   scratch    (u3, unmanaged)           r1 = u4 (no size: unmanaged, never evaluated)
// plus the builtins s1 mz_system, s2 mz_catalog_server, s3 mz_probe with replicas s1..s3 (cc).

import type {Queryable} from '../../src/lib/catalog/db.js'

export const ENVIRONMENT_ID = 'aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0'
export const FIXTURE = new URL('../fixtures/flags/scoped-flags.json', import.meta.url).pathname

export interface ClusterSpec {
  readonly id: string
  readonly name: string
  readonly size: string | null
}
export interface ReplicaSpec {
  readonly id: string
  readonly clusterId: string
  readonly name: string
  readonly size: string | null
}

export const CLUSTERS: readonly ClusterSpec[] = [
  {id: 'u1', name: 'quickstart', size: '100cc'},
  {id: 'u2', name: 'legacy_cl', size: 'xsmall'},
  {id: 'u3', name: 'scratch', size: null},
]

export const REPLICAS: readonly ReplicaSpec[] = [
  {id: 'u1', clusterId: 'u1', name: 'r1', size: '100cc'},
  {id: 'u2', clusterId: 'u2', name: 'r1', size: 'xsmall'},
  {id: 'u3', clusterId: 'u2', name: 'r2', size: 'xsmall'},
  {id: 'u4', clusterId: 'u3', name: 'r1', size: null},
]

export async function insertClusters(
  q: Queryable,
  clusters: readonly ClusterSpec[] = CLUSTERS,
): Promise<void> {
  for (const c of clusters) {
    await q.query(
      `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 0)`,
      [c.id, Number(c.id.slice(1)), c.name, c.size !== null, c.size, c.size === null ? null : 1],
    )
  }
  await q.query(
    "SELECT setval('mzcluster.user_cluster_ids', (SELECT max(ord) FROM mzcluster.clusters WHERE id LIKE 'u%'))",
  )
}

export async function insertReplicas(
  q: Queryable,
  replicas: readonly ReplicaSpec[] = REPLICAS,
): Promise<void> {
  for (const r of replicas) {
    await q.query(
      `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at) VALUES ($1, $2, $3, $4, $5, 0)`,
      [r.id, Number(r.id.slice(1)), r.clusterId, r.name, r.size],
    )
  }
  await q.query(
    "SELECT setval('mzcluster.user_replica_ids', (SELECT max(ord) FROM mzcluster.replicas WHERE id LIKE 'u%'))",
  )
}

/** The standard objects above. */
export async function insertObjects(q: Queryable): Promise<void> {
  await insertClusters(q)
  await insertReplicas(q)
}

export interface Row {
  readonly id: string
  readonly name: string
  readonly value: string
}

/** The synced cache as sorted `id name=value` strings, cluster rows first. */
export async function syncedRows(q: Queryable): Promise<{cluster: string[]; replica: string[]}> {
  const cluster = await q.query<Row>(
    'SELECT cluster_id AS id, name, value FROM mzcluster.cluster_system_configurations ORDER BY 1, 2',
  )
  const replica = await q.query<Row>(
    'SELECT replica_id AS id, name, value FROM mzcluster.replica_system_configurations ORDER BY 1, 2',
  )
  const show = (rows: Row[]) => rows.map((r) => `${r.id} ${r.name}=${r.value}`)
  return {cluster: show(cluster), replica: show(replica)}
}
