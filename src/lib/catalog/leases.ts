// Named leases (`controller_leases`): one holder at a time, renewed by its holder and expiring on
// the database clock, so the processes that share a catalog agree on who does a job — and other
// commands can see who, if anyone, is running the controller right now.

import type {Queryable} from './db.js'

/** The lease `mzcluster run` takes to lead. */
export const CONTROLLER_LEASE = 'cluster-controller'

/** Take or renew the lease `name` for `holder` for `ttlMs`; returns the current holder ('' if none). */
export async function acquireLease(q: Queryable, name: string, holder: string, ttlMs: number): Promise<string> {
  const rows = await q.query<{holder: string}>(
    `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
     INSERT INTO mzcluster.controller_leases (name, holder, expires_at, renewed_at)
     SELECT $1, $2, ms + $3, ms FROM now
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, renewed_at = EXCLUDED.renewed_at
       WHERE mzcluster.controller_leases.holder = EXCLUDED.holder OR mzcluster.controller_leases.expires_at < EXCLUDED.renewed_at
     RETURNING holder`,
    [name, holder, Math.round(ttlMs)],
  )
  if (rows[0]) return rows[0].holder
  const [current] = await q.query<{holder: string}>('SELECT holder FROM mzcluster.controller_leases WHERE name = $1', [name])
  return current?.holder ?? ''
}

/** Give the lease up (only if `holder` still holds it), so another process can take it at once. */
export async function releaseLease(q: Queryable, name: string, holder: string): Promise<void> {
  await q.query('DELETE FROM mzcluster.controller_leases WHERE name = $1 AND holder = $2', [name, holder])
}

/** The holder of the unexpired lease, or null when no controller holds it. */
export async function liveLeaseHolder(q: Queryable, name = CONTROLLER_LEASE): Promise<string | null> {
  const [row] = await q.query<{holder: string}>(
    `SELECT holder FROM mzcluster.controller_leases
     WHERE name = $1 AND expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint`,
    [name],
  )
  return row?.holder ?? null
}
