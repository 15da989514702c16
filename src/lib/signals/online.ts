// `signal online`: a replica's online status as an orchestrator reports it (`replica_status`).

import {notifyCatalogChange} from '../catalog/audit.js'
import type {Db} from '../catalog/db.js'
import {findReplica} from '../catalog/lookup.js'
import {upsertReplicaStatus} from '../catalog/signals.js'
import type {ReplicaRef} from '../input/names.js'

/** The row written to `mzcluster.replica_status`, with names for people. */
export interface ReplicaStatusJson {
  replica_id: string
  cluster_name: string
  replica_name: string
  online: boolean
  reported_at: number
}

export async function reportOnline(
  db: Db,
  ref: ReplicaRef,
  online: boolean,
  nowMs = Date.now(),
): Promise<ReplicaStatusJson> {
  return db.transaction(async (tx) => {
    const {cluster, replica} = await findReplica(tx, ref.cluster, ref.replica)
    await upsertReplicaStatus(tx, replica.id, online, nowMs)
    await notifyCatalogChange(tx, 'signal')
    return {
      replica_id: replica.id,
      cluster_name: cluster.name,
      replica_name: replica.name,
      online,
      reported_at: nowMs,
    }
  })
}
