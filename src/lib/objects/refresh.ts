// Refresh schedules of materialized views (`REFRESH EVERY <interval> ALIGNED TO <ts>`, `REFRESH AT
// <ts>`): parsed once from the command-line options, stored as JSON, summarised for people, and
// converted to the controller's value type.

import type {RefreshSchedule} from '../controller/context.js'
import {MzclusterError, UsageError} from '../errors.js'
import {parseDuration} from '../input/duration.js'
import {parseNow} from '../input/time.js'
import {formatDuration, formatTimestamp} from '../output/time.js'
import type {ObjectType, RefreshScheduleJson} from './types.js'

export interface RefreshOptions {
  /** `--refresh-every`: a duration such as `1h`. */
  readonly every?: string
  /** `--aligned-to`: a time (ISO-8601, epoch ms, `+1h`); default the creation time, as in Materialize. */
  readonly alignedTo?: string
  /** `--refresh-at`, repeatable. */
  readonly ats?: readonly string[]
}

/** The schedule the options describe, or null (refresh on commit); `nowMs` is the creation time. */
export function parseRefreshSchedule(
  type: ObjectType,
  options: RefreshOptions,
  nowMs: number,
): RefreshScheduleJson | null {
  const ats = options.ats ?? []
  const given = options.every !== undefined || options.alignedTo !== undefined || ats.length > 0
  if (!given) return null
  if (type !== 'materialized-view') {
    throw new UsageError(`refresh options apply to materialized views only, not to --type ${type}`, {
      code: 'INVALID_REFRESH',
      hint: 'drop --refresh-every/--aligned-to/--refresh-at, or use --type materialized-view',
    })
  }
  if (options.alignedTo !== undefined && options.every === undefined) {
    throw new UsageError('--aligned-to requires --refresh-every', {
      code: 'INVALID_REFRESH',
      hint: 'e.g. --refresh-every 1d --aligned-to 2026-01-01T03:00:00Z',
    })
  }
  const everies: RefreshScheduleJson['everies'] = []
  if (options.every !== undefined) {
    const intervalMs = withFlag('--refresh-every', () => parseDuration(options.every as string))
    if (intervalMs <= 0)
      throw new UsageError('--refresh-every must be longer than 0', {code: 'INVALID_REFRESH'})
    const alignedTo =
      options.alignedTo === undefined
        ? nowMs
        : withFlag('--aligned-to', () => parseNow(options.alignedTo as string, nowMs))
    everies.push({interval_ms: intervalMs, aligned_to: alignedTo})
  }
  const times = ats.map((at) => withFlag('--refresh-at', () => parseNow(at, nowMs)))
  return {everies, ats: [...new Set(times)].sort((a, b) => a - b)}
}

/** Name the flag in a parse error: `--refresh-every: invalid duration "10 minutes": …`. */
function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof MzclusterError)
      throw new UsageError(`${flag}: ${error.message}`, {code: error.code, hint: error.hint})
    throw error
  }
}

/** `every 1h aligned to 2026-01-01T00:00:00.000Z; at 2026-01-02T00:00:00.000Z`; `on commit` without a schedule. */
export function describeRefresh(type: ObjectType, schedule: RefreshScheduleJson | null): string {
  if (type !== 'materialized-view') return ''
  if (schedule === null) return 'on commit'
  const parts = schedule.everies.map(
    (every) => `every ${formatDuration(every.interval_ms)} aligned to ${formatTimestamp(every.aligned_to)}`,
  )
  if (schedule.ats.length > 0) parts.push(`at ${schedule.ats.map(formatTimestamp).join(', ')}`)
  return parts.join('; ')
}

/** The stored JSON as the controller's `RefreshSchedule`. */
export function refreshScheduleFromJson(json: RefreshScheduleJson): RefreshSchedule {
  return {
    everies: json.everies.map((every) => ({
      intervalMs: Number(every.interval_ms),
      alignedToMs: Number(every.aligned_to),
    })),
    ats: json.ats.map(Number),
  }
}
