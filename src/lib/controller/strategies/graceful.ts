// Graceful reconfiguration: while an in-progress record exists, overlap the target replica set
// with the realized one, cut over once rf-many target replicas are hydrated, and settle the record
// (finalized / timed-out) at the deadline. Terminal records are inert history.

import type {
  ClusterState,
  LiveSignals,
  ReconfigurationRecord,
  ReplicaShape,
  StateWrite,
  TimestampMs,
} from '../context.js'
import {NO_SIGNALS} from '../context.js'
import {hydratedReplicasMatching} from '../shape.js'
import type {Strategy} from '../strategy.js'

export function inProgressReconfiguration(state: ClusterState): ReconfigurationRecord | null {
  return state.reconfiguration?.status === 'in-progress' ? state.reconfiguration : null
}

export function targetShape(record: ReconfigurationRecord): ReplicaShape {
  const {size, availabilityZones, logging} = record.target
  return {size, availabilityZones, logging}
}

/** rf-many hydrated target replicas suffice; a target rf of 0 is vacuously hydrated. */
export function targetHydrated(
  state: ClusterState,
  record: ReconfigurationRecord,
  signals: LiveSignals,
): boolean {
  const hydrated = hydratedReplicasMatching(state, targetShape(record), signals.hydratedReplicas)
  return hydrated >= record.target.replicationFactor
}

/** `>=`: a zero timeout acts on the very first tick, before any overlap replica is desired. */
export function deadlineReached(record: ReconfigurationRecord, nowMs: TimestampMs): boolean {
  return nowMs >= record.deadlineMs
}

function cutOver(record: ReconfigurationRecord, forced: boolean): StateWrite {
  const {target} = record
  return {
    newSize: target.size,
    newReplicationFactor: target.replicationFactor,
    newAvailabilityZones: target.availabilityZones,
    newLogging: target.logging,
    reconfiguration: {record: {...record, status: 'finalized'}, audit: {transition: 'finalized', forced}},
  }
}

export const gracefulReconfiguration: Strategy = {
  name: 'graceful-reconfiguration',
  signalRequest(state) {
    return {...NO_SIGNALS, hydration: inProgressReconfiguration(state) !== null}
  },
  updateState(state, signals, _config, nowMs) {
    const record = inProgressReconfiguration(state)
    if (record === null) return {}
    const hydrated = targetHydrated(state, record, signals)
    const expired = deadlineReached(record, nowMs)
    // Success beats the deadline: a hydrated target cuts over even under ROLLBACK.
    if (hydrated || (expired && record.onTimeout === 'commit')) return cutOver(record, !hydrated)
    if (expired) {
      return {reconfiguration: {record: {...record, status: 'timed-out'}, audit: {transition: 'timed-out'}}}
    }
    return {}
  },
  desiredReplicas(state, signals, _config, nowMs) {
    const record = inProgressReconfiguration(state)
    if (record === null) return []
    // Checked here too: the deadline may cross between phase 1's and phase 2's `now`.
    const rollingBack =
      record.onTimeout === 'rollback' &&
      deadlineReached(record, nowMs) &&
      !targetHydrated(state, record, signals)
    if (rollingBack) return []
    const shape = targetShape(record)
    return Array.from({length: record.target.replicationFactor}, () => ({
      shape,
      reason: {kind: 'graceful-reconfiguration'},
    }))
  },
}
