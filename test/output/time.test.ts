import {describe, expect, it} from 'vitest'

import {parseDuration} from '../../src/lib/input/duration.js'
import {formatDuration, formatRelative, formatTimestamp} from '../../src/lib/output/time.js'

const NOW = Date.UTC(2026, 10, 22, 3, 4, 5)

describe('formatTimestamp', () => {
  it('prints RFC 3339 UTC with milliseconds', () => {
    expect(formatTimestamp(NOW)).toBe('2026-11-22T03:04:05.000Z')
  })
})

describe('formatRelative', () => {
  it.each([
    [NOW + 24 * 3_600_000 - 1000, 'in 23h 59m'],
    [NOW - 5 * 60_000, '5m ago'],
    [NOW - 5 * 60_000 - 30_000, '5m 30s ago'],
    [NOW + 2 * 86_400_000 + 3 * 3_600_000, 'in 2d 3h'],
    [NOW + 45_000, 'in 45s'],
    [NOW + 400, 'now'],
  ])('renders %d as %s', (ms, expected) => {
    expect(formatRelative(ms, NOW)).toBe(expected)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [45_000, '45s'],
    [1500, '1.5s'],
    [5_400_000, '1h30m'],
    [86_400_000, '24h'],
    [3_600_000 + 1000, '1h1s'],
  ])('renders %d ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected)
  })

  it('produces text that parseDuration reads back to the same value', () => {
    for (const ms of [0, 1, 999, 1000, 1500, 61_000, 5_400_000, 86_400_000, 90_061_001]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  })
})
