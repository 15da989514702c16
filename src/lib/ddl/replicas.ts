// Manual replica DDL, for unmanaged clusters only: on a managed cluster the controller is the
// single writer of the replica set (controller-spec §10), so a manual create or drop there is
// refused and the operator is pointed at `cluster alter`.

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {ClusterRow, ReplicaRow} from '../catalog/cluster-rows.js'
import type {Db} from '../catalog/db.js'
import {findCluster, findReplica, requireSize} from '../catalog/lookup.js'
import type {NewReplicaRow} from '../catalog/replicas.js'
import {countReplicas, deleteReplica, insertReplica, selectReplicaByName} from '../catalog/replicas.js'
import type {WriteStep} from '../catalog/write-step.js'
import {runWrite} from '../catalog/write-step.js'
import {UsageError} from '../errors.js'
import type {ReplicaRef} from '../input/names.js'
import {validateName} from '../input/names.js'
import type {WriteOptions} from './clusters.js'
import {replicaAuditEvent, requireReplicaLimit} from './clusters.js'

export interface ReplicaCreateInput {
  readonly size: string
  /** A single zone pin, stored as a one-element `availability_zones` list. */
  readonly availabilityZone?: string
}

/** What creating a replica will write: the row, less the id the insert allocates. */
export interface ReplicaCreatePlan {
  readonly cluster: ClusterRow
  readonly row: NewReplicaRow
}

/** Create a replica in an unmanaged cluster, audited. */
export function createReplicaStep(
  ref: ReplicaRef,
  input: ReplicaCreateInput,
  options: WriteOptions = {},
): WriteStep<ReplicaCreatePlan, ReplicaRow> {
  validateName('replica', ref.replica)
  if (input.availabilityZone !== undefined) validateName('availability zone', input.availabilityZone)
  const nowMs = options.nowMs ?? Date.now()
  return {
    async prepare(q, {lock}) {
      const cluster = await findCluster(q, ref.cluster, {forUpdate: lock})
      requireUnmanaged(cluster, 'create')
      if ((await selectReplicaByName(q, cluster.id, ref.replica)) !== undefined) throw replicaExistsError(ref)
      await requireSize(q, input.size, '--size')
      const current = await countReplicas(q, cluster.id)
      await requireReplicaLimit(q, cluster.name, current + 1, current)
      const row: NewReplicaRow = {
        cluster_id: cluster.id,
        name: ref.replica,
        size: input.size,
        availability_zones: input.availabilityZone === undefined ? [] : [input.availabilityZone],
        created_at: nowMs,
      }
      return {cluster, row}
    },
    async apply(tx, {cluster, row: planned}) {
      let row: ReplicaRow
      try {
        row = await insertReplica(tx, planned)
      } catch (error) {
        if ((error as {code?: unknown}).code === '23505') throw replicaExistsError(ref)
        throw error
      }
      await appendAudit(tx, [replicaAuditEvent('create', cluster, row)], nowMs)
      await notifyCatalogChange(
        tx,
        JSON.stringify({event: 'create', object_type: 'cluster-replica', replica_id: row.id}),
      )
      return row
    },
  }
}

/** Create a replica in an unmanaged cluster; returns its row. */
export async function createReplica(
  db: Db,
  ref: ReplicaRef,
  input: ReplicaCreateInput,
  options: WriteOptions = {},
): Promise<ReplicaRow> {
  return runWrite(db, createReplicaStep(ref, input, options))
}

export interface ReplicaDropResult {
  replica_id: string
  replica_name: string
  cluster_id: string
  cluster_name: string
  size: string | null
}

export interface ReplicaDropPlan {
  readonly cluster: ClusterRow
  readonly replica: ReplicaRow
}

/** What a replica drop removes, as `replica drop --json` reports it. */
export const replicaDropResult = ({cluster, replica}: ReplicaDropPlan): ReplicaDropResult => ({
  replica_id: replica.id,
  replica_name: replica.name,
  cluster_id: cluster.id,
  cluster_name: cluster.name,
  size: replica.size,
})

/** Drop a replica of an unmanaged cluster, audited. */
export function dropReplicaStep(
  ref: ReplicaRef,
  options: WriteOptions = {},
): WriteStep<ReplicaDropPlan, ReplicaDropResult> {
  const nowMs = options.nowMs ?? Date.now()
  return {
    async prepare(q) {
      const {cluster, replica} = await findReplica(q, ref.cluster, ref.replica)
      requireUnmanaged(cluster, 'drop')
      return {cluster, replica}
    },
    async apply(tx, plan) {
      await deleteReplica(tx, plan.replica.id)
      await appendAudit(tx, [replicaAuditEvent('drop', plan.cluster, plan.replica)], nowMs)
      await notifyCatalogChange(
        tx,
        JSON.stringify({event: 'drop', object_type: 'cluster-replica', replica_id: plan.replica.id}),
      )
      return replicaDropResult(plan)
    },
  }
}

/** Drop a replica of an unmanaged cluster, audited. */
export async function dropReplica(
  db: Db,
  ref: ReplicaRef,
  options: WriteOptions = {},
): Promise<ReplicaDropResult> {
  return runWrite(db, dropReplicaStep(ref, options))
}

function requireUnmanaged(cluster: ClusterRow, verb: 'create' | 'drop'): void {
  const name = JSON.stringify(cluster.name)
  if (cluster.builtin) {
    throw new UsageError(`cannot ${verb} replicas of builtin cluster ${name}`, {code: 'BUILTIN_CLUSTER'})
  }
  if (cluster.managed) {
    throw new UsageError(
      `cannot ${verb} replicas of managed cluster ${name}: the controller owns its replica set`,
      {
        code: 'MANAGED_CLUSTER',
        hint: 'change its replicas with `mzcluster cluster alter` (--replication-factor, --size)',
      },
    )
  }
}

function replicaExistsError(ref: ReplicaRef): UsageError {
  return new UsageError(
    `replica ${JSON.stringify(ref.replica)} already exists in cluster ${JSON.stringify(ref.cluster)}`,
    {
      code: 'REPLICA_EXISTS',
    },
  )
}
