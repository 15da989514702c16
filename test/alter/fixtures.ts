// Fixtures for the alter/wait suites: cluster rows for the pure router, and plain-SQL writers and
// readers for real catalogs (clusters, replicas, objects and live signals inserted as an
// orchestrator or `catalog init --demo` would; audit events since a mark; a dump of every
// mzcluster table and sequence so "nothing was written" can be checked byte for byte).

import type {AlterRequest} from '../../src/lib/alter/route.js'
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

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** A fixed, round point in time the library scenarios count from (2027-01-15T08:00:00Z). */
export const T0 = 1_800_000_000_000

export const DEFAULT_LOGGING_JSON: LoggingJson = {log_logging: false, interval_ms: 1000}

/** A parsed `cluster alter` with the default timing; the given fields are the ones "mentioned". */
export const req = (fields: Omit<Partial<AlterRequest>, 'timing'> & {timing?: AlterRequest['timing']} = {}): AlterRequest => ({
  timing: {kind: 'default'},
  ...fields,
})

/** A managed MANUAL user cluster row (u1 "prod", 100cc × 2) for the pure router. */
export const clusterRowFixture = (overrides: Partial<ClusterRow> = {}): ClusterRow => ({
  id: 'u1',
  ord: 1,
  name: 'prod',
  builtin: false,
  managed: true,
  size: '100cc',
  replication_factor: 2,
  availability_zones: [],
  logging: {...DEFAULT_LOGGING_JSON},
  schedule: {kind: 'manual'},
  auto_scaling_strategy: null,
  reconfiguration: null,
  burst: null,
  features: {},
  owner: 'mz_system',
  version: 1,
  created_at: 0,
  ...overrides,
})

/** A reconfiguration record with default AZs ([]) and logging unless given. */
export function record(
  size: string,
  rf: number,
  deadline: number,
  options: {
    onTimeout?: 'commit' | 'rollback'
    status?: ReconfigurationJson['status']
    availabilityZones?: string[]
    logging?: LoggingJson
  } = {},
): ReconfigurationJson {
  return {
    target: {
      size,
      replication_factor: rf,
      availability_zones: options.availabilityZones ?? [],
      logging: options.logging ?? {...DEFAULT_LOGGING_JSON},
    },
    deadline,
    on_timeout: options.onTimeout ?? 'rollback',
    status: options.status ?? 'in-progress',
  }
}

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
  readonly createdAtMs?: number
}

/** A managed user cluster inserted with plain SQL; returns its id (`u<n>`). */
export async function createCluster(db: Queryable, spec: ClusterSpec): Promise<string> {
  const n = await nextId(db, 'user_cluster_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.clusters
       (id, ord, name, managed, size, replication_factor, availability_zones, logging, schedule, auto_scaling_strategy, reconfiguration, burst, created_at)
     VALUES ($1, $2, $3, true, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, $12)`,
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
      spec.createdAtMs ?? T0 - HOUR,
    ],
  )
  return id
}

/** A managed replica (default logging); returns its id. */
export async function addReplica(
  db: Queryable,
  clusterId: string,
  name: string,
  size: string,
  options: {createdAtMs?: number; availabilityZones?: readonly string[]} = {},
): Promise<string> {
  const n = await nextId(db, 'user_replica_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [id, n, clusterId, name, size, JSON.stringify(options.availabilityZones ?? []), options.createdAtMs ?? T0 - HOUR],
  )
  return id
}

/** An index bound to the cluster, so hydration means something; returns its id. */
export async function addIndex(db: Queryable, clusterId: string, name: string): Promise<string> {
  const n = await nextId(db, 'user_object_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, created_at) VALUES ($1, $2, $3, $4, 'index', $5)`,
    [id, n, name, clusterId, T0 - HOUR],
  )
  return id
}

/** The orchestrator reports the replica online and every object of its cluster hydrated on it. */
export async function reportReady(db: Queryable, replicaId: string): Promise<void> {
  await db.query(
    `INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) VALUES ($1, true, $2)
     ON CONFLICT (replica_id) DO UPDATE SET online = true, reported_at = $2`,
    [replicaId, T0],
  )
  await db.query(
    `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at)
     SELECT r.id, o.id, true, $2 FROM mzcluster.replicas r JOIN mzcluster.objects o ON o.cluster_id = r.cluster_id
     WHERE r.id = $1
     ON CONFLICT (replica_id, object_id) DO UPDATE SET hydrated = true, reported_at = $2`,
    [replicaId, T0],
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
}

/** A cluster's replicas in creation order. */
export async function replicasOf(db: Queryable, clusterId: string): Promise<ReplicaInfo[]> {
  return db.query<ReplicaInfo>('SELECT id, name, size FROM mzcluster.replicas WHERE cluster_id = $1 ORDER BY ord, id', [clusterId])
}

/** `name size` per replica, in creation order. */
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

/** The id of the latest audit event (0 when there is none). */
export async function auditMark(db: Queryable): Promise<number> {
  const [row] = await db.query<{id: number}>('SELECT COALESCE(max(id), 0)::int AS id FROM mzcluster.audit_events')
  return row?.id ?? 0
}

/** Audit events after `mark` about one cluster, in id order. */
export async function auditSince(db: Queryable, mark: number, clusterId: string): Promise<AuditRow[]> {
  const rows = await db.query<AuditRow>(
    `SELECT id::int AS id, occurred_at, event_type, object_type, details FROM mzcluster.audit_events
     WHERE id > $1 AND details->>'cluster_id' = $2 ORDER BY id`,
    [mark, clusterId],
  )
  return rows.map((row) => ({...row, occurred_at: Number(row.occurred_at)}))
}

/** The reconfiguration lifecycle transitions (events with a target) after `mark`. */
export async function lifecycle(db: Queryable, mark: number, clusterId: string): Promise<string[]> {
  return (await auditSince(db, mark, clusterId))
    .filter((event) => event.details.target_size !== undefined)
    .map((event) => String(event.details.transition))
}

/** Replica ids of the cluster hydrated by the catalog rule (what the controller sees). */
export async function hydratedIds(db: Queryable, clusterId: string): Promise<Set<string>> {
  const hydrated = await hydratedReplicas(db, [clusterId], {kind: 'catalog', simulatedDelayMs: 0, nowMs: 0})
  return hydrated.get(clusterId) ?? new Set()
}

/**
 * Every row of every mzcluster table and the state of every sequence, JSON-serialized: equal dumps
 * mean an unchanged catalog.
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
