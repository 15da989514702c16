// Cluster fixtures written straight into the catalog (the cluster commands are someone else's), and
// a snapshot of every table these commands write, to prove that a refused command wrote nothing.

import type {Queryable} from '../../src/lib/catalog/db.js'

export interface ClusterFixture {
  readonly id: string
  readonly name: string
  readonly size?: string
  /** Replica names; ids are allocated u1, u2, … in order across calls. */
  readonly replicas?: readonly string[]
  readonly autoScalingStrategy?: unknown
  readonly reconfiguration?: unknown
  readonly burst?: unknown
}

/** Inserts a managed user cluster and its replicas; returns the replica ids by name. */
export async function addCluster(q: Queryable, fixture: ClusterFixture): Promise<Record<string, string>> {
  const ord = Number(fixture.id.slice(1))
  await q.query(
    `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, auto_scaling_strategy, reconfiguration, burst, created_at)
     VALUES ($1, $2, $3, true, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, 0)`,
    [
      fixture.id,
      ord,
      fixture.name,
      fixture.size ?? '100cc',
      fixture.replicas?.length ?? 0,
      json(fixture.autoScalingStrategy),
      json(fixture.reconfiguration),
      json(fixture.burst),
    ],
  )
  await q.query(
    "SELECT setval('mzcluster.user_cluster_ids', greatest($1, (SELECT last_value FROM mzcluster.user_cluster_ids)))",
    [ord],
  )
  const ids: Record<string, string> = {}
  for (const name of fixture.replicas ?? []) {
    const [row] = await q.query<{n: number}>("SELECT nextval('mzcluster.user_replica_ids')::int AS n")
    const id = `u${row?.n}`
    await q.query(
      'INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at) VALUES ($1, $2, $3, $4, $5, 0)',
      [id, row?.n, fixture.id, name, fixture.size ?? '100cc'],
    )
    ids[name] = id
  }
  return ids
}

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value)

const SNAPSHOT_TABLES = [
  'replica_sizes',
  'objects',
  'replica_status',
  'object_hydration',
  'object_frontiers',
  'audit_events',
] as const

/** Every row of the tables `size`, `object` and `signal` write, in a stable order. */
export async function snapshot(q: Queryable): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const table of SNAPSHOT_TABLES) {
    out[table] = await q.query(`SELECT * FROM mzcluster.${table} t ORDER BY t::text`)
  }
  return out
}
