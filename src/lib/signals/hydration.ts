// `signal hydration`: per (replica, object) hydration reports (`object_hydration`), for the named
// objects of the replica's cluster or, when none are named, for every object of the cluster.

import {notifyCatalogChange} from '../catalog/audit.js'
import type {Db} from '../catalog/db.js'
import {findReplica} from '../catalog/lookup.js'
import {objectsNamed, objectsOfCluster, upsertObjectHydration} from '../catalog/signals.js'
import {NotFoundError, UsageError} from '../errors.js'
import type {ReplicaRef} from '../input/names.js'

/** A row written to `mzcluster.object_hydration`, with names for people. */
export interface HydrationJson {
  replica_id: string
  cluster_name: string
  replica_name: string
  object_id: string
  object_name: string
  hydrated: boolean
  reported_at: number
}

export interface HydrationReport {
  /** Object names; undefined or empty = every object of the cluster. */
  readonly objects?: readonly string[]
  readonly hydrated: boolean
}

/** Writes the reports in one statement; returns the rows written (none for a cluster without objects). */
export async function reportHydration(
  db: Db,
  ref: ReplicaRef,
  report: HydrationReport,
  nowMs = Date.now(),
): Promise<HydrationJson[]> {
  return db.transaction(async (tx) => {
    const {cluster, replica} = await findReplica(tx, ref.cluster, ref.replica)
    const names = [...new Set(report.objects ?? [])]
    const objects = names.length === 0 ? await objectsOfCluster(tx, cluster.id) : await objectsNamed(tx, names)
    const missing = names.find((name) => !objects.some((object) => object.name === name))
    if (missing !== undefined)
      throw NotFoundError.of('object', missing, 'list objects with `mzcluster object list`')
    const stranger = objects.find((object) => object.cluster_id !== cluster.id)
    if (stranger !== undefined) {
      throw new UsageError(
        `object ${JSON.stringify(stranger.name)} is not bound to cluster ${JSON.stringify(cluster.name)}`,
        {
          code: 'OBJECT_NOT_IN_CLUSTER',
          hint: `list the cluster's objects with \`mzcluster object list --cluster ${cluster.name}\``,
        },
      )
    }
    if (objects.length === 0) return []
    await upsertObjectHydration(
      tx,
      replica.id,
      objects.map((object) => object.id),
      report.hydrated,
      nowMs,
    )
    await notifyCatalogChange(tx, 'signal')
    return objects.map((object) => ({
      replica_id: replica.id,
      cluster_name: cluster.name,
      replica_name: replica.name,
      object_id: object.id,
      object_name: object.name,
      hydrated: report.hydrated,
      reported_at: nowMs,
    }))
  })
}
