// Reading clusters and replicas for `cluster list`, `cluster show` and `replica list`: the JSON
// shapes of product.md §5, built from a constant number of queries however many clusters exist
// (clusters with their SHOW CLUSTERS activity, replicas with live status, synced overrides).

import type {
  AutoScalingJson,
  BurstJson,
  LoggingJson,
  ReconfigurationJson,
  ScheduleJson,
} from '../catalog/cluster-rows.js'
import type {ClusterActivityRow, ClusterSelection, NewClusterRow} from '../catalog/clusters.js'
import {selectClustersWithActivity, selectSyncedClusterParameters} from '../catalog/clusters.js'
import type {Queryable} from '../catalog/db.js'
import {findCluster} from '../catalog/lookup.js'
import {SystemParameters} from '../catalog/parameters.js'
import type {NewReplicaRow, ReplicaStatusRow} from '../catalog/replicas.js'
import {selectReplicasWithStatus} from '../catalog/replicas.js'
import {signalSource, simulatedHydrated} from '../catalog/signals.js'

/** A replica as `cluster show` lists it. */
export interface ReplicaView {
  id: string
  name: string
  size: string | null
  availability_zones: string[]
  online: boolean
  hydrated: boolean
  internal: boolean
  billed_as: string | null
  created_at: number
}

/** A replica as `replica list` lists it. */
export interface ReplicaListItem extends ReplicaView {
  cluster_id: string
  cluster_name: string
}

/**
 * The `cluster show` object (and each element of `cluster list --json`). Managed-only fields are
 * null for an unmanaged cluster, as in Materialize's mz_clusters.
 */
export interface ClusterView {
  id: string
  name: string
  managed: boolean
  builtin: boolean
  size: string | null
  replication_factor: number | null
  availability_zones: string[] | null
  logging: LoggingJson | null
  schedule: ScheduleJson | null
  auto_scaling_strategy: AutoScalingJson | null
  reconfiguration: ReconfigurationJson | null
  burst: BurstJson | null
  /** SHOW CLUSTERS' activity column: null when steady. */
  activity: string | null
  replicas: ReplicaView[]
  /** Manual pins of cluster-scoped parameters (raw values). */
  features: Record<string, string>
  /** Overrides written by `flags sync` for this cluster (`cluster_system_configurations`). */
  synced_parameters: Record<string, string>
  owner: string
  version: number
  created_at: number
}

type ClusterViewRow = ClusterActivityRow
type ReplicaViewRow = ReplicaStatusRow

/** Every cluster (builtin ones too unless excluded), ordered by name. */
export async function listClusters(
  q: Queryable,
  options: {includeBuiltin?: boolean} = {},
): Promise<ClusterView[]> {
  return loadClusterViews(q, {all: true, includeBuiltin: options.includeBuiltin !== false})
}

/** One cluster by exact name; NotFoundError when absent. */
export async function showCluster(q: Queryable, name: string): Promise<ClusterView> {
  const [view] = await loadClusterViews(q, {name})
  if (view === undefined) {
    await findCluster(q, name) // throws the shared not-found error
    throw new Error(`cluster ${JSON.stringify(name)} vanished while being read`)
  }
  return view
}

/** One cluster by id (after a write that returned it). */
export async function showClusterById(q: Queryable, id: string): Promise<ClusterView | undefined> {
  const [view] = await loadClusterViews(q, {id})
  return view
}

/** Replicas of every cluster, or of one cluster by exact name; ordered by cluster name, then creation. */
export async function listReplicas(
  q: Queryable,
  options: {cluster?: string} = {},
): Promise<ReplicaListItem[]> {
  let selection: ClusterSelection = {all: true, includeBuiltin: true}
  if (options.cluster !== undefined) selection = {id: (await findCluster(q, options.cluster)).id}
  const rows = await withSignalSource(q, await selectReplicasWithStatus(q, selection))
  // Array.prototype.sort is stable: creation order holds within each cluster.
  return rows
    .map((row) => {
      const {id, name, ...rest} = replicaView(row)
      return {id, name, cluster_id: row.cluster_id, cluster_name: row.cluster_name, ...rest}
    })
    .sort((a, b) => compareNames(a.cluster_name, b.cluster_name))
}

async function loadClusterViews(q: Queryable, selection: ClusterSelection): Promise<ClusterView[]> {
  const clusters = await selectClustersWithActivity(q, selection)
  if (clusters.length === 0) return []
  const replicas = await withSignalSource(q, await selectReplicasWithStatus(q, selection))
  const synced = await selectSyncedClusterParameters(q, selection)
  const replicasByCluster = groupBy(replicas, (row) => row.cluster_id)
  const syncedByCluster = groupBy(synced, (row) => row.cluster_id)
  return clusters
    .map((row) =>
      clusterView(
        row,
        replicasByCluster.get(row.id) ?? [],
        Object.fromEntries((syncedByCluster.get(row.id) ?? []).map((s) => [s.name, s.value])),
      ),
    )
    .sort((a, b) => compareNames(a.name, b.name))
}

/** Under `signal_source = simulated`, online and hydrated are derived from the replica's age. */
async function withSignalSource(q: Queryable, rows: ReplicaViewRow[]): Promise<ReplicaViewRow[]> {
  const source = signalSource(await SystemParameters.read(q), Date.now())
  if (source.kind !== 'simulated') return rows
  return rows.map((row) => {
    const ready = row.size !== null && simulatedHydrated(Number(row.created_at), source)
    return {...row, online: ready, hydrated: ready}
  })
}

function clusterView(
  row: ClusterViewRow,
  replicas: readonly ReplicaViewRow[],
  synced: Record<string, string>,
): ClusterView {
  const managed = row.managed
  return {
    id: row.id,
    name: row.name,
    managed,
    builtin: row.builtin,
    size: managed ? row.size : null,
    replication_factor: managed ? row.replication_factor : null,
    availability_zones: managed ? row.availability_zones : null,
    logging: managed ? row.logging : null,
    schedule: managed ? row.schedule : null,
    auto_scaling_strategy: managed ? row.auto_scaling_strategy : null,
    reconfiguration: managed ? row.reconfiguration : null,
    burst: managed ? row.burst : null,
    activity: row.activity,
    replicas: replicas.map(replicaView),
    features: row.features,
    synced_parameters: synced,
    owner: row.owner,
    version: Number(row.version),
    created_at: Number(row.created_at),
  }
}

/** A view with no id yet: what a dry run of a create reports. */
export type Planned<V extends {id: string}> = Omit<V, 'id'> & {id: null}

/** The view a cluster about to be created will have: no id yet, no replicas, steady. */
export function plannedClusterView(row: NewClusterRow): Planned<ClusterView> {
  const view = clusterView(
    {
      ...row,
      id: '',
      ord: 0,
      builtin: false,
      availability_zones: [...row.availability_zones],
      features: {...row.features},
      reconfiguration: null,
      burst: null,
      // The column defaults of mzcluster.clusters.
      owner: 'mz_system',
      version: 1,
      activity: null,
    },
    [],
    {},
  )
  return {...view, id: null}
}

/** The `replica list` element a replica about to be created will have (not yet online). */
export function plannedReplicaItem(clusterName: string, row: NewReplicaRow): Planned<ReplicaListItem> {
  return {
    id: null,
    name: row.name,
    cluster_id: row.cluster_id,
    cluster_name: clusterName,
    size: row.size,
    availability_zones: [...row.availability_zones],
    online: false,
    hydrated: false,
    internal: false,
    billed_as: null,
    created_at: row.created_at,
  }
}

function replicaView(row: ReplicaViewRow): ReplicaView {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    availability_zones: row.availability_zones,
    online: row.online,
    hydrated: row.hydrated,
    internal: row.internal,
    billed_as: row.billed_as,
    created_at: Number(row.created_at),
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

/** Code-point order: the same on every backend and collation. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
