// Creating, listing and dropping objects bound to clusters. Each write is a WriteStep (one
// transaction with its audit event and the change notification; objects decide which replicas
// count as hydrated), so --dry-run runs the same validation.

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {ClusterRow} from '../catalog/cluster-rows.js'
import type {Db, Queryable} from '../catalog/db.js'
import {findCluster} from '../catalog/lookup.js'
import type {ObjectRow} from '../catalog/objects.js'
import {
  deleteObject,
  insertObject,
  objectNameTaken,
  selectObjectByName,
  selectObjects,
} from '../catalog/objects.js'
import {selectReplicaByName} from '../catalog/replicas.js'
import type {WriteStep} from '../catalog/write-step.js'
import {runWrite} from '../catalog/write-step.js'
import {NotFoundError, UsageError} from '../errors.js'
import {validateName} from '../input/names.js'
import type {RefreshOptions} from './refresh.js'
import {parseRefreshSchedule} from './refresh.js'
import type {ObjectJson, ObjectType, RefreshScheduleJson} from './types.js'

export interface CreateObjectSpec {
  readonly name: string
  readonly cluster: string
  readonly type: ObjectType
  /** Pin to this replica of the cluster. */
  readonly replica?: string
  readonly refresh?: RefreshOptions
}

function objectJson(row: ObjectRow): ObjectJson {
  return {
    id: String(row.id),
    name: String(row.name),
    cluster_id: String(row.cluster_id),
    cluster_name: String(row.cluster_name),
    type: row.type as ObjectType,
    replica_id: row.replica_id === null ? null : String(row.replica_id),
    replica_name: row.replica_name === null ? null : String(row.replica_name),
    refresh_schedule: refreshScheduleJson(row.refresh_schedule as RefreshScheduleJson | null),
    write_frontier: row.write_frontier === null ? null : Number(row.write_frontier),
    sealed: Boolean(row.sealed),
    created_at: Number(row.created_at),
  }
}

/** jsonb sorts keys; rebuild the documented key order (everies before ats, interval before alignment). */
const refreshScheduleJson = (stored: RefreshScheduleJson | null): RefreshScheduleJson | null =>
  stored === null || stored === undefined
    ? null
    : {
        everies: stored.everies.map((every) => ({
          interval_ms: Number(every.interval_ms),
          aligned_to: Number(every.aligned_to),
        })),
        ats: stored.ats.map(Number),
      }

/** All objects (of one cluster when given), in creation order. */
export async function listObjects(q: Queryable, options: {cluster?: string} = {}): Promise<ObjectJson[]> {
  if (options.cluster === undefined) return (await selectObjects(q)).map(objectJson)
  const cluster = await findCluster(q, options.cluster)
  return (await selectObjects(q, {clusterId: cluster.id})).map(objectJson)
}

/** The object named `name`; an unknown name is a usage error. */
export async function findObject(q: Queryable, name: string): Promise<ObjectJson> {
  const row = await selectObjectByName(q, name)
  if (row === undefined) throw NotFoundError.of('object', name, 'list objects with `mzcluster object list`')
  return objectJson(row)
}

/** An object validated and ready to write: the options parsed once, at the boundary. */
export interface NewObject {
  readonly name: string
  readonly cluster: string
  readonly type: ObjectType
  readonly replica: string | null
  readonly refreshSchedule: RefreshScheduleJson | null
  readonly createdAtMs: number
}

/** Validates the name and refresh options (no catalog needed); `nowMs` is the creation time. */
export function newObject(spec: CreateObjectSpec, nowMs = Date.now()): NewObject {
  return {
    name: validateName('object', spec.name),
    cluster: spec.cluster,
    type: spec.type,
    replica: spec.replica ?? null,
    refreshSchedule: parseRefreshSchedule(spec.type, spec.refresh ?? {}, nowMs),
    createdAtMs: nowMs,
  }
}

/** What creating an object will write: the object, its cluster and pinned replica resolved. */
export interface ObjectCreatePlan {
  readonly object: NewObject
  readonly cluster: ClusterRow
  readonly replica: {readonly id: string; readonly name: string} | null
}

/** Create an object (see `newObject`), with its audit event and the notification. */
export function createObjectStep(spec: NewObject): WriteStep<ObjectCreatePlan, ObjectJson> {
  return {
    async prepare(q) {
      const cluster = await findCluster(q, spec.cluster)
      let replica: ObjectCreatePlan['replica'] = null
      if (spec.replica !== null) {
        const row = await selectReplicaByName(q, cluster.id, spec.replica)
        if (row === undefined) {
          throw new NotFoundError(
            `unknown replica ${JSON.stringify(spec.replica)} in cluster ${JSON.stringify(spec.cluster)} (--replica)`,
            {
              code: 'REPLICA_NOT_FOUND',
              hint: `list its replicas with \`mzcluster replica list --cluster ${spec.cluster}\``,
            },
          )
        }
        replica = {id: row.id, name: row.name}
      }
      if (await objectNameTaken(q, spec.name)) throw objectExists(spec.name)
      return {object: spec, cluster, replica}
    },
    async apply(tx, {cluster, replica}) {
      try {
        await insertObject(tx, {
          name: spec.name,
          cluster_id: cluster.id,
          type: spec.type,
          replica_id: replica?.id ?? null,
          refresh_schedule: spec.refreshSchedule,
          created_at: spec.createdAtMs,
        })
      } catch (error) {
        // A concurrent create of the same name committed between our check and the insert.
        if ((error as {code?: unknown}).code === '23505') throw objectExists(spec.name)
        throw error
      }
      const object = await findObject(tx, spec.name)
      await appendAudit(
        tx,
        [{eventType: 'create', objectType: 'object', details: auditDetails(object)}],
        spec.createdAtMs,
      )
      await notifyCatalogChange(tx, 'object')
      return object
    },
  }
}

/** The `object list` element an object about to be created will have (no id yet, nothing reported). */
export function plannedObject({
  object,
  cluster,
  replica,
}: ObjectCreatePlan): Omit<ObjectJson, 'id'> & {id: null} {
  return {
    id: null,
    name: object.name,
    cluster_id: cluster.id,
    cluster_name: cluster.name,
    type: object.type,
    replica_id: replica?.id ?? null,
    replica_name: replica?.name ?? null,
    refresh_schedule: object.refreshSchedule,
    write_frontier: null,
    sealed: false,
    created_at: object.createdAtMs,
  }
}

/** Writes the object, its audit event and the notification together (see `newObject`). */
export async function createObject(db: Db, spec: NewObject): Promise<ObjectJson> {
  return runWrite(db, createObjectStep(spec))
}

/** Drop an object (its hydration and frontier reports go with it); the result is what was dropped. */
export function dropObjectStep(name: string, nowMs = Date.now()): WriteStep<ObjectJson, ObjectJson> {
  return {
    prepare: (q) => findObject(q, name),
    async apply(tx, object) {
      await deleteObject(tx, object.id)
      await appendAudit(tx, [{eventType: 'drop', objectType: 'object', details: auditDetails(object)}], nowMs)
      await notifyCatalogChange(tx, 'object')
      return object
    },
  }
}

/** Drops the object (its hydration and frontier reports go with it); returns what was dropped. */
export async function dropObject(db: Db, name: string, nowMs = Date.now()): Promise<ObjectJson> {
  return runWrite(db, dropObjectStep(name, nowMs))
}

const auditDetails = (object: ObjectJson): Record<string, unknown> => ({
  object_id: object.id,
  object_name: object.name,
  object_type: object.type,
  cluster_id: object.cluster_id,
  cluster_name: object.cluster_name,
})

const objectExists = (name: string): UsageError =>
  new UsageError(`object ${JSON.stringify(name)} already exists`, {
    code: 'OBJECT_EXISTS',
    hint: 'object names are unique across clusters; pick another name or drop the existing object',
  })
