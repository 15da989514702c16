// Plain-SQL fixtures for the controller integration suites: clusters, replicas, objects and live
// signals written straight into the mzcluster tables (as `catalog init --demo` or an orchestrator
// would), with ids from the catalog's own allocators and the JSON document shapes of
// src/lib/catalog/cluster-rows.ts. Plus read helpers: replicas, cluster rows, audit events since a
// mark, hydrated-replica counts by the catalog rule, and a full dump of every mzcluster table and
// sequence for byte-for-byte comparisons.

import type {
  AutoScalingJson,
  BurstJson,
  ClusterRow,
  LoggingJson,
  ReconfigurationJson,
  ScheduleJson,
} from '../../src/lib/catalog/cluster-rows.js'
import type {Queryable} from '../../src/lib/catalog/db.js'
import {hydratedReplicas} from '../../src/lib/catalog/signals.js'
import type {TickReport} from '../../src/lib/controller/report.js'

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

/** A fixed, round point in time (2027-01-15T08:00:00Z) the scenarios count from. */
export const T0 = 1_800_000_000_000

export const DEFAULT_LOGGING_JSON: LoggingJson = {log_logging: false, interval_ms: 1000}

async function nextId(db: Queryable, sequence: string): Promise<number> {
  const [row] = await db.query<{n: number}>(`SELECT nextval('mzcluster.${sequence}')::int AS n`)
  if (!row) throw new Error(`no value from ${sequence}`)
  return row.n
}

export interface ClusterSpec {
  readonly name: string
  readonly size: string
  readonly rf: number
  readonly availabilityZones?: readonly string[]
  readonly logging?: LoggingJson
  readonly schedule?: ScheduleJson
  readonly policy?: AutoScalingJson | null
  readonly reconfiguration?: ReconfigurationJson | null
  readonly burst?: BurstJson | null
  readonly features?: Record<string, string>
  readonly createdAtMs?: number
}

/** A managed user cluster; returns its id (`u<n>`). */
export async function createCluster(db: Queryable, spec: ClusterSpec): Promise<string> {
  const n = await nextId(db, 'user_cluster_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.clusters
       (id, ord, name, managed, size, replication_factor, availability_zones, logging, schedule, auto_scaling_strategy, reconfiguration, burst, features, created_at)
     VALUES ($1, $2, $3, true, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, $13)`,
    [
      id,
      n,
      spec.name,
      spec.size,
      spec.rf,
      JSON.stringify(spec.availabilityZones ?? []),
      JSON.stringify(spec.logging ?? DEFAULT_LOGGING_JSON),
      JSON.stringify(spec.schedule ?? {kind: 'manual'}),
      spec.policy ? JSON.stringify(spec.policy) : null,
      spec.reconfiguration ? JSON.stringify(spec.reconfiguration) : null,
      spec.burst ? JSON.stringify(spec.burst) : null,
      JSON.stringify(spec.features ?? {}),
      spec.createdAtMs ?? T0 - HOUR,
    ],
  )
  return id
}

/** An in-progress reconfiguration record to `size` × `rf` (no AZs, default logging). */
export function inProgress(
  size: string,
  rf: number,
  deadline: number,
  onTimeout: 'commit' | 'rollback' = 'rollback',
): ReconfigurationJson {
  return {
    target: {size, replication_factor: rf, availability_zones: [], logging: DEFAULT_LOGGING_JSON},
    deadline,
    on_timeout: onTimeout,
    status: 'in-progress',
  }
}

/** A managed replica (in the cluster's pool, default logging); returns its id. */
export async function addReplica(
  db: Queryable,
  clusterId: string,
  name: string,
  size: string,
  createdAtMs: number,
  options: {availabilityZones?: readonly string[]; internal?: boolean} = {},
): Promise<string> {
  const n = await nextId(db, 'user_replica_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, internal, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
    [id, n, clusterId, name, size, JSON.stringify(options.availabilityZones ?? []), options.internal ?? false, createdAtMs],
  )
  return id
}

export type ObjectType = 'index' | 'materialized-view' | 'source' | 'sink' | 'webhook-source'

export interface RefreshScheduleJson {
  everies: {interval_ms: number; aligned_to: number}[]
  ats: number[]
}

/** An object bound to a cluster; returns its id. */
export async function addObject(
  db: Queryable,
  clusterId: string,
  name: string,
  type: ObjectType,
  options: {refreshSchedule?: RefreshScheduleJson; replicaId?: string; createdAtMs?: number} = {},
): Promise<string> {
  const n = await nextId(db, 'user_object_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, replica_id, refresh_schedule, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [
      id,
      n,
      name,
      clusterId,
      type,
      options.replicaId ?? null,
      options.refreshSchedule ? JSON.stringify(options.refreshSchedule) : null,
      options.createdAtMs ?? T0 - HOUR,
    ],
  )
  return id
}

/** The orchestrator reports a replica online (or offline). */
export async function reportOnline(db: Queryable, replicaId: string, online = true, atMs = T0): Promise<void> {
  await db.query(
    `INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) VALUES ($1, $2, $3)
     ON CONFLICT (replica_id) DO UPDATE SET online = $2, reported_at = $3`,
    [replicaId, online, atMs],
  )
}

/** The compute layer reports every object of the replica's cluster hydrated (or not) on it. */
export async function reportHydrated(db: Queryable, replicaId: string, hydrated = true, atMs = T0): Promise<void> {
  await db.query(
    `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at)
     SELECT r.id, o.id, $2, $3 FROM mzcluster.replicas r JOIN mzcluster.objects o ON o.cluster_id = r.cluster_id
     WHERE r.id = $1
     ON CONFLICT (replica_id, object_id) DO UPDATE SET hydrated = $2, reported_at = $3`,
    [replicaId, hydrated, atMs],
  )
}

/** Online and every object hydrated: a serving replica by the catalog rule. */
export async function reportReady(db: Queryable, replicaId: string, atMs = T0): Promise<void> {
  await reportOnline(db, replicaId, true, atMs)
  await reportHydrated(db, replicaId, true, atMs)
}

/** A refresh MV's write frontier (null: sealed). */
export async function reportFrontier(db: Queryable, objectId: string, frontier: number | null, atMs = T0): Promise<void> {
  await db.query(
    `INSERT INTO mzcluster.object_frontiers (object_id, write_frontier, sealed, reported_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (object_id) DO UPDATE SET write_frontier = $2, sealed = $3, reported_at = $4`,
    [objectId, frontier, frontier === null, atMs],
  )
}

/** An environment-wide system parameter (null: back to the registry default). */
export async function setParameter(db: Queryable, name: string, value: string | null): Promise<void> {
  if (value === null) {
    await db.query('DELETE FROM mzcluster.system_parameters WHERE name = $1', [name])
    return
  }
  await db.query(
    `INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3`,
    [name, value, T0],
  )
}

export interface ReplicaInfo {
  id: string
  name: string
  size: string | null
  created_at: number
}

/** A cluster's replicas in creation (id) order. */
export async function replicasOf(db: Queryable, clusterId: string): Promise<ReplicaInfo[]> {
  return db.query<ReplicaInfo>(
    'SELECT id, name, size, created_at FROM mzcluster.replicas WHERE cluster_id = $1 ORDER BY ord, id',
    [clusterId],
  )
}

/** `name size` per replica, in creation order: compact for assertions. */
export async function replicaSummary(db: Queryable, clusterId: string): Promise<string[]> {
  return (await replicasOf(db, clusterId)).map((replica) => `${replica.name} ${replica.size}`)
}

export async function clusterRow(db: Queryable, clusterId: string): Promise<ClusterRow> {
  const [row] = await db.query<ClusterRow>('SELECT * FROM mzcluster.clusters WHERE id = $1', [clusterId])
  if (!row) throw new Error(`no cluster ${clusterId}`)
  return row
}

export interface AuditRow {
  id: number
  occurred_at: number
  event_type: string
  object_type: string
  details: Record<string, unknown>
}

/** The id of the latest audit event (0 when there is none): a mark to read events after. */
export async function auditMark(db: Queryable): Promise<number> {
  const [row] = await db.query<{id: number}>('SELECT COALESCE(max(id), 0)::int AS id FROM mzcluster.audit_events')
  return row?.id ?? 0
}

/** Audit events after `mark`, optionally only those about one cluster, in id order. */
export async function auditSince(db: Queryable, mark: number, clusterId?: string): Promise<AuditRow[]> {
  const rows = await db.query<AuditRow>(
    `SELECT id::int AS id, occurred_at, event_type, object_type, details FROM mzcluster.audit_events
     WHERE id > $1 AND ($2::text IS NULL OR details->>'cluster_id' = $2) ORDER BY id`,
    [mark, clusterId ?? null],
  )
  return rows.map((row) => ({...row, occurred_at: Number(row.occurred_at)}))
}

/** How many of the cluster's replicas are hydrated by the catalog rule (what the controller sees). */
export async function hydratedCount(db: Queryable, clusterId: string): Promise<number> {
  const hydrated = await hydratedReplicas(db, [clusterId], {kind: 'catalog', simulatedDelayMs: 0, nowMs: 0})
  return hydrated.get(clusterId)?.size ?? 0
}

/** The report entry of one cluster (throws when the tick left it out). */
export function clusterReport(report: TickReport, clusterId: string) {
  const entry = report.clusters.find((cluster) => cluster.clusterId === clusterId)
  if (!entry) throw new Error(`cluster ${clusterId} is not in the report: ${JSON.stringify(report.clusters.map((c) => c.clusterId))}`)
  return entry
}

/**
 * Every row of every mzcluster table (ordered by its JSON text, so no key knowledge is needed) and
 * the state of every sequence in the schema, JSON-serialized: equal dumps mean an unchanged catalog.
 */
export async function dumpCatalog(db: Queryable): Promise<string> {
  const tables = await db.query<{name: string}>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'mzcluster' AND c.relkind = 'r' ORDER BY c.relname`,
  )
  const sequences = await db.query<{name: string}>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'mzcluster' AND c.relkind = 'S' ORDER BY c.relname`,
  )
  const dump: Record<string, unknown> = {}
  for (const {name} of tables) {
    const rows = await db.query<{row: string}>(`SELECT to_jsonb(t)::text AS row FROM mzcluster."${name}" t ORDER BY 1`)
    dump[`table ${name}`] = rows.map((r) => r.row)
  }
  for (const {name} of sequences) {
    const [state] = await db.query<{last_value: string; is_called: boolean}>(
      `SELECT last_value::text AS last_value, is_called FROM mzcluster."${name}"`,
    )
    dump[`sequence ${name}`] = state
  }
  return JSON.stringify(dump, null, 1)
}
