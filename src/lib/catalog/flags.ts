// The scoped-flag tables: the synced cache (`cluster_system_configurations`,
// `replica_system_configurations`), replica pins (`replica_parameter_pins`) and clusters' manual
// `features`, plus the one-snapshot read everything in src/lib/flags consumes. Typed functions
// only; the flags library decides what to write.

import type {Db, Queryable} from './db.js'
import {readSystemParameterValues} from './parameters.js'

/** Which objects to read: every one, none, one by id, or (replicas) those of one cluster. */
export type ObjectFilter = 'all' | 'none' | {readonly id: string} | {readonly clusterId: string}

export interface FlagRowsFilter {
  readonly clusters?: ObjectFilter
  readonly replicas?: ObjectFilter
}

export interface FlagClusterRow {
  id: string
  name: string
  builtin: boolean
  managed: boolean
  features: Record<string, unknown> | null
}

export interface FlagReplicaRow {
  id: string
  name: string
  cluster_id: string
  cluster_name: string
  size: string | null
  /** The size's family from the size map (null: no size, or a size the map does not know). */
  family: string | null
}

export interface FlagValueRow {
  object_id: string
  name: string
  value: string
}

/** Everything flags read, raw, from one snapshot. */
export interface FlagRows {
  readonly environmentId: string | null
  readonly environment: ReadonlyMap<string, string>
  readonly clusters: readonly FlagClusterRow[]
  readonly clusterSynced: readonly FlagValueRow[]
  readonly replicas: readonly FlagReplicaRow[]
  readonly replicaSynced: readonly FlagValueRow[]
  readonly replicaPins: readonly FlagValueRow[]
}

function where(filter: ObjectFilter, column: {id: string; cluster: string}, params: unknown[]): string | null {
  if (filter === 'none') return null
  if (filter === 'all') return 'true'
  params.push('id' in filter ? filter.id : filter.clusterId)
  return `${'id' in filter ? column.id : column.cluster} = $${params.length}`
}

/**
 * Read the flag rows in one repeatable-read snapshot: 7 reads and the SET TRANSACTION (plus
 * BEGIN/COMMIT), however many clusters and replicas there are. With a filter of `all`, synced rows
 * of every object are read (including those of dropped objects).
 */
export async function readFlagRows(db: Db, filter: FlagRowsFilter = {}): Promise<FlagRows> {
  const clusterFilter = filter.clusters ?? 'all'
  const replicaFilter = filter.replicas ?? 'all'
  return db.transaction(async (tx) => {
    // One snapshot: a synced row whose object is absent from it belongs to a dropped object.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
    const environmentId = await readEnvironmentId(tx)
    const environment = await readSystemParameterValues(tx)

    const clusterParams: unknown[] = []
    const clusterWhere = where(clusterFilter, {id: 'c.id', cluster: 'c.id'}, clusterParams)
    const clusters =
      clusterWhere === null
        ? []
        : await tx.query<FlagClusterRow>(
            `SELECT c.id, c.name, c.builtin, c.managed, c.features FROM mzcluster.clusters c WHERE ${clusterWhere}`,
            clusterParams,
          )
    const clusterSynced =
      clusterWhere === null
        ? []
        : await tx.query<FlagValueRow>(
            `SELECT s.cluster_id AS object_id, s.name, s.value FROM mzcluster.cluster_system_configurations s
              WHERE ${clusterFilter === 'all' ? 'true' : `s.cluster_id IN (SELECT c.id FROM mzcluster.clusters c WHERE ${clusterWhere})`}`,
            clusterParams,
          )

    const replicaParams: unknown[] = []
    const replicaWhere = where(replicaFilter, {id: 'r.id', cluster: 'r.cluster_id'}, replicaParams)
    let replicas: FlagReplicaRow[] = []
    let replicaSynced: FlagValueRow[] = []
    let replicaPins: FlagValueRow[] = []
    if (replicaWhere !== null) {
      replicas = await tx.query<FlagReplicaRow>(
        `SELECT r.id, r.name, r.cluster_id, c.name AS cluster_name, r.size, s.family
           FROM mzcluster.replicas r
           JOIN mzcluster.clusters c ON c.id = r.cluster_id
           LEFT JOIN mzcluster.replica_sizes s ON s.name = r.size
          WHERE ${replicaWhere}`,
        replicaParams,
      )
      const ofSelected = (table: string) =>
        `SELECT t.replica_id AS object_id, t.name, t.value FROM mzcluster.${table} t
          WHERE ${replicaFilter === 'all' ? 'true' : `t.replica_id IN (SELECT r.id FROM mzcluster.replicas r WHERE ${replicaWhere})`}`
      replicaSynced = await tx.query<FlagValueRow>(ofSelected('replica_system_configurations'), replicaParams)
      replicaPins = await tx.query<FlagValueRow>(ofSelected('replica_parameter_pins'), replicaParams)
    }
    return {environmentId, environment, clusters, clusterSynced, replicas, replicaSynced, replicaPins}
  })
}

/** `mzcluster.meta` `environment_id`; null on a catalog without one. */
export async function readEnvironmentId(q: Queryable): Promise<string | null> {
  const [meta] = await q.query<{value: string}>("SELECT value FROM mzcluster.meta WHERE key = 'environment_id'")
  return meta?.value ?? null
}

/** The families of the given sizes (`replica_sizes`); sizes the map does not know are absent. */
export async function readSizeFamilies(q: Queryable, sizes: readonly string[]): Promise<Map<string, string>> {
  if (sizes.length === 0) return new Map()
  const rows = await q.query<{name: string; family: string}>(
    'SELECT name, family FROM mzcluster.replica_sizes WHERE name = ANY($1::text[])',
    [[...new Set(sizes)]],
  )
  return new Map(rows.map((row) => [row.name, row.family]))
}

export type OverrideScope = 'cluster' | 'replica'

/** One synced override to write: a value to upsert, or null to delete the row. */
export interface OverrideWrite {
  readonly objectId: string
  readonly name: string
  readonly value: string | null
}

const OVERRIDE_TABLE = {
  cluster: {table: 'cluster_system_configurations', id: 'cluster_id'},
  replica: {table: 'replica_system_configurations', id: 'replica_id'},
} as const

/** Upsert and delete synced overrides of one scope: two statements at most, whatever the count. */
export async function writeSyncedOverrides(
  q: Queryable,
  scope: OverrideScope,
  writes: readonly OverrideWrite[],
): Promise<void> {
  const {table, id} = OVERRIDE_TABLE[scope]
  const upserts = writes.filter((w) => w.value !== null)
  const deletes = writes.filter((w) => w.value === null)
  if (upserts.length > 0) {
    await q.query(
      `INSERT INTO mzcluster.${table} (${id}, name, value)
       SELECT o, n, v FROM unnest($1::text[], $2::text[], $3::text[]) AS u(o, n, v)
       ON CONFLICT (${id}, name) DO UPDATE SET value = EXCLUDED.value`,
      [upserts.map((w) => w.objectId), upserts.map((w) => w.name), upserts.map((w) => w.value)],
    )
  }
  if (deletes.length > 0) {
    await q.query(
      `DELETE FROM mzcluster.${table}
        WHERE (${id}, name) IN (SELECT o, n FROM unnest($1::text[], $2::text[]) AS d(o, n))`,
      [deletes.map((w) => w.objectId), deletes.map((w) => w.name)],
    )
  }
}

/** One override of an object being created (create-time resolution). */
export interface CreatedOverride {
  readonly scope: OverrideScope
  readonly objectId: string
  readonly name: string
  readonly value: string
}

/** Rows to write with a new cluster, prepared before its transaction opens (create-time flags). */
export interface ClusterCreateHook {
  prepare(cluster: {readonly id: string; readonly name: string}): Promise<{
    readonly overrides: readonly CreatedOverride[]
    readonly warning: string | null
  }>
}

/**
 * Write the overrides of objects created in the same transaction (at most two statements). A row of
 * an object that is not there (a create that turned out to be a no-op) is not written.
 */
export async function insertCreatedOverrides(q: Queryable, overrides: readonly CreatedOverride[]): Promise<void> {
  for (const scope of ['cluster', 'replica'] as const) {
    const rows = overrides.filter((o) => o.scope === scope)
    if (rows.length === 0) continue
    const {table, id} = OVERRIDE_TABLE[scope]
    const objects = scope === 'cluster' ? 'clusters' : 'replicas'
    await q.query(
      `INSERT INTO mzcluster.${table} (${id}, name, value)
       SELECT o, n, v FROM unnest($1::text[], $2::text[], $3::text[]) AS u(o, n, v)
        WHERE EXISTS (SELECT 1 FROM mzcluster.${objects} x WHERE x.id = u.o)
       ON CONFLICT (${id}, name) DO UPDATE SET value = EXCLUDED.value`,
      [rows.map((o) => o.objectId), rows.map((o) => o.name), rows.map((o) => o.value)],
    )
  }
}

/** A replica's manual pins (`replica_parameter_pins`), raw. */
export async function readReplicaPins(q: Queryable, replicaId: string): Promise<Map<string, string>> {
  const rows = await q.query<{name: string; value: string}>(
    'SELECT name, value FROM mzcluster.replica_parameter_pins WHERE replica_id = $1',
    [replicaId],
  )
  return new Map(rows.map((row) => [row.name, row.value]))
}

/** Upsert the non-null pins and delete the null ones: two statements at most. */
export async function writeReplicaPins(
  q: Queryable,
  replicaId: string,
  values: ReadonlyMap<string, string | null>,
): Promise<void> {
  const upserts = [...values].filter((entry): entry is [string, string] => entry[1] !== null)
  const deletes = [...values].filter(([, value]) => value === null).map(([name]) => name)
  if (upserts.length > 0) {
    await q.query(
      `INSERT INTO mzcluster.replica_parameter_pins (replica_id, name, value)
       SELECT $3, n, v FROM unnest($1::text[], $2::text[]) AS u(n, v)
       ON CONFLICT (replica_id, name) DO UPDATE SET value = EXCLUDED.value`,
      [upserts.map(([name]) => name), upserts.map(([, value]) => value), replicaId],
    )
  }
  if (deletes.length > 0) {
    await q.query(
      'DELETE FROM mzcluster.replica_parameter_pins WHERE replica_id = $1 AND name = ANY($2::text[])',
      [replicaId, deletes],
    )
  }
}

/** Replace a cluster's manual `features`; bumps `version`, the controller's compare-and-append guard. */
export async function writeClusterFeatures(
  q: Queryable,
  clusterId: string,
  features: Readonly<Record<string, unknown>>,
): Promise<void> {
  await q.query('UPDATE mzcluster.clusters SET features = $2::jsonb, version = version + 1 WHERE id = $1', [
    clusterId,
    JSON.stringify(features),
  ])
}

/** Names of the given clusters by id (for the contexts of replicas about to be created). */
export async function readClusterNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await q.query<{id: string; name: string}>(
    'SELECT id, name FROM mzcluster.clusters WHERE id = ANY($1::text[])',
    [[...ids]],
  )
  return new Map(rows.map((row) => [row.id, row.name]))
}
