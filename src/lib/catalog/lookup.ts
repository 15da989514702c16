// Resolving names given on the command line to catalog rows, with the not-found errors every
// command shares. Names are matched exactly (they may hold quotes, spaces or Unicode).

import {NotFoundError, UsageError} from '../errors.js'
import type {ClusterRow, ReplicaRow} from './cluster-rows.js'
import type {Queryable} from './db.js'

export interface SizeRow {
  name: string
  family: string
  workers: number
  processes: number
  memory_bytes: number
  credits_per_hour: string
  disabled: boolean
  sort_order: number
}

export async function findCluster(q: Queryable, name: string, options: {forUpdate?: boolean} = {}): Promise<ClusterRow> {
  const [row] = await q.query<ClusterRow>(
    `SELECT * FROM mzcluster.clusters WHERE name = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [name],
  )
  if (!row) throw new NotFoundError(`unknown cluster ${JSON.stringify(name)}`, {code: 'CLUSTER_NOT_FOUND', hint: 'list clusters with `mzcluster cluster list`'})
  return row
}

export async function findReplica(q: Queryable, clusterName: string, replicaName: string): Promise<{cluster: ClusterRow; replica: ReplicaRow}> {
  const cluster = await findCluster(q, clusterName)
  const [replica] = await q.query<ReplicaRow>('SELECT * FROM mzcluster.replicas WHERE cluster_id = $1 AND name = $2', [
    cluster.id,
    replicaName,
  ])
  if (!replica) {
    throw new NotFoundError(`unknown replica ${JSON.stringify(replicaName)} in cluster ${JSON.stringify(clusterName)}`, {
      code: 'REPLICA_NOT_FOUND',
      hint: `list its replicas with \`mzcluster replica list --cluster ${clusterName}\``,
    })
  }
  return {cluster, replica}
}

/** A size that exists and is not disabled, for `--size`/`--hydration-size` validation. */
export async function requireSize(q: Queryable, name: string, option = '--size'): Promise<SizeRow> {
  const [row] = await q.query<SizeRow>('SELECT * FROM mzcluster.replica_sizes WHERE name = $1', [name])
  if (!row) throw new UsageError(`unknown cluster replica size ${JSON.stringify(name)} (${option})`, {code: 'UNKNOWN_SIZE', hint: 'list sizes with `mzcluster size list`'})
  if (row.disabled) throw new UsageError(`replica size ${JSON.stringify(name)} is not allowed (${option})`, {code: 'SIZE_NOT_ALLOWED'})
  return row
}
