// What `catalog status` reports: kind, location (password redacted), schema version, counts.

import type {Db, Queryable} from './db.js'
import {schemaVersion} from './migrate.js'

export async function catalogStatus(db: Db): Promise<Record<string, string | number>> {
  const [counts] = await db.query<Record<string, number | string>>(`
    SELECT
      (SELECT count(*)::int FROM mzcluster.clusters WHERE NOT builtin) AS user_clusters,
      (SELECT count(*)::int FROM mzcluster.clusters WHERE builtin) AS builtin_clusters,
      (SELECT count(*)::int FROM mzcluster.replicas) AS replicas,
      (SELECT count(*)::int FROM mzcluster.objects) AS objects,
      (SELECT count(*)::int FROM mzcluster.replica_sizes) AS sizes,
      (SELECT count(*)::int FROM mzcluster.clusters WHERE reconfiguration->>'status' = 'in-progress') AS reconfigurations_in_progress,
      (SELECT count(*)::int FROM mzcluster.audit_events) AS audit_events,
      (SELECT value FROM mzcluster.meta WHERE key = 'environment_id') AS environment_id`)
  return {
    kind: db.kind,
    location: db.location,
    schema_version: (await schemaVersion(db)) ?? 0,
    ...(counts ?? {}),
  }
}

/** Tables outside the system schemas and mzcluster's own: another program's data. */
export async function foreignTableCount(db: Queryable): Promise<number> {
  const [row] = await db.query<{n: number}>(
    `SELECT count(*)::int AS n FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'mzcluster') AND table_schema NOT LIKE 'pg\\_%'`,
  )
  return row?.n ?? 0
}
