// Reading the audit log (`mzcluster audit`): filters by cluster, time and kind, newest last,
// keeping the latest N; plus a compact one-line summary of an event's details for tables.

import type {AuditKind} from '../catalog/audit.js'
import {countAuditEvents, selectAuditEvents} from '../catalog/audit.js'
import type {Queryable} from '../catalog/db.js'
import {UsageError} from '../errors.js'
import {formatTimestamp} from '../output/time.js'

export {AUDIT_KINDS, type AuditKind} from '../catalog/audit.js'

export const DEFAULT_AUDIT_LIMIT = 100

export interface AuditQuery {
  /** A cluster name or id; matches events of dropped clusters too. */
  readonly cluster?: string
  /** Only events at or after this time (ms). */
  readonly sinceMs?: number
  /** Any of these kinds (OR); empty or absent = all. */
  readonly kinds?: readonly AuditKind[]
  /** Keep the latest N matching events; 0 = all. */
  readonly limit?: number
}

/** The `audit --json` element. */
export interface AuditEntry {
  id: number
  occurred_at: number
  event_type: string
  object_type: string
  details: Record<string, unknown>
}

/** Matching events in id (commit) order, newest last. */
export async function readAuditLog(q: Queryable, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const limit = query.limit ?? DEFAULT_AUDIT_LIMIT
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new UsageError(`invalid limit ${limit}`, {code: 'INVALID_LIMIT'})
  return (await selectAuditEvents(q, {...query, limit})).reverse()
}

/** How many events match a query's filters (its limit ignored). */
export async function countAuditLog(q: Queryable, query: AuditQuery = {}): Promise<number> {
  return countAuditEvents(q, query)
}

/** Parse `--limit`: a whole number ≥ 0 (0 = no limit). */
export function parseAuditLimit(text: string): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text.trim()))) {
    throw new UsageError(`invalid limit ${JSON.stringify(text)}: expected a whole number (0 for no limit)`, {
      code: 'INVALID_LIMIT',
    })
  }
  return Number(text.trim())
}

const SUBJECT_KEYS = new Set([
  'cluster_id',
  'cluster_name',
  'replica_id',
  'replica_name',
  'object_id',
  'object_name',
])

/** Keys shown first, in this order (jsonb does not keep the writer's order); the rest follow by name. */
const LEADING_KEYS = [
  'transition',
  'forced',
  'finish_cause',
  'reason',
  'logical_size',
  'burst_size',
  'managed',
  'size',
  'replication_factor',
  'target_size',
  'target_replication_factor',
  'target_availability_zones',
  'deadline',
  'type',
]

const keyRank = (key: string): number => {
  const index = LEADING_KEYS.indexOf(key)
  return index === -1 ? LEADING_KEYS.length : index
}

const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)

/**
 * One line for a table: the subject (`prod.r1`, `prod`, `my_index on prod`), then the remaining
 * non-empty details as `key=value`, the lifecycle keys first; timestamps as RFC 3339.
 */
export function summarizeAuditDetails(details: Record<string, unknown>): string {
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : undefined)
  const cluster = text('cluster_name')
  const replica = text('replica_name')
  const object = text('object_name')
  const subject =
    cluster !== undefined && replica !== undefined
      ? `${cluster}.${replica}`
      : [object, cluster].filter((part) => part !== undefined).join(' on ')
  const parts = Object.entries(details)
    .filter(([key, value]) => !SUBJECT_KEYS.has(key) && !isEmpty(value))
    .sort(([a], [b]) => keyRank(a) - keyRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${formatDetail(key, value)}`)
  return [subject, ...parts].filter((part) => part !== '').join(' ')
}

function formatDetail(key: string, value: unknown): string {
  if (typeof value === 'number' && (key === 'deadline' || key.endsWith('_at')) && value > 1e11) {
    return formatTimestamp(value)
  }
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value
  return JSON.stringify(value)
}
