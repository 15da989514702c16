// The flags library's model of the catalog: one consistent read (catalog/flags.ts) of everything
// flags consume — environment values, clusters with their manual pins (`clusters.features`),
// replicas with their pins (`replica_parameter_pins`) and size family, and the synced cache —
// assembled per object. Every consumer (dump, inspect, sync) reads through it and resolves through
// parameters/resolve.ts.

import type {Db} from '../catalog/db.js'
import {readFlagRows, type FlagRows, type FlagRowsFilter, type FlagValueRow} from '../catalog/flags.js'
import type {ClusterRef, ReplicaRef} from './contexts.js'

export type {ObjectFilter} from '../catalog/flags.js'
export type FlagStateFilter = FlagRowsFilter

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

/** Code-unit order: deterministic and locale-independent (names may hold any Unicode). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Read the flags state in one repeatable-read snapshot (a constant number of statements, however
 * many clusters and replicas there are). Synced rows whose object is gone are returned as orphans
 * when the corresponding filter is `all`.
 */
export async function readFlagState(db: Db, filter: FlagStateFilter = {}): Promise<FlagState> {
  return assemble(await readFlagRows(db, filter))
}

function assemble({
  environmentId,
  environment,
  clusters: clusterRows,
  clusterSynced,
  replicas: replicaRows,
  replicaSynced,
  replicaPins,
}: FlagRows): FlagState {
  const orphans: OrphanRow[] = []
  const clusterIds = new Set(clusterRows.map((row) => row.id))
  const replicaIds = new Set(replicaRows.map((row) => row.id))
  const group = (
    rows: readonly FlagValueRow[],
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
