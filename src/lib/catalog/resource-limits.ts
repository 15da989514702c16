// The environment-wide resource limits (`max_credit_consumption_rate` over all user replicas,
// `max_replicas_per_cluster` per cluster) and the one lock that serializes every check of them with
// the write it guards. A check reads a sum and then writes; two checks that both read before either
// commits would each see room for one more replica and together exceed the limit. So every writer
// that checks a limit takes the lock first, in the transaction that then writes: the lock row
// below, held until commit. Under READ COMMITTED each later statement of that transaction reads a
// fresh snapshot, which includes every write committed by the previous holder.
//
// Lock order: a writer locks its cluster rows first and the limit lock last (the controller's apply
// and `cluster alter` both do), so the two never deadlock.

import type {Queryable} from './db.js'
import {SystemParameters} from './parameters.js'

/** The `mzcluster.meta` key whose row is the lock (created by the first writer that takes it). */
export const RESOURCE_LIMITS_LOCK_KEY = 'resource_limits_lock'

/**
 * Fault injection for the concurrency suite: with MZCLUSTER_FAULT_SKIP_LIMIT_LOCK=1 the lock is not
 * taken, so a test can show that its invariant catches the race the lock prevents.
 */
const skipLock = () => process.env.MZCLUSTER_FAULT_SKIP_LIMIT_LOCK === '1'

/**
 * Take the resource-limit lock until the end of the transaction: an upsert of one row, which
 * waits for any other holder to commit or roll back (a plain row lock, so it is also what
 * PostgreSQL-compatible distributed engines run).
 */
export async function lockResourceLimits(tx: Queryable): Promise<void> {
  if (skipLock()) return
  await tx.query(
    `INSERT INTO mzcluster.meta (key, value) VALUES ($1, '') ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [RESOURCE_LIMITS_LOCK_KEY],
  )
}

export interface ResourceUsage {
  /** `max_credit_consumption_rate` in force. */
  readonly maxCredits: number
  /** `max_replicas_per_cluster` in force. */
  readonly maxReplicas: number
  /** Credits per hour of every user replica (except the excluded cluster's), as committed. */
  readonly credits: number
  /** Credits per hour of one replica of a size (0 for an unknown size or none). */
  creditsPerHour(size: string | null | undefined): number
}

/**
 * Take the lock, then read the limits in force and the environment's credit usage. Everything this
 * returns stays true until the transaction ends, apart from the caller's own writes.
 */
export async function lockedResourceUsage(tx: Queryable, options: {excludeClusterId?: string} = {}): Promise<ResourceUsage> {
  await lockResourceLimits(tx)
  const parameters = await SystemParameters.read(tx)
  const [row] = await tx.query<{credits: string; sizes: Record<string, number> | null}>(
    `SELECT (SELECT COALESCE(sum(s.credits_per_hour), 0)::text FROM mzcluster.replicas r
             JOIN mzcluster.clusters c ON c.id = r.cluster_id AND NOT c.builtin
             JOIN mzcluster.replica_sizes s ON s.name = r.size
             WHERE $1::text IS NULL OR r.cluster_id <> $1::text) AS credits,
            (SELECT json_object_agg(name, credits_per_hour) FROM mzcluster.replica_sizes) AS sizes`,
    [options.excludeClusterId ?? null],
  )
  const bySize = new Map(Object.entries(row?.sizes ?? {}).map(([name, credits]) => [name, Number(credits)]))
  return {
    maxCredits: parameters.number('max_credit_consumption_rate'),
    maxReplicas: parameters.number('max_replicas_per_cluster'),
    credits: Number(row?.credits ?? 0),
    creditsPerHour: (size) => (size ? (bySize.get(size) ?? 0) : 0),
  }
}
