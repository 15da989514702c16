// Shape matching, ownership and the compare-and-append witness. Shapes compare AZs as a set (a
// reorder never forces reprovisioning); the witness compares them as an ordered list (a reorder is
// a config change a racing decision must not overwrite).

import type {ClusterState, ExpectedClusterState, Logging, ObservedReplica, ReplicaShape} from './context.js'

/** Structural equality of JSON-like values (primitives, arrays, plain objects; undefined keys ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => jsonEqual(item, b[i]))
  }
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = new Set([...Object.keys(left), ...Object.keys(right)])
  for (const key of keys) {
    if (!jsonEqual(left[key], right[key])) return false
  }
  return true
}

export function loggingEqual(a: Logging, b: Logging): boolean {
  return a.logLogging === b.logLogging && a.intervalMs === b.intervalMs
}

/** Ordered comparison: the AZ list as a witness value (provisioning order matters). */
export function availabilityZonesEqual(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((zone, i) => zone === b[i])
}

/** Order-insensitive comparison: the AZ list as a pool. */
export function availabilityZonePoolsEqual(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((zone) => right.has(zone))
}

export function shapesMatch(a: ReplicaShape, b: ReplicaShape): boolean {
  return (
    a.size === b.size &&
    loggingEqual(a.logging, b.logging) &&
    availabilityZonePoolsEqual(a.availabilityZones, b.availabilityZones)
  )
}

/** The shape the cluster is actually serving. */
export function realizedShape(state: ClusterState): ReplicaShape {
  return {size: state.size, availabilityZones: state.availabilityZones, logging: state.logging}
}

/** A replica the controller owns: it has a shape and is not INTERNAL, BILLED AS or legacy pending. */
export type OwnedReplica = ObservedReplica & {readonly shape: ReplicaShape}

/** Only owned replicas take part in the diff and in hydration predicates. */
export function isOwned(replica: ObservedReplica): replica is OwnedReplica {
  return replica.shape !== null && !replica.internal && replica.billedAs === null && !replica.pending
}

export function witnessOf(state: ClusterState): ExpectedClusterState {
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

export function witnessEqual(a: ExpectedClusterState, b: ExpectedClusterState): boolean {
  return (
    a.size === b.size &&
    a.replicationFactor === b.replicationFactor &&
    availabilityZonesEqual(a.availabilityZones, b.availabilityZones) &&
    loggingEqual(a.logging, b.logging) &&
    jsonEqual(a.schedule, b.schedule) &&
    jsonEqual(a.autoScalingPolicy, b.autoScalingPolicy) &&
    jsonEqual(a.reconfiguration, b.reconfiguration) &&
    jsonEqual(a.burst, b.burst)
  )
}

/** Owned replicas of `shape` that the live signals report hydrated (missing signal = none). */
export function hydratedReplicasMatching(
  state: ClusterState,
  shape: ReplicaShape,
  hydrated: ReadonlySet<ObservedReplica['replicaId']> | undefined,
): number {
  if (hydrated === undefined) return 0
  return state.replicas.filter(
    (replica) => isOwned(replica) && shapesMatch(replica.shape, shape) && hydrated.has(replica.replicaId),
  ).length
}
