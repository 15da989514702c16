// What one tick did (or, for a plan, would do), per cluster: the value that `tick`, `plan` and
// `run` render. Built by the kernel from the decisions it handed to `apply` and their outcomes.

import type {ApplyOutcome, ClusterId, CreateReason, Logging, ReplicaId, ReplicaShape, StateWrite} from './context.js'

export interface PlannedCreate {
  readonly name: string
  readonly shape: ReplicaShape
  readonly reason: CreateReason
  readonly attribution: readonly string[]
}

export interface PlannedDrop {
  readonly replicaId: ReplicaId
  readonly name: string
  readonly size: string | null
}

/** One `apply` call the kernel made and what became of it. */
export interface AppliedBatch {
  readonly phase: 'state' | 'replicas' | 'shed'
  readonly stateWrite: StateWrite | null
  readonly creates: readonly PlannedCreate[]
  readonly drops: readonly PlannedDrop[]
  readonly outcome: ApplyOutcome
}

export interface ClusterTickReport {
  readonly clusterId: ClusterId
  readonly clusterName: string
  /** The state before the tick's phase-1 write, for rendering `~ size 100cc → 200cc`. */
  readonly before: {
    readonly size: string
    readonly replicationFactor: number
    readonly availabilityZones: readonly string[]
    readonly logging: Logging
    readonly reconfigurationStatus: string | null
    readonly burstSize: string | null
  }
  readonly batches: readonly AppliedBatch[]
  /** True when phase 2 skipped this cluster because its phase-1 write was rejected. */
  readonly skipped: boolean
}

export interface TickReport {
  readonly nowMs: number
  /** False when `enable_cluster_controller` is off: the tick did nothing. */
  readonly controllerEnabled: boolean
  /** Only clusters that had a batch or were skipped; steady clusters are omitted. */
  readonly clusters: readonly ClusterTickReport[]
  readonly clustersExamined: number
}
