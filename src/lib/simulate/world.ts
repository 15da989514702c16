// The simulated world: an in-memory copy of everything the controller reads (cluster rows, replicas
// with their creation times, objects and refresh frontiers, environment parameters, the size map),
// advanced in virtual time. Cluster configs stay catalog rows so that events route through the
// same code as the real commands; the kernel sees them through the same row → state mapping.

import type {CatalogSnapshot, ObjectSnapshotRow} from '../catalog/snapshot.js'
import type {ClusterRow, ReplicaRow} from '../catalog/cluster-rows.js'
import {burstToJson, clusterState, loggingToJson, observedReplica, reconfigurationToJson} from '../catalog/cluster-rows.js'
import {SystemParameters} from '../catalog/parameters.js'
import type {ClusterId, ClusterState, ObjectId, ObservedReplica, RefreshSchedule, StateWrite} from '../controller/context.js'
import {objectId} from '../controller/context.js'
import {applyStateWrite} from '../controller/overlay-context.js'

/** Object types that hydrate on a replica; webhook sources never do (product.md §4). */
const HYDRATABLE = new Set(['index', 'materialized-view', 'source', 'sink'])

export interface SimReplica {
  readonly replica: ObservedReplica
  readonly createdAtMs: number
  /** A `signal` event's report; null: simulated (hydrated once its delay has passed). */
  hydratedOverride: boolean | null
}

export interface SimRefreshMv {
  readonly id: ObjectId
  readonly name: string
  readonly schedule: RefreshSchedule
  /** null: sealed. */
  frontier: number | null
}

export interface SimCluster {
  row: ClusterRow
  replicas: SimReplica[]
  hydratableObjects: number
  readonly refreshMvs: SimRefreshMv[]
  readonly objectNames: string[]
}

export class SimWorld {
  readonly clusters = new Map<string, SimCluster>()
  parameters: SystemParameters
  readonly creditsBySize: ReadonlyMap<string, number>
  readonly sizes: ReadonlyMap<string, {readonly disabled: boolean}>
  private nextReplicaOrd: number
  private nextClusterOrd: number
  /** Credits per hour of every user replica, kept current by every change. */
  private usage = 0

  constructor(snapshot: CatalogSnapshot) {
    this.parameters = new SystemParameters(snapshot.parameters)
    this.creditsBySize = new Map(snapshot.sizes.map((size) => [size.name, size.credits_per_hour]))
    this.sizes = new Map(snapshot.sizes.map((size) => [size.name, {disabled: size.disabled}]))
    const replicasOf = new Map<string, ReplicaRow[]>()
    for (const replica of snapshot.replicas) replicasOf.set(replica.cluster_id, [...(replicasOf.get(replica.cluster_id) ?? []), replica])
    const objectsOf = new Map<string, ObjectSnapshotRow[]>()
    for (const object of snapshot.objects) objectsOf.set(object.cluster_id, [...(objectsOf.get(object.cluster_id) ?? []), object])
    for (const row of snapshot.clusters) {
      const objects = objectsOf.get(row.id) ?? []
      this.clusters.set(row.id, {
        row,
        replicas: (replicasOf.get(row.id) ?? []).map((replica) => ({
          replica: observedReplica(replica),
          createdAtMs: Number(replica.created_at),
          hydratedOverride: null,
        })),
        hydratableObjects: objects.filter((object) => HYDRATABLE.has(object.type)).length,
        refreshMvs: objects.flatMap((object) =>
          object.type === 'materialized-view' && object.refresh_schedule !== null
            ? [
                {
                  id: objectId(object.id),
                  name: object.name,
                  schedule: {
                    everies: object.refresh_schedule.everies.map((every) => ({intervalMs: every.interval_ms, alignedToMs: every.aligned_to})),
                    ats: object.refresh_schedule.ats,
                  },
                  // As the catalog context reads it: reported, else the view's creation time.
                  frontier: object.sealed ? null : (object.write_frontier ?? object.created_at),
                },
              ]
            : [],
        ),
        objectNames: objects.map((object) => object.name),
      })
    }
    const ordOf = (id: string) => Number(/^u(\d+)$/.exec(id)?.[1] ?? 0)
    this.nextReplicaOrd = Math.max(0, ...snapshot.replicas.map((replica) => ordOf(replica.id))) + 1
    this.nextClusterOrd = Math.max(0, ...snapshot.clusters.map((row) => ordOf(row.id))) + 1
    this.usage = this.userReplicaCredits()
  }

  /** Credits per hour of one size (0 for a size the map does not know). */
  credits(size: string | null): number {
    return size === null ? 0 : (this.creditsBySize.get(size) ?? 0)
  }

  /** Credits per hour of all user replicas (builtin clusters excluded, as the limit counts them). */
  get creditUsage(): number {
    return this.usage
  }

  private userReplicaCredits(): number {
    let total = 0
    for (const cluster of this.clusters.values()) {
      if (cluster.row.builtin) continue
      for (const replica of cluster.replicas) total += this.credits(replica.replica.shape?.size ?? null)
    }
    return total
  }

  private managed: SimCluster[] | null = null
  private readonly numbers = new Map<string, number>()

  /** User managed clusters in catalog order: the ones the controller owns. */
  managedClusters(): readonly SimCluster[] {
    this.managed ??= [...this.clusters.values()].filter((cluster) => cluster.row.managed && !cluster.row.builtin)
    return this.managed
  }

  /** Replace a cluster's row (an event's write); it may stop or start being managed. */
  setRow(row: ClusterRow): void {
    const cluster = this.clusters.get(row.id)
    if (cluster === undefined) return
    cluster.row = row
    this.managed = null
  }

  /** A numeric system parameter, parsed once per value. */
  number(name: string): number {
    let value = this.numbers.get(name)
    if (value === undefined) {
      value = this.parameters.number(name)
      this.numbers.set(name, value)
    }
    return value
  }

  byName(name: string): SimCluster | undefined {
    for (const cluster of this.clusters.values()) if (cluster.row.name === name) return cluster
    return undefined
  }

  state(cluster: SimCluster): ClusterState {
    return {...clusterState(cluster.row, []), replicas: cluster.replicas.map((replica) => replica.replica)}
  }

  /** The kernel's state write applied to the stored row (the same mapping a tick's apply uses). */
  writeState(id: ClusterId, write: StateWrite): void {
    const cluster = this.clusters.get(id)
    if (cluster === undefined) return
    const next = applyStateWrite(clusterState(cluster.row, []), write)
    cluster.row = {
      ...cluster.row,
      size: next.size,
      replication_factor: next.replicationFactor,
      availability_zones: [...next.availabilityZones],
      logging: loggingToJson(next.logging),
      reconfiguration: reconfigurationToJson(next.reconfiguration),
      burst: burstToJson(next.burst),
      version: cluster.row.version + 1,
    }
  }

  createReplica(id: ClusterId, replica: Omit<ObservedReplica, 'replicaId'>, nowMs: number): SimReplica {
    const cluster = this.clusters.get(id)
    if (cluster === undefined) throw new Error(`unknown cluster ${id}`)
    const created: SimReplica = {
      replica: {...replica, replicaId: `u${this.nextReplicaOrd++}` as ObservedReplica['replicaId']},
      createdAtMs: nowMs,
      hydratedOverride: null,
    }
    cluster.replicas.push(created)
    if (!cluster.row.builtin) this.usage += this.credits(replica.shape?.size ?? null)
    return created
  }

  dropReplica(id: ClusterId, replicaId: string): SimReplica | undefined {
    const cluster = this.clusters.get(id)
    const index = cluster?.replicas.findIndex((replica) => replica.replica.replicaId === replicaId) ?? -1
    if (cluster === undefined || index < 0) return undefined
    const [dropped] = cluster.replicas.splice(index, 1)
    if (dropped !== undefined && !cluster.row.builtin) this.usage -= this.credits(dropped.replica.shape?.size ?? null)
    return dropped
  }

  addCluster(row: Omit<ClusterRow, 'id' | 'ord'>): SimCluster {
    const ord = this.nextClusterOrd++
    const cluster: SimCluster = {row: {...row, id: `u${ord}`, ord}, replicas: [], hydratableObjects: 0, refreshMvs: [], objectNames: []}
    this.clusters.set(cluster.row.id, cluster)
    this.managed = null
    return cluster
  }

  removeCluster(id: string): SimReplica[] {
    const cluster = this.clusters.get(id)
    if (cluster === undefined) return []
    const dropped = [...cluster.replicas]
    for (const replica of dropped) this.dropReplica(cluster.row.id as ClusterId, replica.replica.replicaId)
    this.clusters.delete(id)
    this.managed = null
    return dropped
  }

  setParameter(name: string, value: string): void {
    this.parameters = new SystemParameters(new Map([...this.parameters.raw, [name, value]]))
    this.numbers.clear()
  }

  findRefreshMv(name: string): {cluster: SimCluster; mv: SimRefreshMv} | undefined {
    for (const cluster of this.clusters.values()) {
      const mv = cluster.refreshMvs.find((candidate) => candidate.name === name)
      if (mv !== undefined) return {cluster, mv}
    }
    return undefined
  }

  hasObject(name: string): boolean {
    for (const cluster of this.clusters.values()) if (cluster.objectNames.includes(name)) return true
    return false
  }
}
