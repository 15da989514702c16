// The union/diff kernel: union the strategies' desired replicas (max per shape, never the sum),
// diff against the owned replicas, and emit creates then keep-oldest drops as one batch that
// carries the cluster's witness.

import type {ClusterState, CreateReason, Decision, DesiredReplica, ReplicaShape} from './context.js'
import {replicaNameGenerator} from './names.js'
import {isOwned, shapesMatch, witnessOf} from './shape.js'

export interface Contribution {
  readonly strategy: string
  readonly desired: readonly DesiredReplica[]
}

const PRECEDENCE: Record<CreateReason['kind'], number> = {
  'graceful-reconfiguration': 3,
  'hydration-burst': 2,
  'on-refresh': 1,
  baseline: 0,
}

/** The highest-precedence reason (the first one on ties, so an on-refresh reason keeps its decision). */
export function mergeCreateReasons(reasons: readonly CreateReason[]): CreateReason {
  return reasons.reduce<CreateReason>(
    (best, reason) => (PRECEDENCE[reason.kind] > PRECEDENCE[best.kind] ? reason : best),
    {kind: 'baseline'},
  )
}

export type CreateAuditReason = 'manual' | 'reconfiguration' | 'hydration-burst' | 'schedule'

/** The replica-create audit reason a create reason is recorded under. */
export function createAuditReason(reason: CreateReason): CreateAuditReason {
  switch (reason.kind) {
    case 'baseline':
      return 'manual'
    case 'graceful-reconfiguration':
      return 'reconfiguration'
    case 'hydration-burst':
      return 'hydration-burst'
    case 'on-refresh':
      return 'schedule'
  }
}

interface DesiredShape {
  readonly shape: ReplicaShape
  count: number
  readonly reasons: CreateReason[]
  readonly attribution: string[]
}

interface Bucket<T> {
  readonly shape: ReplicaShape
  readonly items: T[]
}

/** Groups items by matching shape, in first-seen order. */
function bucketByShape<T>(items: readonly T[], shapeOf: (item: T) => ReplicaShape): Bucket<T>[] {
  const buckets: Bucket<T>[] = []
  for (const item of items) {
    const shape = shapeOf(item)
    const bucket = buckets.find((candidate) => shapesMatch(candidate.shape, shape))
    if (bucket === undefined) buckets.push({shape, items: [item]})
    else bucket.items.push(item)
  }
  return buckets
}

function unionDesired(contributions: readonly Contribution[]): DesiredShape[] {
  const union: DesiredShape[] = []
  for (const {strategy, desired} of contributions) {
    for (const bucket of bucketByShape(desired, (slot) => slot.shape)) {
      let entry = union.find((candidate) => shapesMatch(candidate.shape, bucket.shape))
      if (entry === undefined) {
        entry = {shape: bucket.shape, count: 0, reasons: [], attribution: []}
        union.push(entry)
      }
      entry.count = Math.max(entry.count, bucket.items.length)
      entry.reasons.push(...bucket.items.map((slot) => slot.reason))
      if (!entry.attribution.includes(strategy)) entry.attribution.push(strategy)
    }
  }
  return union
}

export function reconcileReplicas(state: ClusterState, contributions: readonly Contribution[]): Decision[] {
  const expected = witnessOf(state)
  const desired = unionDesired(contributions)
  // Non-owned replicas are neither counted nor dropped, but their names still block.
  const owned = state.replicas.filter(isOwned)
  const actual = bucketByShape(owned, (replica) => replica.shape)
  const actualCount = (shape: ReplicaShape): number =>
    actual.find((bucket) => shapesMatch(bucket.shape, shape))?.items.length ?? 0
  const desiredCount = (shape: ReplicaShape): number =>
    desired.find((entry) => shapesMatch(entry.shape, shape))?.count ?? 0

  const nextName = replicaNameGenerator(state.replicas.map((replica) => replica.name))
  const creates: Decision[] = desired.flatMap((entry) =>
    Array.from({length: Math.max(0, entry.count - actualCount(entry.shape))}, () => ({
      kind: 'create' as const,
      clusterId: state.clusterId,
      name: nextName(),
      shape: entry.shape,
      reason: mergeCreateReasons(entry.reasons),
      attribution: [...entry.attribution],
      expected,
    })),
  )
  // Keep the oldest `desired` replicas of each shape; drop the rest.
  const drops: Decision[] = actual.flatMap((bucket) =>
    bucket.items.slice(desiredCount(bucket.shape)).map((replica) => ({
      kind: 'drop' as const,
      clusterId: state.clusterId,
      replicaId: replica.replicaId,
      expected,
    })),
  )
  return [...creates, ...drops]
}
