// Manual replica DDL, for unmanaged clusters only: on a managed cluster the controller is the
// single writer of the replica set (controller-spec §10), so a manual create or drop there is
// refused and the operator is pointed at `cluster alter`.

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {ClusterRow, ReplicaRow} from '../catalog/cluster-rows.js'
import type {Db} from '../catalog/db.js'
import {findCluster, findReplica, requireSize} from '../catalog/lookup.js'
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

/** Create a replica in an unmanaged cluster; returns its row. */
export async function createReplica(
  db: Db,
  ref: ReplicaRef,
  input: ReplicaCreateInput,
  options: WriteOptions = {},
): Promise<ReplicaRow> {
  validateName('replica', ref.replica)
  if (input.availabilityZone !== undefined) validateName('availability zone', input.availabilityZone)
  const nowMs = options.nowMs ?? Date.now()
  try {
    return await db.transaction(async (tx) => {
      const cluster = await findCluster(tx, ref.cluster, {forUpdate: true})
      requireUnmanaged(cluster, 'create')
      const [taken] = await tx.query('SELECT 1 FROM mzcluster.replicas WHERE cluster_id = $1 AND name = $2', [
        cluster.id,
        ref.replica,
      ])
      if (taken !== undefined) throw replicaExistsError(ref)
      await requireSize(tx, input.size, '--size')
      const [count] = await tx.query<{n: number}>(
        'SELECT count(*)::int AS n FROM mzcluster.replicas WHERE cluster_id = $1',
        [cluster.id],
      )
      const current = count?.n ?? 0
      await requireReplicaLimit(tx, cluster.name, current + 1, current)
      const [row] = await tx.query<ReplicaRow>(
        `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, created_at)
         SELECT 'u' || n, n, $1, $2, $3, $4::jsonb, $5
           FROM (SELECT nextval('mzcluster.user_replica_ids') AS n) seq
         RETURNING *`,
        [
          cluster.id,
          ref.replica,
          input.size,
          JSON.stringify(input.availabilityZone === undefined ? [] : [input.availabilityZone]),
          nowMs,
        ],
      )
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row')
      await appendAudit(tx, [replicaAuditEvent('create', cluster, row)], nowMs)
      await notifyCatalogChange(
        tx,
        JSON.stringify({event: 'create', object_type: 'cluster-replica', replica_id: row.id}),
      )
      return row
    })
  } catch (error) {
    if ((error as {code?: unknown}).code === '23505') throw replicaExistsError(ref)
    throw error
  }
}

export interface ReplicaDropResult {
  replica_id: string
  replica_name: string
  cluster_id: string
  cluster_name: string
  size: string | null
}

/** Drop a replica of an unmanaged cluster, audited. */
export async function dropReplica(
  db: Db,
  ref: ReplicaRef,
  options: WriteOptions = {},
): Promise<ReplicaDropResult> {
  const nowMs = options.nowMs ?? Date.now()
  return db.transaction(async (tx) => {
    const {cluster, replica} = await findReplica(tx, ref.cluster, ref.replica)
    requireUnmanaged(cluster, 'drop')
    await tx.query('DELETE FROM mzcluster.replicas WHERE id = $1', [replica.id])
    await appendAudit(tx, [replicaAuditEvent('drop', cluster, replica)], nowMs)
    await notifyCatalogChange(
      tx,
      JSON.stringify({event: 'drop', object_type: 'cluster-replica', replica_id: replica.id}),
    )
    return {
      replica_id: replica.id,
      replica_name: replica.name,
      cluster_id: cluster.id,
      cluster_name: cluster.name,
      size: replica.size,
    }
  })
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
