import {describe, expect, it} from 'vitest'

import {exitCodes, UsageError} from '../../src/lib/errors.js'
import {parseNow} from '../../src/lib/input/time.js'

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0)

describe('parseNow', () => {
  it.each([
    ['2026-11-22T10:00:00Z', NOW],
    ['2026-11-22T10:00:00.250Z', NOW + 250],
    ['2026-11-22T12:00:00+02:00', NOW],
    ['2026-11-22T05:30:00-0430', NOW],
    ['2026-11-22 10:00Z', NOW],
    ['1795341600000', NOW],
    ['0', 0],
    ['+2h', NOW + 7_200_000],
    ['-30m', NOW - 1_800_000],
    ['+1h30m', NOW + 5_400_000],
    ['+90s', NOW + 90_000],
    ['+0s', NOW],
  ])('reads %s', (text, ms) => {
    expect(parseNow(text, NOW)).toBe(ms)
  })

  it.each([
    'tomorrow',
    '',
    '2h',
    '+2 hours',
    '+-2h',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-11-22T25:00:00Z',
    '1.5e12',
    '-100000000000000000d',
  ])('refuses %j', (text) => {
    expect(() => parseNow(text, NOW)).toThrow(UsageError)
  })

  it('names the three accepted forms when it refuses', () => {
    expect(() => parseNow('next tuesday', NOW)).toThrow(
      'invalid time "next tuesday": use an ISO-8601 timestamp with a zone (2026-11-22T10:00:00Z), epoch milliseconds (1795341600000) or an offset from now (+2h, -30m, +1h30m)',
    )
  })

  it('refuses a timestamp without a zone and suggests adding one', () => {
    let error: UsageError | undefined
    try {
      parseNow('2026-11-22T10:00:00', NOW)
    } catch (caught) {
      error = caught as UsageError
    }
    expect(error?.message).toBe('invalid time "2026-11-22T10:00:00": the timestamp has no time zone')
    expect(error?.hint).toBe('add Z for UTC or an offset, e.g. 2026-11-22T10:00:00Z')
    expect(error?.exitCode).toBe(exitCodes.usage)
  })
})
