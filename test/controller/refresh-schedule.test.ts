// Refresh-schedule rounding (B12, upstream test_round_up_down_timestamp) with exact u64 values via
// bigint, the number boundary, `lastRefresh`, and saturation in the window decision.

import {describe, expect, it} from 'vitest'

import type {RefreshSchedule} from '../../src/lib/controller/context.js'
import {objectId} from '../../src/lib/controller/context.js'
import {
  lastRefresh,
  refreshWindowDecision,
  refreshWindowOpen,
  roundDownM1,
  roundUp,
  U64_MAX,
} from '../../src/lib/controller/refresh-schedule.js'
import {windowInputs} from './fake-ctx.js'

type Row = [roundDown: bigint | null, roundUp: bigint | null, input: bigint]

function check(schedule: RefreshSchedule, rows: Row[]) {
  for (const [down, up, input] of rows) {
    expect([roundDownM1(schedule, input), roundUp(schedule, input)], `input ${input}`).toEqual([down, up])
  }
}

const every100 = (alignedToMs: number) => ({intervalMs: 100, alignedToMs})

describe('B12 refresh schedule rounding', () => {
  it('B12 test_round_up_down_timestamp: ATs {123, 456}', () => {
    check({everies: [], ats: [123, 456]}, [
      [null, 123n, 0n],
      [null, 123n, 122n],
      [null, 123n, 123n],
      [123n, 456n, 124n],
      [123n, 456n, 455n],
      [123n, 456n, 456n],
      [456n, null, 457n],
      [456n, null, U64_MAX],
    ])
  })

  it('B12 test_round_up_down_timestamp: EVERY 100ms aligned 500', () => {
    check({everies: [every100(500)], ats: []}, [
      [0n, 0n, 0n],
      [0n, 100n, 1n],
      [0n, 100n, 100n],
      [100n, 200n, 101n],
      [300n, 400n, 400n],
      [400n, 500n, 401n],
      [400n, 500n, 500n],
      [500n, 600n, 501n],
      [5434532500n, 5434532600n, 5434532599n],
      [18446744073709551600n, U64_MAX, U64_MAX - 1n],
    ])
  })

  it('B12 test_round_up_down_timestamp: EVERY 100ms aligned 542', () => {
    check({everies: [every100(542)], ats: []}, [
      [0n, 42n, 0n],
      [0n, 42n, 42n],
      [42n, 142n, 43n],
      [342n, 442n, 441n],
      [442n, 542n, 443n],
      [442n, 542n, 542n],
      [542n, 642n, 543n],
    ])
  })

  it('B12 test_round_up_down_timestamp: two EVERYs and ATs', () => {
    const schedule = {everies: [every100(400), every100(542)], ats: [2, 300, 400, 471, 541, 123456]}
    check(schedule, [
      [0n, 0n, 0n],
      [0n, 2n, 1n],
      [2n, 42n, 3n],
      [42n, 100n, 43n],
      [100n, 142n, 101n],
      [142n, 200n, 143n],
      [242n, 300n, 243n],
      [300n, 342n, 301n],
      [342n, 400n, 343n],
      [400n, 442n, 401n],
      [442n, 471n, 443n],
      [471n, 500n, 472n],
      [500n, 541n, 501n],
      [541n, 542n, 542n],
      [542n, 600n, 543n],
      [65442n, 65500n, 65454n],
      [87800n, 87842n, 87831n],
      [123400n, 123442n, 123442n],
      [123442n, 123456n, 123443n],
      [123456n, 123500n, 123457n],
    ])
  })

  it('number arguments give number results', () => {
    const schedule = {everies: [every100(500)], ats: []}
    expect(roundDownM1(schedule, 401)).toBe(400)
    expect(roundUp(schedule, 401)).toBe(500)
    expect(roundUp({everies: [], ats: [123]}, 124)).toBeNull()
  })

  it('lastRefresh is the latest AT, and none once the schedule refreshes periodically', () => {
    expect(lastRefresh({everies: [], ats: [200, 50]})).toBe(200)
    expect(lastRefresh({everies: [], ats: []})).toBeNull()
    expect(lastRefresh({everies: [every100(0)], ats: [200]})).toBeNull()
  })
})

describe('refresh window decision', () => {
  it('saturates the hydration-adjusted read timestamp', () => {
    const decision = refreshWindowDecision(
      windowInputs(Number.MAX_SAFE_INTEGER, 0, 2 ** 63, [2 ** 64]),
      2 ** 64,
    )
    expect(decision.objectsNeedingRefresh).toEqual([objectId('u1')])
  })

  it('an overflowing compaction window counts as needing compaction', () => {
    const decision = refreshWindowDecision(windowInputs(1000, 2 ** 64, 500, [200]), 0)
    expect(decision.objectsNeedingCompaction).toEqual([objectId('u1')])
    expect(refreshWindowOpen(decision)).toBe(true)
  })

  it('no REFRESH MVs bound: the window is closed', () => {
    const decision = refreshWindowDecision({readTs: 100, compactionEstimateMs: 0, refreshMvs: []}, 0)
    expect(refreshWindowOpen(decision)).toBe(false)
  })
})
