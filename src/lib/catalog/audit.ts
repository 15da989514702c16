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
  const params: unknown[] = []
  const values = events.map((event, i) => {
    params.push(occurredAtMs, event.eventType, event.objectType, JSON.stringify(event.details))
    return `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4}::jsonb)`
  })
  await tx.query(`INSERT INTO mzcluster.audit_events (occurred_at, event_type, object_type, details) VALUES ${values.join(', ')}`, params)
}

export const CATALOG_CHANNEL = 'mzcluster_catalog'

/**
 * Tell a running controller that durable cluster state or signals changed (delivered on commit).
 * The payload is informational (what changed); listeners reconcile everything anyway.
 */
export async function notifyCatalogChange(tx: Queryable, what: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, what.slice(0, 7000)])
}
