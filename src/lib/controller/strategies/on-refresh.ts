// ON REFRESH: a scheduled cluster runs one replica of its realized shape exactly while a refresh
// window is open, and keeps its stored replication factor at 0 (the replica set is the schedule's).

import {NO_SIGNALS} from '../context.js'
import {refreshWindowDecision, refreshWindowOpen} from '../refresh-schedule.js'
import {realizedShape} from '../shape.js'
import type {Strategy} from '../strategy.js'
import {inProgressReconfiguration} from './graceful.js'

export const onRefresh: Strategy = {
  name: 'on-refresh',
  signalRequest(state) {
    return {...NO_SIGNALS, refreshWindow: state.schedule.kind !== 'manual'}
  },
  updateState(state) {
    // An in-progress record owns rf until it settles; the next tick normalises after the cut-over.
    const normalize =
      state.schedule.kind !== 'manual' &&
      state.replicationFactor !== 0 &&
      inProgressReconfiguration(state) === null
    return normalize ? {newReplicationFactor: 0} : {}
  },
  desiredReplicas(state, signals) {
    const inputs = signals.refreshWindow
    if (state.schedule.kind === 'manual' || inputs === undefined || inputs === null) return []
    const decision = refreshWindowDecision(inputs, state.schedule.hydrationTimeEstimateMs)
    if (!refreshWindowOpen(decision)) return []
    return [{shape: realizedShape(state), reason: {kind: 'on-refresh', decision}}]
  },
}
