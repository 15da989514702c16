// The controller's context over the simulated world for one tick at a virtual instant. Signals are
// simulated as `signal_source = simulated` derives them (a replica is hydrated once its delay has
// passed; a refresh view's frontier moves past each refresh while its cluster has a hydrated
// replica), and `apply` enforces the resource limits exactly as the catalog's apply does.

import type {
  ApplyOutcome,
  ClusterControllerCtx,
  ClusterId,
  ClusterState,
  ConfigSignals,
  Decision,
  LiveSignals,
  ReplicaId,
  SignalRequest,
} from '../controller/context.js'
import {roundUp} from '../controller/refresh-schedule.js'
import type {SimCluster, SimReplica, SimWorld} from './world.js'

export interface HydrationOptions {
  /** `--hydration`: replaces simulated_hydration_delay. */
  readonly hydrationMs?: number
}

/** How long a new replica of this cluster takes to hydrate. */
export function hydrationDelayMs(world: SimWorld, cluster: SimCluster, options: HydrationOptions): number {
  const schedule = cluster.row.schedule
  // The cluster's own estimate wins where it has one.
  if (schedule.kind === 'on-refresh' && schedule.hydration_time_estimate_ms > 0) return schedule.hydration_time_estimate_ms
  return options.hydrationMs ?? world.number('simulated_hydration_delay')
}

export function replicaHydrated(replica: SimReplica, delayMs: number, nowMs: number): boolean {
  return replica.hydratedOverride ?? replica.createdAtMs + delayMs <= nowMs
}

export class SimulatedCtx implements ClusterControllerCtx {
  /** Frontier moves seen by this tick's reads, applied to the world after the tick. */
  readonly frontierAdvances = new Map<string, {cluster: SimCluster; mvIndex: number; frontier: number | null}>()

  constructor(
    private readonly world: SimWorld,
    private readonly nowMs: number,
    private readonly dueIds: readonly ClusterId[],
    private readonly options: HydrationOptions,
  ) {}

  now(): number {
    return this.nowMs
  }

  configSignals(): Promise<ConfigSignals> {
    const parameters = this.world.parameters
    return Promise.resolve({burstEnabled: parameters.bool('enable_hydration_burst'), defaultBurstLingerMs: parameters.number('default_hydration_burst_linger')})
  }

  managedClusterIds(): Promise<ClusterId[]> {
    return Promise.resolve(this.world.parameters.bool('enable_cluster_controller') ? [...this.dueIds] : [])
  }

  clusterStates(ids: readonly ClusterId[]): Promise<ClusterState[]> {
    const states: ClusterState[] = []
    for (const id of ids) {
      const cluster = this.world.clusters.get(id)
      if (cluster !== undefined && cluster.row.managed && !cluster.row.builtin) states.push(this.world.state(cluster))
    }
    return Promise.resolve(states)
  }

  liveSignals(requests: ReadonlyMap<ClusterId, SignalRequest>): Promise<Map<ClusterId, LiveSignals>> {
    const signals = new Map<ClusterId, LiveSignals>()
    const compactionEstimateMs = this.world.number('cluster_refresh_mv_compaction_estimate')
    for (const [id, request] of requests) {
      const cluster = this.world.clusters.get(id)
      if (cluster === undefined) continue
      const delayMs = hydrationDelayMs(this.world, cluster, this.options)
      const hydrated = new Set<ReplicaId>(
        cluster.replicas.filter((replica) => replicaHydrated(replica, delayMs, this.nowMs)).map((replica) => replica.replica.replicaId),
      )
      const onRefresh = cluster.row.schedule.kind === 'on-refresh'
      signals.set(id, {
        hydratedReplicas: request.hydration ? hydrated : undefined,
        hasHydratableObjects: request.hydratableObjects ? cluster.hydratableObjects > 0 : undefined,
        refreshWindow: request.refreshWindow
          ? onRefresh
            ? {
                readTs: this.nowMs,
                compactionEstimateMs,
                refreshMvs: cluster.refreshMvs.map((mv, mvIndex) => {
                  let writeFrontier = mv.frontier
                  if (hydrated.size > 0 && writeFrontier !== null && writeFrontier <= this.nowMs) {
                    // Every refresh up to now completed: the frontier moves to the next one.
                    writeFrontier = roundUp(mv.schedule, this.nowMs + 1)
                    this.frontierAdvances.set(mv.id, {cluster, mvIndex, frontier: writeFrontier})
                  }
                  return {id: mv.id, writeFrontier, refreshSchedule: mv.schedule}
                }),
              }
            : null
          : undefined,
      })
    }
    return Promise.resolve(signals)
  }

  apply(decisions: readonly Decision[]): Promise<ApplyOutcome> {
    if (decisions.length === 0) return Promise.resolve('applied')
    if (this.exceedsLimits(decisions)) return Promise.resolve('resource-exhausted')
    for (const decision of decisions) {
      switch (decision.kind) {
        case 'drop':
          this.world.dropReplica(decision.clusterId, decision.replicaId)
          break
        case 'create':
          this.world.createReplica(
            decision.clusterId,
            {name: decision.name, shape: decision.shape, internal: false, billedAs: null, pending: false},
            this.nowMs,
          )
          break
        case 'updateState':
          this.world.writeState(decision.clusterId, decision.write)
          break
      }
    }
    return Promise.resolve('applied')
  }

  /** As the catalog's apply: checked only when the batch creates replicas. */
  private exceedsLimits(decisions: readonly Decision[]): boolean {
    const creates = decisions.filter((d): d is Extract<Decision, {kind: 'create'}> => d.kind === 'create')
    if (creates.length === 0) return false
    const drops = decisions.filter((d): d is Extract<Decision, {kind: 'drop'}> => d.kind === 'drop')
    let delta = 0
    for (const create of creates) delta += this.world.credits(create.shape.size)
    for (const clusterId of new Set(creates.map((create) => create.clusterId))) {
      const cluster = this.world.clusters.get(clusterId)
      if (cluster === undefined) continue
      const dropped = drops.filter((drop) => drop.clusterId === clusterId && cluster.replicas.some((r) => r.replica.replicaId === drop.replicaId))
      const count = cluster.replicas.length - dropped.length + creates.filter((create) => create.clusterId === clusterId).length
      if (count > this.world.number('max_replicas_per_cluster')) return true
    }
    for (const drop of drops) {
      const replica = this.world.clusters.get(drop.clusterId)?.replicas.find((r) => r.replica.replicaId === drop.replicaId)
      delta -= this.world.credits(replica?.replica.shape?.size ?? null)
    }
    return this.world.creditUsage + delta > this.world.number('max_credit_consumption_rate')
  }
}
