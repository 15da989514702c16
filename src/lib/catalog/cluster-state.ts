// Reads of managed clusters for the controller: which clusters it owns, and their state (cluster
// rows and replica rows) in one snapshot, in a constant number of statements whatever the count.

import type {ClusterState, ObservedReplica} from '../controller/context.js'
import type {ClusterRow, ReplicaRow} from './cluster-rows.js'
import {clusterState, observedReplica} from './cluster-rows.js'
import type {Db, Queryable} from './db.js'

/** Ids of the user managed clusters, in creation order; only those named when `names` is given. */
export async function managedClusterIds(q: Queryable, names?: readonly string[]): Promise<string[]> {
  const rows = await q.query<{id: string}>(
    `SELECT id FROM mzcluster.clusters WHERE managed AND NOT builtin${names ? ' AND name = ANY($1)' : ''} ORDER BY ord`,
    names ? [names] : [],
  )
  return rows.map((row) => row.id)
}

/** Whether each named cluster exists and is a user managed one (for `--cluster` validation). */
export async function clusterKindsByName(q: Queryable, names: readonly string[]): Promise<Map<string, {managed: boolean; builtin: boolean}>> {
  const rows = await q.query<{name: string; managed: boolean; builtin: boolean}>(
    'SELECT name, managed, builtin FROM mzcluster.clusters WHERE name = ANY($1)',
    [names],
  )
  return new Map(rows.map((row) => [row.name, {managed: row.managed, builtin: row.builtin}]))
}

// The cluster columns the controller's state is built from (not features, owner or created_at), with
// default zones, logging and schedule as null (clusterState maps them back to shared defaults).
const CLUSTER_COLUMNS = `id, ord, name, builtin, managed, size, replication_factor,
  NULLIF(availability_zones, '[]'::jsonb) AS availability_zones,
  NULLIF(logging, '{"log_logging": false, "interval_ms": 1000}'::jsonb) AS logging,
  NULLIF(schedule, '{"kind": "manual"}'::jsonb) AS schedule, auto_scaling_strategy, reconfiguration, burst`

// Default zones and logging come back as null: decoding two JSON documents for each of tens of
// thousands of replicas costs more than the query itself (observedReplica maps null back).
const REPLICA_COLUMNS = `id, cluster_id, name, size, NULLIF(availability_zones, '[]'::jsonb) AS availability_zones,
  NULLIF(logging, '{"log_logging": false, "interval_ms": 1000}'::jsonb) AS logging, internal, billed_as, pending`

/**
 * The state of the given managed clusters, clusters and replicas read in one READ ONLY REPEATABLE
 * READ transaction, so both come from the same moment.
 */
export async function readClusterStates(db: Db, ids: readonly string[]): Promise<ClusterState[]> {
  if (ids.length === 0) return []
  const {clusters, replicas} = await db.transaction(
    async (tx) => {
      const clusters = await tx.query<ClusterRow>(
        `SELECT ${CLUSTER_COLUMNS} FROM mzcluster.clusters WHERE id = ANY($1) AND managed AND NOT builtin ORDER BY ord`,
        [ids],
      )
      // Replicas in ascending id (creation) order within a cluster: `ord` is the id's number.
      const replicas = await tx.query<ReplicaRow>(
        `SELECT ${REPLICA_COLUMNS} FROM mzcluster.replicas WHERE cluster_id = ANY($1) ORDER BY ord, id`,
        [ids],
      )
      return {clusters, replicas}
    },
    {readOnlySnapshot: true},
  )
  // Each replica row is mapped to the domain as it is grouped, and the row array is released before
  // the cluster states are built, so the raw rows and their domain copies are not all held at once.
  const byCluster = new Map<string, ObservedReplica[]>()
  for (let i = 0; i < replicas.length; i++) {
    const replica = replicas[i] as ReplicaRow
    let list = byCluster.get(replica.cluster_id)
    if (list === undefined) byCluster.set(replica.cluster_id, (list = []))
    list.push(observedReplica(replica))
    replicas[i] = undefined as unknown as ReplicaRow
  }
  replicas.length = 0
  return clusters.map((row) => ({...clusterState(row, []), replicas: byCluster.get(row.id) ?? []}))
}
