// The strategy set, in evaluation order. The order fixes attribution order and the order in
// which shapes are first seen by the union.

import type {Strategy} from '../strategy.js'
import {baseline} from './baseline.js'
import {gracefulReconfiguration} from './graceful.js'
import {hydrationBurst} from './hydration-burst.js'
import {onRefresh} from './on-refresh.js'

export {baseline} from './baseline.js'
export {
  deadlineReached,
  gracefulReconfiguration,
  inProgressReconfiguration,
  targetHydrated,
  targetShape,
} from './graceful.js'
export {activeBurstPolicy, burstRecordWarranted, hydrationBurst, steadyHydrated} from './hydration-burst.js'
export {onRefresh} from './on-refresh.js'

export const DEFAULT_STRATEGIES: readonly Strategy[] = [
  baseline,
  gracefulReconfiguration,
  onRefresh,
  hydrationBurst,
]
