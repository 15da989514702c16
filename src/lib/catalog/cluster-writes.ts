// Writes of cluster rows by the controller's apply: the row locks that make compare-and-append
// safe, the state writes of a batch of clusters in one statement, and version bumps.

import type {ClusterRow} from './cluster-rows.js'
import type {Queryable} from './db.js'

/**
 * Lock the clusters' rows until the end of the transaction, in id order (so concurrent appliers
 * cannot deadlock), and return them as they are now: the witness is checked against these rows.
 */
export async function lockClusters(tx: Queryable, ids: readonly string[]): Promise<ClusterRow[]> {
  if (ids.length === 0) return []
  return tx.query<ClusterRow>('SELECT * FROM mzcluster.clusters WHERE id = ANY($1) ORDER BY id FOR UPDATE', [[...ids].sort()])
}

/** Write each row's realized config, record and burst (one statement for all); bumps their versions. */
export async function updateClusterConfigs(tx: Queryable, rows: readonly ClusterRow[]): Promise<void> {
  if (rows.length === 0) return
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value))
  await tx.query(
    `UPDATE mzcluster.clusters c SET size = u.size, replication_factor = u.rf, availability_zones = u.zones::jsonb,
       logging = u.logging::jsonb, reconfiguration = u.reconfiguration::jsonb, burst = u.burst::jsonb, version = c.version + 1
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS u(id, size, rf, zones, logging, reconfiguration, burst)
     WHERE c.id = u.id`,
    [
      rows.map((row) => row.id),
      rows.map((row) => row.size),
      rows.map((row) => row.replication_factor),
      rows.map((row) => JSON.stringify(row.availability_zones)),
      rows.map((row) => JSON.stringify(row.logging)),
      rows.map((row) => json(row.reconfiguration)),
      rows.map((row) => json(row.burst)),
    ],
  )
}

/** Bump the version of clusters whose replica set changed. */
export async function bumpClusterVersions(tx: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await tx.query('UPDATE mzcluster.clusters SET version = version + 1 WHERE id = ANY($1)', [ids])
}
