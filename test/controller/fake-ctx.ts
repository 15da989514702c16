// An in-memory ClusterControllerCtx following the upstream FakeCtx conventions (now = 1000, user
// replica ids `u<n>`, `apply` mutates only on 'applied' and records every batch), plus builders
// for the scenario states (`r0@100cc` replicas, MANUAL and ON REFRESH clusters, records). Its
// store semantics are written here from controller-spec §2.4, not imported from production: the
// compare-and-append guard (on unless a test turns it off) compares the spec's witness fields, and
// a state write overlays exactly the fields it sets.

import type {
  ApplyOutcome,
  AutoScalingPolicy,
  BurstRecord,
  ClusterControllerCtx,
  ClusterId,
  ClusterState,
  ConfigSignals,
  Decision,
  ExpectedClusterState,
  LiveSignals,
  Logging,
  ObservedReplica,
  OnTimeout,
  ReconfigurationRecord,
  ReconfigurationStatus,
  RefreshWindowInputs,
  ReplicaId,
  SignalRequest,
  StateWrite,
} from '../../src/lib/controller/context.js'
import {
  clusterId,
  DEFAULT_CONFIG_SIGNALS,
  DEFAULT_LOGGING,
  objectId,
  replicaId,
} from '../../src/lib/controller/context.js'

export class FakeCtx implements ClusterControllerCtx {
  nowMs = 1000
  config: ConfigSignals = DEFAULT_CONFIG_SIGNALS
  readonly clusters = new Map<ClusterId, ClusterState>()
  readonly hydrated = new Set<ReplicaId>()
  readonly hasHydratableObjects = new Map<ClusterId, boolean>()
  readonly refreshInputs = new Map<ClusterId, RefreshWindowInputs | null>()
  /** Every batch handed to `apply` (also rejected ones) and its outcome. */
  readonly applied: (readonly Decision[])[] = []
  readonly outcomes: ApplyOutcome[] = []
  hydrationProbes = 0
  liveSignalCalls = 0
  rejectNext = 0
  exhaustNext = 0
  /** The compare-and-append guard; off only where a test feeds hand-made decisions with no witness to speak of. */
  witnessCheck = true
  /** One-shot hook run inside the next `apply`, just before the witness check (a concurrent ALTER). */
  splice: ((fake: FakeCtx) => void) | null = null

  constructor(states: readonly ClusterState[] = []) {
    for (const state of states) this.clusters.set(state.clusterId, state)
  }

  state(id = 'u1'): ClusterState {
    const state = this.clusters.get(clusterId(id))
    if (state === undefined) throw new Error(`no cluster ${id}`)
    return state
  }

  update(id: string, change: (state: ClusterState) => ClusterState): void {
    this.clusters.set(clusterId(id), change(this.state(id)))
  }

  now(): number {
    return this.nowMs
  }

  configSignals(): Promise<ConfigSignals> {
    return Promise.resolve(this.config)
  }

  managedClusterIds(): Promise<ClusterId[]> {
    return Promise.resolve([...this.clusters.keys()])
  }

  clusterStates(ids: readonly ClusterId[]): Promise<ClusterState[]> {
    return Promise.resolve(ids.flatMap((id) => this.clusters.get(id) ?? []))
  }

  liveSignals(requests: ReadonlyMap<ClusterId, SignalRequest>): Promise<Map<ClusterId, LiveSignals>> {
    this.liveSignalCalls += 1
    const result = new Map<ClusterId, LiveSignals>()
    for (const [id, request] of requests) {
      const replicas = this.clusters.get(id)?.replicas ?? []
      if (request.hydration) this.hydrationProbes += 1
      result.set(id, {
        hydratedReplicas: request.hydration
          ? new Set(replicas.map((r) => r.replicaId).filter((r) => this.hydrated.has(r)))
          : undefined,
        hasHydratableObjects: request.hydratableObjects
          ? (this.hasHydratableObjects.get(id) ?? false)
          : undefined,
        refreshWindow: request.refreshWindow ? (this.refreshInputs.get(id) ?? null) : undefined,
      })
    }
    return Promise.resolve(result)
  }

  apply(decisions: readonly Decision[]): Promise<ApplyOutcome> {
    this.applied.push([...decisions])
    const outcome = this.decide(decisions)
    this.outcomes.push(outcome)
    return Promise.resolve(outcome)
  }

  private decide(decisions: readonly Decision[]): ApplyOutcome {
    if (this.rejectNext > 0) {
      this.rejectNext -= 1
      return 'rejected'
    }
    if (this.exhaustNext > 0) {
      this.exhaustNext -= 1
      return 'resource-exhausted'
    }
    const splice = this.splice
    this.splice = null
    splice?.(this)
    // Atomic: compute every cluster's next state first, commit only if all decisions apply.
    const next = new Map<ClusterId, ClusterState>()
    for (const decision of decisions) {
      const current = next.get(decision.clusterId) ?? this.clusters.get(decision.clusterId)
      if (current === undefined) return 'rejected'
      const original = this.clusters.get(decision.clusterId) as ClusterState
      if (this.witnessCheck && !this.witnessMatches(original, decision.expected)) return 'rejected'
      const changed = applyDecision(current, decision)
      if (changed === null) return 'rejected'
      next.set(decision.clusterId, changed)
    }
    for (const [id, state] of next) this.clusters.set(id, state)
    return 'applied'
  }

  /**
   * The guard (controller-spec §2.4): size, replication factor, AZs as an ordered list, logging,
   * schedule, auto-scaling policy, and the whole reconfiguration and burst records must equal the
   * decision's witness. The replica set, live and config signals are not part of it.
   */
  protected witnessMatches(state: ClusterState, expected: ExpectedClusterState): boolean {
    return canonical(specWitness(state)) === canonical(specWitness(expected))
  }

  /** Every decision of a kind across all batches. */
  decisions<K extends Decision['kind']>(kind: K): Extract<Decision, {kind: K}>[] {
    return this.applied.flat().filter((d): d is Extract<Decision, {kind: K}> => d.kind === kind)
  }
}

/** Created replica id = `u<len(replicas)+1>` as upstream, bumped past ids already in use. */
function nextReplicaId(state: ClusterState): ReplicaId {
  const used = new Set(state.replicas.map((r) => r.replicaId))
  let n = state.replicas.length + 1
  while (used.has(replicaId(`u${n}`))) n += 1
  return replicaId(`u${n}`)
}

/** The witness fields of controller-spec §2.4, taken from a state or an expected state. */
export function specWitness(state: ExpectedClusterState): Record<string, unknown> {
  return {
    size: state.size,
    replicationFactor: state.replicationFactor,
    availabilityZones: state.availabilityZones,
    logging: state.logging,
    schedule: state.schedule,
    autoScalingPolicy: state.autoScalingPolicy,
    reconfiguration: state.reconfiguration,
    burst: state.burst,
  }
}

/** Canonical text of a JSON-like value (object keys sorted, undefined keys left out; arrays keep their order). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined'
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`
}

/** A state write overlaid on the current state: every field the write sets, and nothing else. */
function overlay(state: ClusterState, write: StateWrite): ClusterState {
  return {
    ...state,
    ...(write.newSize !== undefined && {size: write.newSize}),
    ...(write.newReplicationFactor !== undefined && {replicationFactor: write.newReplicationFactor}),
    ...(write.newAvailabilityZones !== undefined && {availabilityZones: write.newAvailabilityZones}),
    ...(write.newLogging !== undefined && {logging: write.newLogging}),
    ...(write.reconfiguration !== undefined && {reconfiguration: write.reconfiguration.record}),
    ...(write.burst !== undefined && {burst: write.burst.record}),
  }
}

function applyDecision(state: ClusterState, decision: Decision): ClusterState | null {
  switch (decision.kind) {
    case 'updateState':
      return overlay(state, decision.write)
    case 'create': {
      // An ordinary owned replica with the decided name and shape.
      const created: ObservedReplica = {
        replicaId: nextReplicaId(state),
        name: decision.name,
        shape: decision.shape,
        internal: false,
        billedAs: null,
        pending: false,
      }
      return {...state, replicas: [...state.replicas, created]}
    }
    case 'drop':
      if (!state.replicas.some((r) => r.replicaId === decision.replicaId)) return null
      return {...state, replicas: state.replicas.filter((r) => r.replicaId !== decision.replicaId)}
  }
}

// ---- builders ----------------------------------------------------------------------------------

/** `rep('r0@100cc', 1)`: an owned replica `u1` named r0 at 100cc (empty AZs, default logging). */
export function rep(
  spec: string,
  id: number,
  options: {availabilityZones?: string[]; logging?: Logging; internal?: boolean} = {},
): ObservedReplica {
  const [name = spec, size = ''] = spec.split('@')
  return {
    replicaId: replicaId(`u${id}`),
    name,
    shape: {
      size,
      availabilityZones: options.availabilityZones ?? [],
      logging: options.logging ?? DEFAULT_LOGGING,
    },
    internal: options.internal ?? false,
    billedAs: null,
    pending: false,
  }
}

export function manual(
  size: string,
  replicationFactor: number,
  replicas: readonly ObservedReplica[] = [],
  extra: Partial<ClusterState> = {},
): ClusterState {
  const id = extra.clusterId ?? clusterId('u1')
  return {
    clusterId: id,
    name: `cluster-${id}`,
    size,
    replicationFactor,
    availabilityZones: [],
    logging: DEFAULT_LOGGING,
    schedule: {kind: 'manual'},
    autoScalingPolicy: null,
    reconfiguration: null,
    burst: null,
    replicas,
    ...extra,
  }
}

export function scheduled(
  size: string,
  replicationFactor: number,
  replicas: readonly ObservedReplica[] = [],
  extra: Partial<ClusterState> = {},
): ClusterState {
  return manual(size, replicationFactor, replicas, {
    schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0},
    ...extra,
  })
}

/** record(size, rf, deadline): empty AZs, default logging, ROLLBACK, in progress unless stated. */
export function record(
  size: string,
  replicationFactor: number,
  deadlineMs: number,
  onTimeout: OnTimeout = 'rollback',
  status: ReconfigurationStatus = 'in-progress',
  availabilityZones: string[] = [],
): ReconfigurationRecord {
  return {
    target: {size, replicationFactor, availabilityZones, logging: DEFAULT_LOGGING},
    deadlineMs,
    onTimeout,
    status,
  }
}

export function policy(hydrationSize: string, lingerMs: number | null): AutoScalingPolicy {
  return {onHydration: {hydrationSize, lingerMs}}
}

export function burstRecord(
  burstSize: string,
  lingerMs: number,
  steadyHydratedAtMs: number | null = null,
): BurstRecord {
  return {burstSize, lingerMs, steadyHydratedAtMs}
}

/** Window inputs for one MV `u1`: frontier null = sealed; `ats` = REFRESH AT times. */
export function windowInputs(
  readTs: number,
  compactionEstimateMs: number,
  writeFrontier: number | null,
  ats: number[],
  everies: {intervalMs: number; alignedToMs: number}[] = [],
): RefreshWindowInputs {
  return {
    readTs,
    compactionEstimateMs,
    refreshMvs: [{id: objectId('u1'), writeFrontier, refreshSchedule: {everies, ats}}],
  }
}

export const signalsHydrated = (...ids: number[]): LiveSignals => ({
  hydratedReplicas: new Set(ids.map((n) => replicaId(`u${n}`))),
})

export const shape = (
  size: string,
  availabilityZones: string[] = [],
  logging: Logging = DEFAULT_LOGGING,
) => ({
  size,
  availabilityZones,
  logging,
})

/** Sizes of the cluster's replicas, in replica order. */
export const sizesOf = (state: ClusterState): (string | undefined)[] =>
  state.replicas.map((r) => r.shape?.size)
