// The strategy contract: a plain object of pure functions evaluated per cluster and tick. Phase 1
// asks `updateState`, phase 2 asks `desiredReplicas`; `signalRequest` says what to fetch first.

import type {
  ClusterState,
  ConfigSignals,
  DesiredReplica,
  LiveSignals,
  SignalRequest,
  StateWrite,
  TimestampMs,
} from './context.js'
import {NO_SIGNALS} from './context.js'

export interface Strategy {
  readonly name: string
  signalRequest(state: ClusterState, config: ConfigSignals): SignalRequest
  updateState(
    state: ClusterState,
    signals: LiveSignals,
    config: ConfigSignals,
    nowMs: TimestampMs,
  ): StateWrite
  desiredReplicas(
    state: ClusterState,
    signals: LiveSignals,
    config: ConfigSignals,
    nowMs: TimestampMs,
  ): DesiredReplica[]
}

/** The OR of every strategy's request for one cluster. */
export function combinedSignalRequest(
  strategies: readonly Strategy[],
  state: ClusterState,
  config: ConfigSignals,
): SignalRequest {
  return strategies.reduce<SignalRequest>((acc, strategy) => {
    const request = strategy.signalRequest(state, config)
    return {
      hydration: acc.hydration || request.hydration,
      hydratableObjects: acc.hydratableObjects || request.hydratableObjects,
      refreshWindow: acc.refreshWindow || request.refreshWindow,
    }
  }, NO_SIGNALS)
}

export function requestsAnything(request: SignalRequest): boolean {
  return request.hydration || request.hydratableObjects || request.refreshWindow
}
