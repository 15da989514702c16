// Hydration burst: while a MANUAL cluster's steady replicas are un-hydrated, run one extra replica
// at the policy's HYDRATION SIZE, and tear it down once the steady set has stayed hydrated for the
// linger duration (or the burst is no longer warranted).

import type {
  BurstRecord,
  ClusterState,
  ConfigSignals,
  LiveSignals,
  OnHydrationPolicy,
  TimestampMs,
} from '../context.js'
import {hydratedReplicasMatching, realizedShape} from '../shape.js'
import type {Strategy} from '../strategy.js'

/** Shared with the catalog: a burst record stays valid only at the active policy's hydration size. */
export function burstRecordWarranted(
  recordSize: string,
  replicationFactor: number,
  hydrationSize: string | null,
): boolean {
  return replicationFactor !== 0 && hydrationSize !== null && hydrationSize === recordSize
}

export function activeBurstPolicy(state: ClusterState, config: ConfigSignals): OnHydrationPolicy | null {
  const onHydration = state.autoScalingPolicy?.onHydration ?? null
  return config.burstEnabled && state.replicationFactor > 0 ? onHydration : null
}

/** Some owned realized-shape replica is hydrated (no steady replica at all reads as un-hydrated). */
export function steadyHydrated(state: ClusterState, signals: LiveSignals): boolean {
  return hydratedReplicasMatching(state, realizedShape(state), signals.hydratedReplicas) > 0
}

const U64_LIMIT = 2 ** 64

/** Strictly after `stamp + linger`; an overflowing sum never elapses. */
function lingerElapsed(record: BurstRecord, stampMs: TimestampMs, nowMs: TimestampMs): boolean {
  const untilMs = stampMs + record.lingerMs
  return untilMs < U64_LIMIT && nowMs > untilMs
}

export const hydrationBurst: Strategy = {
  name: 'hydration-burst',
  signalRequest(state, config) {
    const active = activeBurstPolicy(state, config) !== null
    return {hydration: active, hydratableObjects: active && state.burst === null, refreshWindow: false}
  },
  updateState(state, signals, config, nowMs) {
    const policy = activeBurstPolicy(state, config)
    const record = state.burst
    // Cleanup first, regardless of linger: policy removed or resized, cluster off, break-glass.
    if (
      record !== null &&
      !burstRecordWarranted(record.burstSize, state.replicationFactor, policy?.hydrationSize ?? null)
    ) {
      return {burst: {record: null, audit: {transition: 'finished', cause: 'no-longer-warranted'}}}
    }
    if (policy === null) return {}
    const hydrated = steadyHydrated(state, signals)
    if (record === null) {
      // Zero objects never arm, so a brand-new cluster does not burst at creation.
      if (hydrated || signals.hasHydratableObjects !== true) return {}
      const lingerMs = policy.lingerMs ?? config.defaultBurstLingerMs
      const armed: BurstRecord = {burstSize: policy.hydrationSize, lingerMs, steadyHydratedAtMs: null}
      return {burst: {record: armed, audit: {transition: 'started'}}}
    }
    const stampMs = record.steadyHydratedAtMs
    if (stampMs !== null && hydrated) {
      if (!lingerElapsed(record, stampMs, nowMs)) return {}
      return {burst: {record: null, audit: {transition: 'finished', cause: 'linger-elapsed'}}}
    }
    // Stamp and re-arm are bookkeeping rewrites: no audit event.
    if (stampMs === null && hydrated)
      return {burst: {record: {...record, steadyHydratedAtMs: nowMs}, audit: null}}
    if (stampMs !== null) return {burst: {record: {...record, steadyHydratedAtMs: null}, audit: null}}
    return {}
  },
  desiredReplicas(state) {
    if (state.burst === null) return []
    const shape = {...realizedShape(state), size: state.burst.burstSize}
    return [{shape, reason: {kind: 'hydration-burst'}}]
  },
}
