// A dry-run context for `plan`: reads go to the base context, `apply` never does. Applied
// decisions are recorded and replayed onto every later read, so phase 2 sees phase 1's writes
// exactly as a real tick would. Witnesses are not checked.

import type {
  ApplyOutcome,
  ClusterControllerCtx,
  ClusterId,
  ClusterState,
  ConfigSignals,
  Decision,
  LiveSignals,
  ObservedReplica,
  ReplicaId,
  SignalRequest,
  StateWrite,
  TimestampMs,
} from './context.js'
import {replicaId} from './context.js'

/** The cluster state after a state write lands (absent fields unchanged). */
export function applyStateWrite(state: ClusterState, write: StateWrite): ClusterState {
  return {
    ...state,
    size: write.newSize ?? state.size,
    replicationFactor: write.newReplicationFactor ?? state.replicationFactor,
    availabilityZones: write.newAvailabilityZones ?? state.availabilityZones,
    logging: write.newLogging ?? state.logging,
    reconfiguration:
      write.reconfiguration === undefined ? state.reconfiguration : write.reconfiguration.record,
    burst: write.burst === undefined ? state.burst : write.burst.record,
  }
}

/** The replica a create decision materialises as, under the given id. */
export function createdReplica(
  decision: Extract<Decision, {kind: 'create'}>,
  id: ReplicaId,
): ObservedReplica {
  return {
    replicaId: id,
    name: decision.name,
    shape: decision.shape,
    internal: false,
    billedAs: null,
    pending: false,
  }
}

type OverlayChange =
  | {readonly kind: 'write'; readonly write: StateWrite}
  | {readonly kind: 'create'; readonly replica: ObservedReplica}
  | {readonly kind: 'drop'; readonly replicaId: ReplicaId}

function replay(state: ClusterState, change: OverlayChange): ClusterState {
  switch (change.kind) {
    case 'write':
      return applyStateWrite(state, change.write)
    case 'create':
      return {...state, replicas: [...state.replicas, change.replica]}
    case 'drop':
      return {...state, replicas: state.replicas.filter((replica) => replica.replicaId !== change.replicaId)}
  }
}

export class OverlayCtx implements ClusterControllerCtx {
  /** Every batch handed to `apply`, in order. */
  readonly batches: (readonly Decision[])[] = []
  private readonly changes = new Map<ClusterId, OverlayChange[]>()
  private plannedReplicas = 0

  constructor(private readonly base: ClusterControllerCtx) {}

  now(): TimestampMs {
    return this.base.now()
  }

  configSignals(): Promise<ConfigSignals> {
    return this.base.configSignals()
  }

  managedClusterIds(): Promise<ClusterId[]> {
    return this.base.managedClusterIds()
  }

  async clusterStates(ids: readonly ClusterId[]): Promise<ClusterState[]> {
    const states = await this.base.clusterStates(ids)
    return states.map((state) => (this.changes.get(state.clusterId) ?? []).reduce(replay, state))
  }

  liveSignals(
    requests: ReadonlyMap<ClusterId, SignalRequest>,
    states: ReadonlyMap<ClusterId, ClusterState>,
  ): Promise<Map<ClusterId, LiveSignals>> {
    return this.base.liveSignals(requests, states)
  }

  apply(decisions: readonly Decision[]): Promise<ApplyOutcome> {
    this.batches.push([...decisions])
    for (const decision of decisions) this.changesOf(decision.clusterId).push(this.changeOf(decision))
    return Promise.resolve('applied')
  }

  private changeOf(decision: Decision): OverlayChange {
    switch (decision.kind) {
      case 'updateState':
        return {kind: 'write', write: decision.write}
      case 'create':
        this.plannedReplicas += 1
        return {
          kind: 'create',
          replica: createdReplica(decision, replicaId(`planned-${this.plannedReplicas}`)),
        }
      case 'drop':
        return {kind: 'drop', replicaId: decision.replicaId}
    }
  }

  private changesOf(id: ClusterId): OverlayChange[] {
    let list = this.changes.get(id)
    if (list === undefined) {
      list = []
      this.changes.set(id, list)
    }
    return list
  }
}
