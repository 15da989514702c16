// Durations typed by users (flags such as --timeout, --linger, --interval): the strict Go/kubectl
// grammar, one or more `<number><unit>` terms with units ms, s, m, h, d (`30s`, `1h30m`, `1.5h`,
// `500ms`), plus a bare `0`. Anything else, `10`, `-5s` and `10 minutes` included, is refused.

import {UsageError} from '../errors.js'

const UNIT_MS: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}

// `ms` before `m`, so 500ms is not read as 500m followed by garbage.
const TERM = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y

/** Parses a duration to whole milliseconds (fractions of a millisecond are rounded). */
export function parseDuration(text: string): number {
  if (text === '0') return 0
  let total = 0
  let position = 0
  TERM.lastIndex = 0
  while (position < text.length) {
    TERM.lastIndex = position
    const match = TERM.exec(text)
    if (match === null) throw invalidDuration(text)
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN)
    position = TERM.lastIndex
  }
  const ms = Math.round(total)
  if (position === 0) throw invalidDuration(text)
  if (!Number.isSafeInteger(ms)) throw tooLong(text)
  return ms
}

/** The longest duration accepted, in whole days (about 285,000 years: any deadline is clamped). */
export const MAX_DURATION_DAYS = Math.floor(Number.MAX_SAFE_INTEGER / (UNIT_MS.d as number))

function tooLong(text: string): UsageError {
  return new UsageError(
    `invalid duration ${JSON.stringify(text)}: too large, the maximum is ${MAX_DURATION_DAYS}d`,
    {
      code: 'INVALID_DURATION',
    },
  )
}

function invalidDuration(text: string): UsageError {
  return new UsageError(
    `invalid duration ${JSON.stringify(text)}: use a number with a unit, like 30s, 10m, 1h30m or 500ms`,
    {code: 'INVALID_DURATION'},
  )
}
