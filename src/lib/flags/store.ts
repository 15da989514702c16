// The catalog side of the flags library: one consistent read of everything flags consume —
// environment values, clusters with their manual pins (`clusters.features`), replicas with their
// pins (`replica_parameter_pins`) and size family, and the synced cache — in a constant number of
// statements whatever the number of objects. Every consumer (dump, inspect, sync) reads through it
// and resolves through resolve.ts.

import type {Db, Queryable} from '../catalog/db.js'
import type {ClusterRef, ReplicaRef} from './contexts.js'
import {getParameter} from './registry.js'
import {resolveParameter} from './resolve.js'

export interface ClusterFlags {
  readonly id: string
  readonly name: string
  readonly builtin: boolean
  readonly managed: boolean
  /** Manual pins of cluster-scoped parameters (`clusters.features`), raw. */
  readonly pins: ReadonlyMap<string, string>
  /** Overrides written by `flags sync` (`cluster_system_configurations`), raw. */
  readonly synced: ReadonlyMap<string, string>
}

export interface ReplicaFlags {
  readonly id: string
  readonly name: string
  readonly clusterId: string
  readonly clusterName: string
  /** Null for an unmanaged replica (no size): never evaluated by sync. */
  readonly size: string | null
  /** The size's family from the size map; null when the replica has no size or the size is unknown. */
  readonly sizeFamily: string | null
  /** Manual pins of replica-scoped parameters (`replica_parameter_pins`), raw. */
  readonly pins: ReadonlyMap<string, string>
  /** Overrides written by `flags sync` (`replica_system_configurations`), raw. */
  readonly synced: ReadonlyMap<string, string>
}

/** One stored row of the cache whose object is not in the read (a dropped object, or outside the filter). */
export interface OrphanRow {
  readonly scope: 'cluster' | 'replica'
  readonly objectId: string
  readonly name: string
  readonly value: string
}

export interface FlagState {
  /** `mzcluster.meta` `environment_id`; null on a catalog without one. */
  readonly environmentId: string | null
  /** Environment-wide values (`system_parameters`), raw. */
  readonly environment: ReadonlyMap<string, string>
  /** Ordered by name. */
  readonly clusters: readonly ClusterFlags[]
  /** Ordered by cluster name, then replica name. */
  readonly replicas: readonly ReplicaFlags[]
  /** Synced rows of objects that are not among `clusters`/`replicas` (only read with `all`). */
  readonly orphans: readonly OrphanRow[]
}

/** Which objects to read: every one, none, one by id, or (replicas) those of one cluster. */
export type ObjectFilter = 'all' | 'none' | {readonly id: string} | {readonly clusterId: string}

export interface FlagStateFilter {
  readonly clusters?: ObjectFilter
  readonly replicas?: ObjectFilter
}

/** Code-unit order: deterministic and locale-independent (names may hold any Unicode). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

interface ClusterRow {
  id: string
  name: string
  builtin: boolean
  managed: boolean
  features: Record<string, unknown> | null
}
interface ReplicaRow {
  id: string
  name: string
  cluster_id: string
  cluster_name: string
  size: string | null
  family: string | null
}
interface ValueRow {
  object_id: string
  name: string
  value: string
}

function where(
  filter: ObjectFilter,
  column: {id: string; cluster: string},
  params: unknown[],
): string | null {
  if (filter === 'none') return null
  if (filter === 'all') return 'true'
  params.push('id' in filter ? filter.id : filter.clusterId)
  return `${'id' in filter ? column.id : column.cluster} = $${params.length}`
}

/**
 * Read the flags state in one repeatable-read snapshot: 7 reads and the SET TRANSACTION (plus BEGIN/COMMIT),
 * however many clusters and replicas there are. Synced rows whose object is gone are returned as
 * orphans when the corresponding filter is `all`.
 */
export async function readFlagState(db: Db, filter: FlagStateFilter = {}): Promise<FlagState> {
  const clusterFilter = filter.clusters ?? 'all'
  const replicaFilter = filter.replicas ?? 'all'
  return db.transaction(async (tx) => {
    // One snapshot: a synced row whose object is absent from it belongs to a dropped object.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
    const [meta] = await tx.query<{value: string}>(
      "SELECT value FROM mzcluster.meta WHERE key = 'environment_id'",
    )
    const environment = await readEnvironmentValues(tx)

    const clusterParams: unknown[] = []
    const clusterWhere = where(clusterFilter, {id: 'c.id', cluster: 'c.id'}, clusterParams)
    const clusterRows =
      clusterWhere === null
        ? []
        : await tx.query<ClusterRow>(
            `SELECT c.id, c.name, c.builtin, c.managed, c.features FROM mzcluster.clusters c WHERE ${clusterWhere}`,
            clusterParams,
          )
    const clusterSynced =
      clusterWhere === null
        ? []
        : await tx.query<ValueRow>(
            `SELECT s.cluster_id AS object_id, s.name, s.value FROM mzcluster.cluster_system_configurations s
              WHERE ${clusterFilter === 'all' ? 'true' : `s.cluster_id IN (SELECT c.id FROM mzcluster.clusters c WHERE ${clusterWhere})`}`,
            clusterParams,
          )

    const replicaParams: unknown[] = []
    const replicaWhere = where(replicaFilter, {id: 'r.id', cluster: 'r.cluster_id'}, replicaParams)
    let replicaRows: ReplicaRow[] = []
    let replicaSynced: ValueRow[] = []
    let replicaPins: ValueRow[] = []
    if (replicaWhere !== null) {
      replicaRows = await tx.query<ReplicaRow>(
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
      replicaSynced = await tx.query<ValueRow>(ofSelected('replica_system_configurations'), replicaParams)
      replicaPins = await tx.query<ValueRow>(ofSelected('replica_parameter_pins'), replicaParams)
    }
    return assemble(
      meta?.value ?? null,
      environment,
      clusterRows,
      clusterSynced,
      replicaRows,
      replicaSynced,
      replicaPins,
    )
  })
}

function assemble(
  environmentId: string | null,
  environment: ReadonlyMap<string, string>,
  clusterRows: readonly ClusterRow[],
  clusterSynced: readonly ValueRow[],
  replicaRows: readonly ReplicaRow[],
  replicaSynced: readonly ValueRow[],
  replicaPins: readonly ValueRow[],
): FlagState {
  const orphans: OrphanRow[] = []
  const clusterIds = new Set(clusterRows.map((row) => row.id))
  const replicaIds = new Set(replicaRows.map((row) => row.id))
  const group = (
    rows: readonly ValueRow[],
    scope: 'cluster' | 'replica',
    live: ReadonlySet<string>,
    keepOrphans: boolean,
  ) => {
    const byObject = new Map<string, Map<string, string>>()
    for (const row of rows) {
      if (!live.has(row.object_id)) {
        if (keepOrphans) orphans.push({scope, objectId: row.object_id, name: row.name, value: row.value})
        continue
      }
      let values = byObject.get(row.object_id)
      if (!values) byObject.set(row.object_id, (values = new Map()))
      values.set(row.name, row.value)
    }
    return byObject
  }
  const syncedByCluster = group(clusterSynced, 'cluster', clusterIds, true)
  const syncedByReplica = group(replicaSynced, 'replica', replicaIds, true)
  const pinsByReplica = group(replicaPins, 'replica', replicaIds, false)
  const none: ReadonlyMap<string, string> = new Map()

  const clusters = clusterRows
    .map((row): ClusterFlags => ({
      id: row.id,
      name: row.name,
      builtin: row.builtin,
      managed: row.managed,
      pins: featurePins(row.features),
      synced: syncedByCluster.get(row.id) ?? none,
    }))
    .sort((a, b) => compareText(a.name, b.name))
  const replicas = replicaRows
    .map((row): ReplicaFlags => ({
      id: row.id,
      name: row.name,
      clusterId: row.cluster_id,
      clusterName: row.cluster_name,
      size: row.size,
      sizeFamily: row.size === null ? null : row.family,
      pins: pinsByReplica.get(row.id) ?? none,
      synced: syncedByReplica.get(row.id) ?? none,
    }))
    .sort((a, b) => compareText(a.clusterName, b.clusterName) || compareText(a.name, b.name))
  orphans.sort(
    (a, b) =>
      compareText(a.scope, b.scope) || compareText(a.objectId, b.objectId) || compareText(a.name, b.name),
  )
  return {environmentId, environment, clusters, replicas, orphans}
}

/** `clusters.features` as a map of raw strings (non-string JSON values are rendered as JSON). */
export function featurePins(features: Record<string, unknown> | null | undefined): Map<string, string> {
  const pins = new Map<string, string>()
  for (const [name, value] of Object.entries(features ?? {})) {
    pins.set(name, typeof value === 'string' ? value : JSON.stringify(value))
  }
  return pins
}

/** Environment-wide values as stored (`system_parameters`), raw. */
export async function readEnvironmentValues(q: Queryable): Promise<Map<string, string>> {
  const rows = await q.query<{name: string; value: string}>(
    'SELECT name, value FROM mzcluster.system_parameters',
  )
  return new Map(rows.map((row) => [row.name, row.value]))
}

/**
 * One parameter's effective environment-wide value, typed (default < environment, through the one
 * resolver): for code that needs a single setting, e.g. a limit checked by DDL.
 */
export async function readEnvironmentParameter<V>(q: Queryable, name: string): Promise<V> {
  const def = getParameter(name)
  if (!def) throw new Error(`unknown system parameter ${name}`)
  const [row] = await q.query<{value: string}>(
    'SELECT value FROM mzcluster.system_parameters WHERE name = $1',
    [name],
  )
  const {value} = resolveParameter(def, {environment: row?.value})
  const parsed = def.parse(value)
  return (parsed.ok ? parsed.value : def.default) as V
}

/** The LaunchDarkly view of a cluster. */
export const clusterRef = (cluster: ClusterFlags): ClusterRef => ({id: cluster.id, name: cluster.name})

/** The LaunchDarkly view of a replica; null when it cannot be evaluated (no size, or a size the map does not know). */
export function replicaRef(replica: ReplicaFlags): ReplicaRef | null {
  if (replica.size === null || replica.sizeFamily === null) return null
  return {
    id: replica.id,
    name: replica.name,
    size: replica.size,
    sizeFamily: replica.sizeFamily,
    clusterId: replica.clusterId,
    clusterName: replica.clusterName,
  }
}

/**
 * `CLUSTER.REPLICA` as `parseReplicaRef` reads it back: a part is double-quoted (`""` for a quote)
 * when it would otherwise be misread — a cluster name with a dot, or either part starting with a
 * quote or holding a backslash.
 */
export function formatReplicaRef(clusterName: string, replicaName: string): string {
  const quote = (part: string) => `"${part.replaceAll('"', '""')}"`
  const needsQuote = (part: string, dots: boolean) =>
    part.startsWith('"') || part.includes('\\') || (dots && part.includes('.'))
  const cluster = needsQuote(clusterName, true) ? quote(clusterName) : clusterName
  const replica = needsQuote(replicaName, false) ? quote(replicaName) : replicaName
  return `${cluster}.${replica}`
}
