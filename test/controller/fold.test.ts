// Reshape fold scenarios B2–B6: mentioned dimensions take the new value, the rest keep the
// in-flight target's, logging folding per sub-dimension.

import {describe, expect, it} from 'vitest'

import type {ReconfigurationTarget} from '../../src/lib/controller/context.js'
import type {MentionedDimensions} from '../../src/lib/alter/fold.js'
import {foldReconfigurationTarget} from '../../src/lib/alter/fold.js'

/** target(size, rf, azs, log_logging) with interval 1s. */
const target = (
  size: string,
  replicationFactor: number,
  availabilityZones: string[],
  logLogging: boolean,
  intervalMs = 1000,
): ReconfigurationTarget => ({size, replicationFactor, availabilityZones, logging: {logLogging, intervalMs}})

const NONE: MentionedDimensions = {
  size: false,
  replicationFactor: false,
  availabilityZones: false,
  logLogging: false,
  intervalMs: false,
}
const ALL: MentionedDimensions = {
  size: true,
  replicationFactor: true,
  availabilityZones: true,
  logLogging: true,
  intervalMs: true,
}

describe('B fold', () => {
  it('B2 fold_with_no_record_takes_new_target', () => {
    const next = target('200cc', 3, ['az1'], true)
    expect(foldReconfigurationTarget(null, next, NONE)).toEqual(next)
  })

  it('B3 fold_rf_only_keeps_in_flight_shape', () => {
    const folded = foldReconfigurationTarget(
      target('200cc', 1, ['az2'], true),
      target('100cc', 5, ['az1'], false),
      {
        ...NONE,
        replicationFactor: true,
      },
    )
    expect(folded).toEqual(target('200cc', 5, ['az2'], true))
  })

  it('B4 fold_with_all_set_overwrites_every_dimension', () => {
    const next = target('400cc', 9, ['az9'], false)
    expect(foldReconfigurationTarget(target('200cc', 1, ['az2'], true), next, ALL)).toEqual(next)
  })

  it('B5 fold_all_unchanged_is_alter_back_to_in_flight', () => {
    const inFlight = target('200cc', 2, ['az2'], true)
    expect(foldReconfigurationTarget(inFlight, target('100cc', 1, ['az1'], false), NONE)).toEqual(inFlight)
  })

  it('B6 fold_logging_subdimensions_fold_independently', () => {
    const folded = foldReconfigurationTarget(
      target('100cc', 1, ['az1'], false, 5000),
      target('100cc', 1, ['az1'], true),
      {
        ...NONE,
        logLogging: true,
      },
    )
    expect(folded.logging).toEqual({logLogging: true, intervalMs: 5000})
  })
})
