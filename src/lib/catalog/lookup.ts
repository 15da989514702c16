// Resolving names given on the command line to catalog rows, with the not-found errors every
// command shares. Names are matched exactly (they may hold quotes, spaces or Unicode); a name not
// found is answered with the closest known one ("did you mean \"prod\"?").

import {NotFoundError, UsageError} from '../errors.js'
import {didYouMean} from '../input/similar.js'
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
  if (!row) throw await unknownCluster(q, name)
  return row
}

/** The error for a cluster name that does not exist, suggesting the closest one that does. */
export async function unknownCluster(q: Queryable, name: string): Promise<NotFoundError> {
  const rows = await q.query<{name: string}>('SELECT name FROM mzcluster.clusters ORDER BY name')
  return new NotFoundError(`unknown cluster ${JSON.stringify(name)}`, {
    code: 'CLUSTER_NOT_FOUND',
    hint: `${didYouMean(name, rows.map((r) => r.name))}list clusters with \`mzcluster cluster list\``,
  })
}

export async function findReplica(q: Queryable, clusterName: string, replicaName: string): Promise<{cluster: ClusterRow; replica: ReplicaRow}> {
  const cluster = await findCluster(q, clusterName)
  const [replica] = await q.query<ReplicaRow>('SELECT * FROM mzcluster.replicas WHERE cluster_id = $1 AND name = $2', [
    cluster.id,
    replicaName,
  ])
  if (!replica) {
    const names = await q.query<{name: string}>('SELECT name FROM mzcluster.replicas WHERE cluster_id = $1 ORDER BY name', [
      cluster.id,
    ])
    throw new NotFoundError(`unknown replica ${JSON.stringify(replicaName)} in cluster ${JSON.stringify(clusterName)}`, {
      code: 'REPLICA_NOT_FOUND',
      hint: `${didYouMean(replicaName, names.map((r) => r.name))}list its replicas with \`mzcluster replica list --cluster ${clusterName}\``,
    })
  }
  return {cluster, replica}
}

/** A size that exists and is not disabled, for `--size`/`--hydration-size` validation. */
export async function requireSize(q: Queryable, name: string, option = '--size'): Promise<SizeRow> {
  const [row] = await q.query<SizeRow>('SELECT * FROM mzcluster.replica_sizes WHERE name = $1', [name])
  if (!row) {
    const sizes = await q.query<{name: string}>('SELECT name FROM mzcluster.replica_sizes WHERE NOT disabled ORDER BY sort_order, name')
    throw new UsageError(`unknown cluster replica size ${JSON.stringify(name)} (${option})`, {
      code: 'UNKNOWN_SIZE',
      hint: `${didYouMean(name, sizes.map((r) => r.name))}list sizes with \`mzcluster size list\``,
    })
  }
  if (row.disabled) throw new UsageError(`replica size ${JSON.stringify(name)} is not allowed (${option})`, {code: 'SIZE_NOT_ALLOWED'})
  return row
}
