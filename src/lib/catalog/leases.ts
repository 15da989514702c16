// The `mzcluster run` lease as other commands see it: who, if anyone, is running the controller
// right now. Judged by the database clock, like the lease itself.

import type {Queryable} from './db.js'

/** The lease `mzcluster run` takes to lead. */
export const CONTROLLER_LEASE = 'cluster-controller'

/** The holder of the unexpired lease, or null when no controller holds it. */
export async function liveLeaseHolder(q: Queryable, name = CONTROLLER_LEASE): Promise<string | null> {
  const [row] = await q.query<{holder: string}>(
    `SELECT holder FROM mzcluster.controller_leases
     WHERE name = $1 AND expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint`,
    [name],
  )
  return row?.holder ?? null
}
