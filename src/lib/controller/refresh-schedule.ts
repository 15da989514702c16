// Refresh-schedule rounding and the ON REFRESH window decision. Timestamps are u64 milliseconds
// upstream, so the arithmetic runs on saturating `bigint`s; number arguments are converted at the
// boundary (pass `bigint`s to reach values beyond 2^53 exactly).

import type {
  DurationMs,
  ObjectId,
  RefreshDecision,
  RefreshSchedule,
  RefreshWindowInputs,
  TimestampMs,
} from './context.js'

export const U64_MAX = 18_446_744_073_709_551_615n

function toU64(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value < 0n ? 0n : value > U64_MAX ? U64_MAX : value
  if (Number.isNaN(value) || value <= 0) return 0n
  return value >= 2 ** 64 ? U64_MAX : BigInt(Math.floor(value))
}

const saturatingAdd = (a: bigint, b: bigint): bigint => (a + b > U64_MAX ? U64_MAX : a + b)
const saturatingSub = (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n)

/** `x` (> 0) rounded up to a multiple of `interval`, saturating. */
const roundUpToMultiple = (interval: bigint, x: bigint): bigint => {
  const rounded = ((x - 1n) / interval + 1n) * interval
  return rounded > U64_MAX ? U64_MAX : rounded
}
const roundDownToMultiple = (interval: bigint, x: bigint): bigint => (x / interval) * interval

interface Every {
  readonly interval: bigint
  readonly alignedTo: bigint
}

// A zero interval is refused at planning; such an entry yields no refresh times here.
function everiesOf(schedule: RefreshSchedule): Every[] {
  return schedule.everies
    .map((every) => ({interval: toU64(every.intervalMs), alignedTo: toU64(every.alignedToMs)}))
    .filter((every) => every.interval > 0n)
}

function everyRoundUp({interval, alignedTo}: Every, t: bigint): bigint {
  if (t > alignedTo) return saturatingAdd(alignedTo, roundUpToMultiple(interval, t - alignedTo))
  return alignedTo - roundDownToMultiple(interval, alignedTo - t)
}

function everyRoundDownM1({interval, alignedTo}: Every, f: bigint): bigint {
  const x = saturatingSub(f, 1n)
  if (x >= alignedTo) return alignedTo + roundDownToMultiple(interval, x - alignedTo)
  return saturatingSub(alignedTo, roundUpToMultiple(interval, alignedTo - x))
}

const maxOf = (values: bigint[]): bigint | null =>
  values.length === 0 ? null : values.reduce((a, b) => (b > a ? b : a))
const minOf = (values: bigint[]): bigint | null =>
  values.length === 0 ? null : values.reduce((a, b) => (b < a ? b : a))

function roundDownM1Exact(schedule: RefreshSchedule, f: bigint): bigint | null {
  const fromEveries = everiesOf(schedule).map((every) => everyRoundDownM1(every, f))
  const fromAts = schedule.ats.map(toU64).filter((at) => at < f)
  return maxOf([...fromEveries, ...fromAts])
}

function roundUpExact(schedule: RefreshSchedule, t: bigint): bigint | null {
  const fromEveries = everiesOf(schedule).map((every) => everyRoundUp(every, t))
  const fromAts = schedule.ats.map(toU64).filter((at) => at >= t)
  return minOf([...fromEveries, ...fromAts])
}

/** The latest refresh strictly before `f` (i.e. `f - 1` rounded down), or null if there is none. */
export function roundDownM1(schedule: RefreshSchedule, f: bigint): bigint | null
export function roundDownM1(schedule: RefreshSchedule, f: TimestampMs): TimestampMs | null
export function roundDownM1(schedule: RefreshSchedule, f: number | bigint): number | bigint | null {
  const result = roundDownM1Exact(schedule, toU64(f))
  return result === null || typeof f === 'bigint' ? result : Number(result)
}

/** The earliest refresh at or after `t`, or null if there is none. */
export function roundUp(schedule: RefreshSchedule, t: bigint): bigint | null
export function roundUp(schedule: RefreshSchedule, t: TimestampMs): TimestampMs | null
export function roundUp(schedule: RefreshSchedule, t: number | bigint): number | bigint | null {
  const result = roundUpExact(schedule, toU64(t))
  return result === null || typeof t === 'bigint' ? result : Number(result)
}

/** The final refresh of a schedule: the latest AT, and none as soon as it refreshes periodically. */
export function lastRefresh(schedule: RefreshSchedule): TimestampMs | null {
  if (schedule.everies.length > 0 || schedule.ats.length === 0) return null
  return Math.max(...schedule.ats)
}

/**
 * Which refresh MVs keep a scheduled cluster on. Re-derived every tick from the current inputs;
 * the window is open iff either list is non-empty (see `refreshWindowOpen`).
 */
export function refreshWindowDecision(
  inputs: RefreshWindowInputs,
  hydrationTimeEstimateMs: DurationMs,
): RefreshDecision {
  const readTs = toU64(inputs.readTs)
  const adjusted = saturatingAdd(readTs, toU64(hydrationTimeEstimateMs))
  const compaction = toU64(inputs.compactionEstimateMs)
  const objectsNeedingRefresh: ObjectId[] = []
  const objectsNeedingCompaction: ObjectId[] = []
  for (const mv of inputs.refreshMvs) {
    // A sealed (empty) frontier never needs a refresh.
    const frontier = mv.writeFrontier === null ? null : toU64(mv.writeFrontier)
    if (frontier !== null && frontier < adjusted) objectsNeedingRefresh.push(mv.id)
    const previous =
      frontier === null
        ? nullableU64(lastRefresh(mv.refreshSchedule))
        : roundDownM1Exact(mv.refreshSchedule, frontier)
    // An overflowing `previous + compaction` counts as still compacting.
    if (previous !== null && previous + compaction > readTs) objectsNeedingCompaction.push(mv.id)
  }
  return {objectsNeedingRefresh, objectsNeedingCompaction, hydrationTimeEstimateMs}
}

const nullableU64 = (value: number | null): bigint | null => (value === null ? null : toU64(value))

export function refreshWindowOpen(decision: RefreshDecision): boolean {
  return decision.objectsNeedingRefresh.length > 0 || decision.objectsNeedingCompaction.length > 0
}
