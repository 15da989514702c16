import {describe, expect, it} from 'vitest'

import {exitCodes, UsageError} from '../../src/lib/errors.js'
import {MAX_DURATION_DAYS, parseDuration} from '../../src/lib/input/duration.js'

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1h1m1s1ms', 3_661_001],
    ['24h', 86_400_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '10 minutes',
    '-5s',
    '10',
    '',
    '1.5.5s',
    's',
    '5 s',
    ' 5s',
    '5S',
    '1h 30m',
    '.5s',
    '5.s',
    '1e3s',
    '99999999999999999999d',
  ])('refuses %j with a usage error', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError)
  })

  it('names the accepted form in its message and exits with the usage code', () => {
    let error: unknown
    try {
      parseDuration('10 minutes')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(
      'invalid duration "10 minutes": use a number with a unit, like 30s, 10m, 1h30m or 500ms',
    )
    expect((error as UsageError).exitCode).toBe(exitCodes.usage)
    expect((error as UsageError).code).toBe('INVALID_DURATION')
  })
})

describe('durations too large for a timestamp', () => {
  it('say so and give the maximum, which is itself accepted', () => {
    expect(() => parseDuration('99999999999h')).toThrow(
      /^invalid duration "99999999999h": too large, the maximum is 104249991d$/,
    )
    expect(parseDuration(`${MAX_DURATION_DAYS}d`)).toBe(MAX_DURATION_DAYS * 86_400_000)
  })
})
