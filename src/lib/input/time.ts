// Points in time typed by users (`--now`, `--since`, `--aligned-to`): an ISO-8601 timestamp with a
// zone, epoch milliseconds, or an offset from now such as `+2h` ("what would the controller do at
// the deadline?"). Zone-less timestamps are refused: they would silently depend on the machine's
// time zone.

import {UsageError} from '../errors.js'
import {parseDuration} from './duration.js'

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/
const ZONELESS = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/

/** The largest time a JavaScript Date can hold; beyond it nothing can be rendered. */
const MAX_MS = 8.64e15

/** Parses a point in time to milliseconds since the Unix epoch; `nowMs` anchors relative offsets. */
export function parseNow(text: string, nowMs: number): number {
  const trimmed = text.trim()
  let ms: number | null = null
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed)
  else if (/^[+-]/.test(trimmed)) ms = parseOffset(trimmed, nowMs)
  else if (ISO.test(trimmed)) ms = parseIso(trimmed)
  else if (ZONELESS.test(trimmed)) {
    throw new UsageError(`invalid time ${JSON.stringify(text)}: the timestamp has no time zone`, {
      code: 'INVALID_TIME',
      hint: `add Z for UTC or an offset, e.g. ${trimmed.length > 10 ? trimmed : `${trimmed}T00:00:00`}Z`,
    })
  }
  if (ms === null || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_MS) throw invalidTime(text)
  return ms
}

function parseOffset(text: string, nowMs: number): number | null {
  let offset: number
  try {
    offset = parseDuration(text.slice(1))
  } catch {
    return null
  }
  return text.startsWith('-') ? nowMs - offset : nowMs + offset
}

function parseIso(text: string): number | null {
  const match = ISO.exec(text)
  if (match === null) return null
  const [, y, mo, d, h, mi, s = '0', fraction = '', zulu, sign, zh = '0', zm = '0'] = match
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number]
  const [year, month, day, hour, minute, second] = fields
  const ms = Number(`${fraction}000`.slice(0, 3)) // truncated to whole milliseconds
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  // Date.UTC rolls 2026-02-30 over into March: refuse dates and times that do not exist.
  const check = new Date(local)
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return null
  }
  if (zulu !== undefined) return local
  const offsetMinutes = Number(zh) * 60 + Number(zm)
  if (Number(zh) > 23 || Number(zm) > 59) return null
  return sign === '-' ? local + offsetMinutes * 60_000 : local - offsetMinutes * 60_000
}

function invalidTime(text: string): UsageError {
  return new UsageError(
    `invalid time ${JSON.stringify(text)}: use an ISO-8601 timestamp with a zone (2026-11-22T10:00:00Z), ` +
      'epoch milliseconds (1795341600000) or an offset from now (+2h, -30m, +1h30m)',
    {code: 'INVALID_TIME'},
  )
}
