// Appending audit events and the change notification, always inside the writer's transaction so
// an event exists exactly when the change it describes committed.

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
