// The audit log and the change notification: appending events, always inside the writer's
// transaction so an event exists exactly when the change it describes committed, and reading them
// back with the filters of `mzcluster audit`.

import type {Queryable} from './db.js'

export type AuditObjectType = 'cluster' | 'cluster-replica' | 'object' | 'system-parameter' | 'replica-size'
export type AuditEventType = 'create' | 'drop' | 'alter'

export interface AuditEvent {
  readonly eventType: AuditEventType
  readonly objectType: AuditObjectType
  /** snake_case keys, the seed's vocabulary (transition, forced, deadline, reason, replica_name, …). */
  readonly details: Record<string, unknown>
}

/** Append events in one statement; ids increase with commit order within a transaction. */
export async function appendAudit(tx: Queryable, events: readonly AuditEvent[], occurredAtMs = Date.now()): Promise<void> {
  if (events.length === 0) return
  // Three array parameters whatever the count (thousands of events from one bulk apply), in order.
  await tx.query(
    `INSERT INTO mzcluster.audit_events (occurred_at, event_type, object_type, details)
     SELECT $1::bigint, e.event_type, e.object_type, e.details::jsonb
     FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(event_type, object_type, details, i)
     ORDER BY e.i`,
    [occurredAtMs, events.map((event) => event.eventType), events.map((event) => event.objectType), events.map((event) => JSON.stringify(event.details))],
  )
}

export const CATALOG_CHANNEL = 'mzcluster_catalog'

/**
 * Tell a running controller that durable cluster state or signals changed (delivered on commit).
 * The payload is informational (what changed); listeners reconcile everything anyway.
 */
export async function notifyCatalogChange(tx: Queryable, what: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, what.slice(0, 7000)])
}

/**
 * `audit --kind` values. An event type (`create`, `drop`, `alter`) or an object type (`cluster`,
 * `cluster-replica`, `object`, `system-parameter`, `replica-size`) matches that column;
 * `reconfiguration` and `burst` match the lifecycle events of controller-spec §7.1 and §7.2
 * (alter events carrying `target_size`, respectively `burst_size`, with a `transition`).
 */
export const AUDIT_KINDS = [
  'create',
  'drop',
  'alter',
  'cluster',
  'cluster-replica',
  'object',
  'system-parameter',
  'replica-size',
  'reconfiguration',
  'burst',
] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]

const KIND_SQL: Readonly<Record<AuditKind, string>> = {
  create: "event_type = 'create'",
  drop: "event_type = 'drop'",
  alter: "event_type = 'alter'",
  cluster: "object_type = 'cluster'",
  'cluster-replica': "object_type = 'cluster-replica'",
  object: "object_type = 'object'",
  'system-parameter': "object_type = 'system-parameter'",
  'replica-size': "object_type = 'replica-size'",
  reconfiguration: "(event_type = 'alter' AND details ? 'transition' AND details ? 'target_size')",
  burst: "(event_type = 'alter' AND details ? 'transition' AND details ? 'burst_size')",
}

export interface AuditFilter {
  /** A cluster name or id; matches events of dropped clusters too. */
  readonly cluster?: string
  /** Only events at or after this time (ms). */
  readonly sinceMs?: number
  /** Any of these kinds (OR); empty or absent = all. */
  readonly kinds?: readonly AuditKind[]
  /** Keep the latest N matching events; 0 = all. */
  readonly limit: number
}

/** A stored audit event. */
export interface AuditEventRow {
  id: number
  occurred_at: number
  event_type: string
  object_type: string
  details: Record<string, unknown>
}

/** The WHERE clause (possibly empty) and its parameters for a filter. */
function auditWhere(filter: Omit<AuditFilter, 'limit'>): {where: string; params: unknown[]} {
  const conditions: string[] = []
  const params: unknown[] = []
  if (filter.cluster !== undefined) {
    params.push(filter.cluster)
    conditions.push(`(details->>'cluster_name' = $${params.length} OR details->>'cluster_id' = $${params.length})`)
  }
  if (filter.sinceMs !== undefined) {
    params.push(filter.sinceMs)
    conditions.push(`occurred_at >= $${params.length}`)
  }
  if (filter.kinds !== undefined && filter.kinds.length > 0) {
    conditions.push(`(${filter.kinds.map((kind) => KIND_SQL[kind]).join(' OR ')})`)
  }
  return {where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params}
}

/** The latest `limit` matching events, newest first. */
export async function selectAuditEvents(q: Queryable, filter: AuditFilter): Promise<AuditEventRow[]> {
  const {where, params} = auditWhere(filter)
  let limitSql = ''
  if (filter.limit > 0) {
    params.push(filter.limit)
    limitSql = ` LIMIT $${params.length}`
  }
  const rows = await q.query<AuditEventRow>(
    `SELECT id, occurred_at, event_type, object_type, details
       FROM mzcluster.audit_events
      ${where}
      ORDER BY id DESC${limitSql}`,
    params,
  )
  return rows.map((row) => ({...row, id: Number(row.id), occurred_at: Number(row.occurred_at)}))
}

/** How many events match a filter (its limit ignored). */
export async function countAuditEvents(q: Queryable, filter: Omit<AuditFilter, 'limit'>): Promise<number> {
  const {where, params} = auditWhere(filter)
  const [row] = await q.query<{count: string | number}>(
    `SELECT count(*) AS count FROM mzcluster.audit_events ${where}`,
    params,
  )
  return Number(row?.count ?? 0)
}
