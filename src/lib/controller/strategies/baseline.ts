// Baseline: a MANUAL cluster wants `replicationFactor` replicas of its realized shape. It writes
// nothing, and holds nothing on a scheduled cluster (on-refresh owns that replica set).

import {NO_SIGNALS} from '../context.js'
import {realizedShape} from '../shape.js'
import type {Strategy} from '../strategy.js'

export const baseline: Strategy = {
  name: 'baseline',
  signalRequest: () => NO_SIGNALS,
  updateState: () => ({}),
  desiredReplicas(state) {
    if (state.schedule.kind !== 'manual') return []
    const shape = realizedShape(state)
    return Array.from({length: state.replicationFactor}, () => ({shape, reason: {kind: 'baseline'}}))
  },
}
