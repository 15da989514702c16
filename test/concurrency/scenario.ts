// Building catalog states for the concurrency suites through the product's own library writes (so
// every row has the audit history the invariant checker replays): managed clusters, one index per
// cluster (so hydration needs a report), and a normalised dump for "same final state" comparisons
// that ignores ids, versions and wall-clock times.

import pg from 'pg'
import type {Db} from '../../src/lib/catalog/db.js'
import {DEFAULT_LOGGING} from '../../src/lib/controller/context.js'
import {createCluster} from '../../src/lib/ddl/clusters.js'
import {createObject, newObject} from '../../src/lib/objects/objects.js'

/** A managed MANUAL cluster with default zones and logging, and one index bound to it. */
export async function createManagedCluster(db: Db, name: string, size: string, rf: number, nowMs = Date.now()): Promise<string> {
  const row = await createCluster(
    db,
    name,
    {managed: true, size, replicationFactor: rf, availabilityZones: [], logging: DEFAULT_LOGGING, schedule: {kind: 'manual'}, autoScalingPolicy: null, features: {}},
    {nowMs},
  )
  await createObject(db, newObject({name: `${name}_idx`, cluster: name, type: 'index'}, nowMs))
  return row.id
}

export interface NormalizedState {
  clusters: {name: string; size: string | null; rf: number | null; record: unknown}[]
  replicas: {cluster: string; name: string; size: string | null}[]
  audit: {event: string; object: string; details: Record<string, unknown>}[]
}

export interface NormalizeOptions {
  /** Drop deadlines and occurred_at (written from the wall clock by `cluster alter`). */
  readonly ignoreTimes?: boolean
}

/** Everything user-visible, by name: no ids (allocators move on in a killed run), no versions. */
export async function normalizedState(url: string, options: NormalizeOptions = {}): Promise<NormalizedState> {
  const client = new pg.Client({connectionString: url, application_name: 'mzcluster-test'})
  client.setTypeParser(20, (value: string) => Number(value))
  await client.connect()
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const clusters = (
      await client.query<{name: string; size: string | null; replication_factor: number | null; reconfiguration: Record<string, unknown> | null}>(
        'SELECT name, size, replication_factor, reconfiguration FROM mzcluster.clusters WHERE NOT builtin ORDER BY name',
      )
    ).rows.map((row) => ({
      name: row.name,
      size: row.size,
      rf: row.replication_factor,
      record: row.reconfiguration && options.ignoreTimes ? {...row.reconfiguration, deadline: undefined} : row.reconfiguration,
    }))
    const replicas = (
      await client.query<{cluster: string; name: string; size: string | null}>(
        `SELECT c.name AS cluster, r.name, r.size FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id
         WHERE NOT c.builtin ORDER BY c.name, r.name`,
      )
    ).rows
    const audit = (
      await client.query<{event_type: string; object_type: string; details: Record<string, unknown>; occurred_at: number}>(
        'SELECT event_type, object_type, details, occurred_at FROM mzcluster.audit_events ORDER BY id',
      )
    ).rows.map((row) => {
      const details: Record<string, unknown> = {...row.details}
      for (const key of ['replica_id', 'cluster_id', 'object_id']) delete details[key]
      if (options.ignoreTimes) delete details.deadline
      else details.occurred_at = row.occurred_at
      return {event: row.event_type, object: row.object_type, details}
    })
    await client.query('COMMIT')
    return {clusters, replicas, audit}
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Remove every user cluster, object, signal, audit event and lease, and restart the user id
 * allocators: the catalog as `catalog init` left it, for rebuilding a scenario in place.
 */
export async function resetCatalog(url: string): Promise<void> {
  const client = new pg.Client({connectionString: url, application_name: 'mzcluster-test'})
  await client.connect()
  try {
    await client.query(`
      BEGIN;
      DELETE FROM mzcluster.objects;
      DELETE FROM mzcluster.replicas WHERE cluster_id IN (SELECT id FROM mzcluster.clusters WHERE NOT builtin);
      DELETE FROM mzcluster.clusters WHERE NOT builtin;
      DELETE FROM mzcluster.replica_status;
      DELETE FROM mzcluster.object_hydration;
      DELETE FROM mzcluster.object_frontiers;
      DELETE FROM mzcluster.controller_leases;
      TRUNCATE mzcluster.audit_events RESTART IDENTITY;
      ALTER SEQUENCE mzcluster.user_cluster_ids RESTART;
      ALTER SEQUENCE mzcluster.user_replica_ids RESTART;
      ALTER SEQUENCE mzcluster.user_object_ids RESTART;
      COMMIT;`)
  } finally {
    await client.end().catch(() => {})
  }
}
