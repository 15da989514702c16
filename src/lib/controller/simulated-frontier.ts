// Simulated refresh frontiers (product.md §4, `signal_source = simulated`): a refresh materialized
// view's write frontier advances past each refresh while its cluster has a hydrated replica. Pure;
// the controller's catalog context applies it to what it reads, and `tick` persists the result. It
// sits with the kernel's refresh schedule (which it uses) so the catalog can import it: signals/
// holds the report commands, which import the catalog.

import type {RefreshSchedule, TimestampMs} from './context.js'
import {roundUp} from './refresh-schedule.js'

/**
 * The frontier after simulation at `nowMs`: when the cluster has a hydrated replica and the frontier
 * is not sealed and not past now, every refresh up to now completed and it moves to the next
 * refresh (null, sealed, when none is left). `undefined` when it does not move.
 */
export function advanceSimulatedFrontier(
  schedule: RefreshSchedule,
  writeFrontier: TimestampMs | null,
  nowMs: TimestampMs,
  clusterHydrated: boolean,
): TimestampMs | null | undefined {
  if (!clusterHydrated || writeFrontier === null || writeFrontier > nowMs) return undefined
  return roundUp(schedule, nowMs + 1)
}
