// The controller's apply in bulk: many independent batches (one cluster's decisions each) in one
// transaction and a constant number of statements, with the isolation of one transaction per
// batch. Every batch's clusters are locked (one statement, id order) and its compare-and-append
// witness is checked against the locked rows; what the replica writes would meet is read in one
// statement; the resource limits are read under their lock (resource-limits.ts). Then each batch
// is accepted or refused in order, exactly as sequential applies would decide — a rejected or
// resource-exhausted batch writes nothing and blocks no other, and a later batch sees the replicas
// and credits of the earlier ones — and the accepted ones are written with one statement per kind
// of write.

import type {ApplyOutcome, ClusterState, Decision, StateWrite} from '../controller/context.js'
import {witnessEqual, witnessOf} from '../controller/shape.js'
import type {AuditEvent} from './audit.js'
import {appendAudit, notifyCatalogChange} from './audit.js'
import type {ClusterRow} from './cluster-rows.js'
import {burstToJson, clusterState, loggingToJson, reconfigurationToJson} from './cluster-rows.js'
import {bumpClusterVersions, lockClusters, updateClusterConfigs} from './cluster-writes.js'
import {replicaCreateEvent, replicaDropEvent, stateWriteEvents} from './controller-audit.js'
import type {Queryable} from './db.js'
import type {CreatedOverride} from './flags.js'
import {insertCreatedOverrides} from './flags.js'
import type {NewReplica} from './replica-writes.js'
import {deleteReplicas, insertControllerReplicas, inspectReplicas, replicaKey} from './replica-writes.js'
import type {ResourceUsage} from './resource-limits.js'
import {lockedResourceUsage} from './resource-limits.js'

export interface ApplyHooks {
  /** Ids allocated ahead for creates (by `clusterId/name`); a create without one draws its id here. */
  readonly replicaIds?: ReadonlyMap<string, string>
  /**
   * Scoped-flag overrides of the replicas being created, written in the same transaction (rows of
   * replicas that a refused batch did not create are skipped).
   */
  readonly overrides?: readonly CreatedOverride[]
}

type Create = Extract<Decision, {kind: 'create'}>
type Drop = Extract<Decision, {kind: 'drop'}>
type Update = Extract<Decision, {kind: 'updateState'}>

/** An accepted batch, and what it writes. */
interface Accepted {
  readonly drops: readonly {readonly id: string; readonly clusterId: string}[]
  readonly creates: readonly Create[]
  readonly updates: readonly {readonly before: ClusterRow; readonly write: StateWrite}[]
}

/** The row with a state write's non-absent fields overlaid (other fields untouched). */
export function overlay(row: ClusterRow, write: StateWrite): ClusterRow {
  return {
    ...row,
    size: write.newSize ?? row.size,
    replication_factor: write.newReplicationFactor ?? row.replication_factor,
    availability_zones: write.newAvailabilityZones ? [...write.newAvailabilityZones] : row.availability_zones,
    logging: write.newLogging ? loggingToJson(write.newLogging) : row.logging,
    reconfiguration: write.reconfiguration ? reconfigurationToJson(write.reconfiguration.record) : row.reconfiguration,
    burst: write.burst ? burstToJson(write.burst.record) : row.burst,
  }
}

/**
 * Fault injection for the concurrency suite: with MZCLUSTER_FAULT_SKIP_WITNESS=1 every witness is
 * taken to hold, so a test can show that the suite catches the stale decisions the check prevents.
 */
const skipWitness = () => process.env.MZCLUSTER_FAULT_SKIP_WITNESS === '1'

function witnessHolds(row: ClusterRow | undefined, decision: Decision): boolean {
  if (!row || !row.managed || row.builtin) return false
  if (skipWitness()) return true
  let state: ClusterState
  try {
    state = clusterState(row, [])
  } catch {
    return false
  }
  return witnessEqual(witnessOf(state), decision.expected)
}

/**
 * Apply non-empty batches in the caller's transaction; the outcome of each, in order. Throws only
 * for a failure that is not a decision's fault (the caller then isolates batches one by one).
 */
export async function applyBatches(tx: Queryable, batches: readonly (readonly Decision[])[], nowMs: number, hooks: ApplyHooks = {}): Promise<ApplyOutcome[]> {
  const all = batches.flat()
  const current = new Map((await lockClusters(tx, [...new Set(all.map((d) => d.clusterId as string))])).map((row) => [row.id, row]))
  const creates = all.filter((d): d is Create => d.kind === 'create')
  const drops = all.filter((d): d is Drop => d.kind === 'drop')
  // The limit lock comes after the cluster rows (the order every limit checker keeps).
  const usage: ResourceUsage | null = creates.length > 0 ? await lockedResourceUsage(tx) : null
  const inspection =
    creates.length + drops.length > 0
      ? await inspectReplicas(tx, {
          dropIds: drops.map((d) => d.replicaId),
          wanted: creates.map((c) => ({clusterId: c.clusterId, name: c.name})),
          countClusterIds: [...new Set(creates.map((c) => c.clusterId as string))],
        })
      : null

  // Decide each batch in order against the running effects of the batches accepted before it.
  let credits = usage?.credits ?? 0
  const counts = new Map(inspection?.counts ?? [])
  const taken = new Set(inspection?.takenNames ?? [])
  const gone = new Set<string>()
  const accepted: Accepted[] = []
  const outcomes: ApplyOutcome[] = batches.map((batch) => {
    // A batch's decisions share their cluster's witness object: check each (cluster, witness) once.
    const checked = new Map<string, Map<Decision['expected'], boolean>>()
    const holds = (decision: Decision) => {
      let byWitness = checked.get(decision.clusterId)
      if (byWitness === undefined) checked.set(decision.clusterId, (byWitness = new Map()))
      let ok = byWitness.get(decision.expected)
      if (ok === undefined) byWitness.set(decision.expected, (ok = witnessHolds(current.get(decision.clusterId), decision)))
      return ok
    }
    if (!batch.every(holds)) return 'rejected'
    const batchDrops: {id: string; clusterId: string; size: string | null; name: string}[] = []
    for (const drop of batch.filter((d): d is Drop => d.kind === 'drop')) {
      const replica = inspection?.existing.get(drop.replicaId)
      if (!replica || replica.clusterId !== drop.clusterId || gone.has(drop.replicaId) || batchDrops.some((d) => d.id === drop.replicaId)) return 'rejected'
      batchDrops.push({id: drop.replicaId, clusterId: drop.clusterId, size: replica.size, name: replica.name})
    }
    const droppedNames = new Set(batchDrops.map((d) => replicaKey(d.clusterId, d.name)))
    const batchCreates = batch.filter((d): d is Create => d.kind === 'create')
    // A name taken by a replica that stays is a create already done (by a concurrent tick): skipped.
    const inserting: Create[] = []
    for (const create of batchCreates) {
      const key = replicaKey(create.clusterId, create.name)
      if ((taken.has(key) && !droppedNames.has(key)) || inserting.some((c) => replicaKey(c.clusterId, c.name) === key)) continue
      inserting.push(create)
    }
    let delta = 0
    if (usage) {
      delta = inserting.reduce((sum, c) => sum + usage.creditsPerHour(c.shape.size), 0) - batchDrops.reduce((sum, d) => sum + usage.creditsPerHour(d.size), 0)
      if (batchCreates.length > 0) {
        for (const clusterId of new Set(batchCreates.map((c) => c.clusterId as string))) {
          const after =
            (counts.get(clusterId) ?? 0) - batchDrops.filter((d) => d.clusterId === clusterId).length + inserting.filter((c) => c.clusterId === clusterId).length
          if (after > usage.maxReplicas) return 'resource-exhausted'
        }
        if (credits + delta > usage.maxCredits) return 'resource-exhausted'
      }
    }
    // Accepted: its effects are visible to the batches after it.
    credits += delta
    for (const d of batchDrops) {
      gone.add(d.id)
      taken.delete(replicaKey(d.clusterId, d.name))
      counts.set(d.clusterId, (counts.get(d.clusterId) ?? 0) - 1)
    }
    for (const c of inserting) {
      taken.add(replicaKey(c.clusterId, c.name))
      counts.set(c.clusterId, (counts.get(c.clusterId) ?? 0) + 1)
    }
    const updates: Accepted['updates'][number][] = []
    for (const update of batch.filter((d): d is Update => d.kind === 'updateState')) {
      const before = current.get(update.clusterId) as ClusterRow
      updates.push({before, write: update.write})
      current.set(before.id, overlay(before, update.write))
    }
    accepted.push({drops: batchDrops, creates: inserting, updates})
    return 'applied'
  })
  if (accepted.length === 0) return outcomes

  // Write the accepted batches: one statement per kind of write.
  const dropIds = accepted.flatMap((a) => a.drops.map((d) => d.id))
  const deleted = new Map((await deleteReplicas(tx, dropIds)).map((row) => [row.id, row]))
  if (deleted.size !== dropIds.length) throw new Error(`replicas changed while their clusters were locked (${dropIds.length - deleted.size} to drop are gone)`)
  const wanted: NewReplica[] = accepted.flatMap((a) =>
    a.creates.map((c) => ({
      clusterId: c.clusterId,
      name: c.name,
      size: c.shape.size,
      availabilityZones: c.shape.availabilityZones,
      logging: loggingToJson(c.shape.logging),
      id: hooks.replicaIds?.get(replicaKey(c.clusterId, c.name)) ?? null,
    })),
  )
  const inserted = new Map((await insertControllerReplicas(tx, wanted, nowMs)).map((row) => [replicaKey(row.cluster_id, row.name), row]))
  const clusterOf = (id: string) => current.get(id) as ClusterRow
  if (hooks.overrides && hooks.overrides.length > 0 && inserted.size > 0) await insertCreatedOverrides(tx, hooks.overrides)
  const finalRows = new Map<string, ClusterRow>()
  for (const a of accepted) for (const u of a.updates) finalRows.set(u.before.id, current.get(u.before.id) as ClusterRow)
  await updateClusterConfigs(tx, [...finalRows.values()])
  const replicaChanged = new Set<string>()
  const events: AuditEvent[] = []
  for (const a of accepted) {
    for (const drop of a.drops) {
      const row = deleted.get(drop.id)
      if (!row) continue
      replicaChanged.add(drop.clusterId)
      events.push(replicaDropEvent(clusterOf(drop.clusterId), row))
    }
    for (const create of a.creates) {
      const row = inserted.get(replicaKey(create.clusterId, create.name))
      if (!row) continue
      replicaChanged.add(create.clusterId)
      events.push(replicaCreateEvent(clusterOf(create.clusterId), row, create.reason))
    }
    for (const update of a.updates) events.push(...stateWriteEvents(update.before, update.write))
  }
  await bumpClusterVersions(tx, [...replicaChanged])
  await appendAudit(tx, events, nowMs)
  await notifyCatalogChange(tx, 'controller')
  return outcomes
}
