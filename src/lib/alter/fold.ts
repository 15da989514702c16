// Folding an ALTER onto an in-flight reconfiguration target (§5.3): each dimension the statement
// mentions takes the new value, the rest keep the in-flight target's; logging folds as two
// independent sub-dimensions (INTROSPECTION DEBUGGING and INTROSPECTION INTERVAL).

import type {ReconfigurationTarget} from '../controller/context.js'

export interface MentionedDimensions {
  readonly size: boolean
  readonly replicationFactor: boolean
  readonly availabilityZones: boolean
  readonly logLogging: boolean
  readonly intervalMs: boolean
}

export function foldReconfigurationTarget(
  inFlight: ReconfigurationTarget | null,
  next: ReconfigurationTarget,
  mentioned: MentionedDimensions,
): ReconfigurationTarget {
  if (inFlight === null) return next
  const pick = <T>(isMentioned: boolean, nextValue: T, inFlightValue: T): T =>
    isMentioned ? nextValue : inFlightValue
  return {
    size: pick(mentioned.size, next.size, inFlight.size),
    replicationFactor: pick(mentioned.replicationFactor, next.replicationFactor, inFlight.replicationFactor),
    availabilityZones: pick(mentioned.availabilityZones, next.availabilityZones, inFlight.availabilityZones),
    logging: {
      logLogging: pick(mentioned.logLogging, next.logging.logLogging, inFlight.logging.logLogging),
      intervalMs: pick(mentioned.intervalMs, next.logging.intervalMs, inFlight.logging.intervalMs),
    },
  }
}
