// Cluster DDL: create (managed or unmanaged) and drop, each a WriteStep (catalog/write-step.ts)
// so the command's --dry-run runs the same validation. Every write is one transaction that also
// appends its audit events and notifies a running controller. Creating a managed cluster writes
// its realized config only: the controller creates the replicas on its next tick.

import type {AuditEvent} from '../catalog/audit.js'
import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {ClusterRow, ReplicaRow} from '../catalog/cluster-rows.js'
import {loggingToJson, policyToJson, scheduleToJson} from '../catalog/cluster-rows.js'
import type {NewClusterRow} from '../catalog/clusters.js'
import {clusterNameUse, deleteCluster, insertCluster} from '../catalog/clusters.js'
import type {Db, Queryable} from '../catalog/db.js'
import {insertCreatedOverrides, type ClusterCreateHook, type CreatedOverride} from '../catalog/flags.js'
import {allocateClusterIds} from '../catalog/ids.js'
import {findCluster, requireSize} from '../catalog/lookup.js'
import {deleteObjectsOfCluster, selectObjects} from '../catalog/objects.js'
import {SystemParameters} from '../catalog/parameters.js'
import {selectReplicasOfCluster} from '../catalog/replicas.js'
import type {WriteStep} from '../catalog/write-step.js'
import {runWrite} from '../catalog/write-step.js'
import {UsageError} from '../errors.js'
import {validateName} from '../input/names.js'
import type {ClusterSpec} from './cluster-options.js'

/** Names with this prefix belong to builtin clusters (as in Materialize). */
export const RESERVED_PREFIX = 'mz_'

export interface WriteOptions {
  /** The time written to created_at and the audit log (default: now). */
  readonly nowMs?: number
}

export interface CreateStepOptions extends WriteOptions {
  /** An id allocated ahead (create-time flags are keyed by it); else the insert allocates one. */
  readonly id?: string
  /** Create-time flag overrides, written in the cluster's transaction. */
  readonly overrides?: readonly CreatedOverride[]
}

export interface CreateOptions extends WriteOptions {
  /** Given: the cluster's id is allocated ahead and the hook's rows are written in its transaction. */
  readonly hook?: ClusterCreateHook
  /** Receives the hook's warning (the cluster is created without its rows). */
  readonly onWarning?: (message: string) => void
}

/** What creating a cluster will write: the row, less the id the insert allocates. */
export interface ClusterCreatePlan {
  readonly row: NewClusterRow
}

/** Create a cluster: validated against the catalog, then written with its audit event. */
export function createClusterStep(
  name: string,
  spec: ClusterSpec,
  options: CreateStepOptions = {},
): WriteStep<ClusterCreatePlan, ClusterRow> {
  validateName('cluster', name)
  const nowMs = options.nowMs ?? Date.now()
  return {
    async prepare(q) {
      await requireNameFree(q, name)
      if (name.startsWith(RESERVED_PREFIX)) {
        throw new UsageError(
          `cluster name ${JSON.stringify(name)} is reserved: names starting with mz_ belong to builtin clusters`,
          {code: 'RESERVED_NAME'},
        )
      }
      if (spec.managed) {
        await requireSize(q, spec.size, '--size')
        if (spec.autoScalingPolicy?.onHydration) {
          await requireSize(q, spec.autoScalingPolicy.onHydration.hydrationSize, '--hydration-size')
        }
        await requireReplicaLimit(q, name, spec.replicationFactor)
      }
      return {row: newClusterRow(name, spec, nowMs)}
    },
    async apply(tx, plan) {
      let row: ClusterRow
      try {
        row = await insertCluster(tx, plan.row, options.id)
      } catch (error) {
        // A concurrent create of the same name lost the race on the UNIQUE constraint.
        if ((error as {code?: unknown}).code === '23505') throw clusterExistsError(name)
        throw error
      }
      if (options.overrides !== undefined && options.overrides.length > 0) await insertCreatedOverrides(tx, options.overrides)
      await appendAudit(
        tx,
        [{eventType: 'create', objectType: 'cluster', details: clusterAuditDetails(row)}],
        nowMs,
      )
      await notifyCatalogChange(
        tx,
        JSON.stringify({event: 'create', object_type: 'cluster', cluster_id: row.id}),
      )
      return row
    },
  }
}

/**
 * Create a cluster; returns its row. Nothing is written when a validation fails. With a hook
 * (create-time flags), the id is allocated ahead and the hook's rows go in the same transaction.
 */
export async function createCluster(
  db: Db,
  name: string,
  spec: ClusterSpec,
  options: CreateOptions = {},
): Promise<ClusterRow> {
  validateName('cluster', name)
  let id: string | undefined
  let overrides: readonly CreatedOverride[] = []
  if (options.hook) {
    ;[id] = await allocateClusterIds(db, 1)
    if (id !== undefined) {
      const prepared = await options.hook.prepare({id, name})
      overrides = prepared.overrides
      if (prepared.warning !== null) options.onWarning?.(prepared.warning)
    }
  }
  return runWrite(db, createClusterStep(name, spec, {nowMs: options.nowMs, id, overrides}))
}

function newClusterRow(name: string, spec: ClusterSpec, nowMs: number): NewClusterRow {
  return {
    name,
    managed: spec.managed,
    size: spec.managed ? spec.size : null,
    replication_factor: spec.managed ? spec.replicationFactor : null,
    availability_zones: spec.managed ? spec.availabilityZones : [],
    logging: loggingToJson(spec.managed ? spec.logging : {logLogging: false, intervalMs: 1000}),
    schedule: scheduleToJson(spec.managed ? spec.schedule : {kind: 'manual'}),
    auto_scaling_strategy: spec.managed ? policyToJson(spec.autoScalingPolicy) : null,
    features: spec.features,
    created_at: nowMs,
  }
}

export interface DropOptions extends WriteOptions {
  /** Drop the objects bound to the cluster too (otherwise their presence refuses the drop). */
  readonly cascade?: boolean
  /** Refuse unless the cluster still has this id (it was confirmed by id; the name may be re-used). */
  readonly expectedId?: string
}

export interface BoundObject {
  id: string
  name: string
  type: string
}

/** What dropping a cluster takes with it (shown before confirmation, returned after). */
export interface ClusterDropPlan {
  readonly cluster: ClusterRow
  readonly replicas: readonly ReplicaRow[]
  readonly objects: readonly BoundObject[]
}

/** The `cluster drop --json` result. */
export interface ClusterDropResult {
  cluster_id: string
  cluster_name: string
  dropped_replicas: {id: string; name: string; size: string | null}[]
  dropped_objects: BoundObject[]
}

/** Validate a drop and list what it would remove; throws when it would be refused. */
export async function planClusterDrop(
  q: Queryable,
  name: string,
  options: {cascade?: boolean; forUpdate?: boolean} = {},
): Promise<ClusterDropPlan> {
  const cluster = await findCluster(q, name, {forUpdate: options.forUpdate})
  if (cluster.builtin) {
    throw new UsageError(`cannot drop builtin cluster ${JSON.stringify(name)}`, {code: 'BUILTIN_CLUSTER'})
  }
  const replicas = await selectReplicasOfCluster(q, cluster.id)
  const objects = await selectObjects(q, {clusterId: cluster.id})
  if (objects.length > 0 && !options.cascade) {
    const listed = objects
      .slice(0, 3)
      .map((o) => JSON.stringify(o.name))
      .join(', ')
    const more = objects.length > 3 ? ` and ${objects.length - 3} more` : ''
    throw new UsageError(
      `cluster ${JSON.stringify(name)} still has ${objects.length} object${objects.length === 1 ? '' : 's'} bound to it (${listed}${more})`,
      {
        code: 'CLUSTER_NOT_EMPTY',
        hint: 'drop them first with `mzcluster object drop`, or pass --cascade to drop them too',
      },
    )
  }
  return {
    cluster,
    replicas,
    objects: objects.map(({id, name: objectName, type}) => ({id, name: objectName, type})),
  }
}

/** What a drop removes, as `cluster drop --json` reports it (after the drop, or in a dry run). */
export function clusterDropResult(plan: ClusterDropPlan): ClusterDropResult {
  return {
    cluster_id: plan.cluster.id,
    cluster_name: plan.cluster.name,
    dropped_replicas: plan.replicas.map((replica) => ({
      id: replica.id,
      name: replica.name,
      size: replica.size,
    })),
    dropped_objects: [...plan.objects],
  }
}

/** Drop a cluster with its replicas (and, with cascade, its objects), audited, in one transaction. */
export function dropClusterStep(
  name: string,
  options: DropOptions = {},
): WriteStep<ClusterDropPlan, ClusterDropResult> {
  const nowMs = options.nowMs ?? Date.now()
  return {
    async prepare(q, {lock}) {
      const plan = await planClusterDrop(q, name, {cascade: options.cascade, forUpdate: lock})
      if (options.expectedId !== undefined && plan.cluster.id !== options.expectedId) {
        throw new UsageError(
          `cluster ${JSON.stringify(name)} was re-created while the drop was being confirmed; nothing dropped`,
          {code: 'CLUSTER_CHANGED', hint: 'run the drop again'},
        )
      }
      return plan
    },
    async apply(tx, plan) {
      const {cluster, replicas, objects} = plan
      if (objects.length > 0) await deleteObjectsOfCluster(tx, cluster.id)
      // Replicas, their status and hydration reports go with the cluster (ON DELETE CASCADE).
      await deleteCluster(tx, cluster.id)
      const events: AuditEvent[] = [
        ...objects.map((object): AuditEvent => ({
          eventType: 'drop',
          objectType: 'object',
          details: {
            object_id: object.id,
            object_name: object.name,
            type: object.type,
            cluster_id: cluster.id,
            cluster_name: cluster.name,
            reason: 'cascade',
          },
        })),
        ...replicas.map((replica) => replicaAuditEvent('drop', cluster, replica)),
        {
          eventType: 'drop',
          objectType: 'cluster',
          details: {...clusterAuditDetails(cluster), cascade: Boolean(options.cascade)},
        },
      ]
      await appendAudit(tx, events, nowMs)
      await notifyCatalogChange(
        tx,
        JSON.stringify({event: 'drop', object_type: 'cluster', cluster_id: cluster.id}),
      )
      return clusterDropResult(plan)
    },
  }
}

export async function dropCluster(
  db: Db,
  name: string,
  options: DropOptions = {},
): Promise<ClusterDropResult> {
  return runWrite(db, dropClusterStep(name, options))
}

/** The audit event of a manual replica create or drop (controller-spec §7.3, reason `manual`). */
export function replicaAuditEvent(
  eventType: 'create' | 'drop',
  cluster: Pick<ClusterRow, 'id' | 'name'>,
  replica: Pick<ReplicaRow, 'id' | 'name' | 'size'>,
): AuditEvent {
  return {
    eventType,
    objectType: 'cluster-replica',
    details: {
      cluster_id: cluster.id,
      cluster_name: cluster.name,
      replica_id: replica.id,
      replica_name: replica.name,
      logical_size: replica.size,
      reason: 'manual',
    },
  }
}

function clusterAuditDetails(row: ClusterRow): Record<string, unknown> {
  return {
    cluster_id: row.id,
    cluster_name: row.name,
    managed: row.managed,
    size: row.size,
    replication_factor: row.replication_factor,
    ...(row.managed
      ? {
          availability_zones: row.availability_zones,
          logging: row.logging,
          schedule: row.schedule,
          auto_scaling_strategy: row.auto_scaling_strategy,
        }
      : {}),
    features: row.features,
  }
}

async function requireNameFree(q: Queryable, name: string): Promise<void> {
  const existing = await clusterNameUse(q, name)
  if (existing !== undefined) throw clusterExistsError(name, existing.builtin)
}

function clusterExistsError(name: string, builtin = false): UsageError {
  return new UsageError(`${builtin ? 'builtin ' : ''}cluster ${JSON.stringify(name)} already exists`, {
    code: 'CLUSTER_EXISTS',
    hint: builtin ? 'choose another name' : 'choose another name, or drop the existing cluster first',
  })
}

/** REPLICATION FACTOR against max_replicas_per_cluster (the only synchronous check; seed §5.5). */
export async function requireReplicaLimit(
  q: Queryable,
  clusterName: string,
  desired: number,
  current = 0,
): Promise<void> {
  const limit = (await SystemParameters.read(q)).number('max_replicas_per_cluster')
  if (desired > limit) {
    throw new UsageError(
      `cluster ${JSON.stringify(clusterName)} would have ${desired} replica${desired === 1 ? '' : 's'}; max_replicas_per_cluster is ${limit} (the cluster has ${current})`,
      {
        code: 'RESOURCE_LIMIT',
        hint: 'use fewer replicas, or raise the limit with `mzcluster flags set max_replicas_per_cluster=N`',
      },
    )
  }
}
