// Creating, listing and dropping objects bound to clusters. Each write is one transaction with its
// audit event and the change notification (objects decide which replicas count as hydrated).

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {Db, Queryable} from '../catalog/db.js'
import {findCluster} from '../catalog/lookup.js'
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

const SELECT_OBJECTS = `
  SELECT o.id, o.name, o.cluster_id, c.name AS cluster_name, o.type, o.replica_id, r.name AS replica_name,
         o.refresh_schedule, f.write_frontier, COALESCE(f.sealed, false) AS sealed, o.created_at
  FROM mzcluster.objects o
  JOIN mzcluster.clusters c ON c.id = o.cluster_id
  LEFT JOIN mzcluster.replicas r ON r.id = o.replica_id AND r.cluster_id = o.cluster_id
  LEFT JOIN mzcluster.object_frontiers f ON f.object_id = o.id`

function objectJson(row: Record<string, unknown>): ObjectJson {
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
  if (options.cluster === undefined)
    return (await q.query(`${SELECT_OBJECTS} ORDER BY o.ord`)).map(objectJson)
  const cluster = await findCluster(q, options.cluster)
  return (await q.query(`${SELECT_OBJECTS} WHERE o.cluster_id = $1 ORDER BY o.ord`, [cluster.id])).map(
    objectJson,
  )
}

/** The object named `name`; an unknown name is a usage error. */
export async function findObject(q: Queryable, name: string): Promise<ObjectJson> {
  const [row] = await q.query(`${SELECT_OBJECTS} WHERE o.name = $1`, [name])
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

/** Writes the object, its audit event and the notification together (see `newObject`). */
export async function createObject(db: Db, spec: NewObject): Promise<ObjectJson> {
  const {createdAtMs: nowMs, refreshSchedule} = spec
  return db.transaction(async (tx) => {
    const cluster = await findCluster(tx, spec.cluster)
    let replicaId: string | null = null
    if (spec.replica !== null) {
      const [replica] = await tx.query<{id: string}>(
        'SELECT id FROM mzcluster.replicas WHERE cluster_id = $1 AND name = $2',
        [cluster.id, spec.replica],
      )
      if (replica === undefined) {
        throw new NotFoundError(
          `unknown replica ${JSON.stringify(spec.replica)} in cluster ${JSON.stringify(spec.cluster)} (--replica)`,
          {
            code: 'REPLICA_NOT_FOUND',
            hint: `list its replicas with \`mzcluster replica list --cluster ${spec.cluster}\``,
          },
        )
      }
      replicaId = replica.id
    }
    const [taken] = await tx.query('SELECT id FROM mzcluster.objects WHERE name = $1', [spec.name])
    if (taken !== undefined) throw objectExists(spec.name)
    try {
      await tx.query(
        `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, replica_id, refresh_schedule, created_at)
         SELECT 'u' || n, n, $1, $2, $3, $4, $5::jsonb, $6 FROM (SELECT nextval('mzcluster.user_object_ids') AS n) AS allocated`,
        [
          spec.name,
          cluster.id,
          spec.type,
          replicaId,
          refreshSchedule === null ? null : JSON.stringify(refreshSchedule),
          nowMs,
        ],
      )
    } catch (error) {
      // A concurrent create of the same name committed between our check and the insert.
      if ((error as {code?: unknown}).code === '23505') throw objectExists(spec.name)
      throw error
    }
    const object = await findObject(tx, spec.name)
    await appendAudit(tx, [{eventType: 'create', objectType: 'object', details: auditDetails(object)}], nowMs)
    await notifyCatalogChange(tx, 'object')
    return object
  })
}

/** Drops the object (its hydration and frontier reports go with it); returns what was dropped. */
export async function dropObject(db: Db, name: string, nowMs = Date.now()): Promise<ObjectJson> {
  return db.transaction(async (tx) => {
    const object = await findObject(tx, name)
    await tx.query('DELETE FROM mzcluster.objects WHERE id = $1', [object.id])
    await appendAudit(tx, [{eventType: 'drop', objectType: 'object', details: auditDetails(object)}], nowMs)
    await notifyCatalogChange(tx, 'object')
    return object
  })
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
