// Refresh schedules from the command-line options: defaults, refusals, the summary, and the
// controller's value type.

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/errors.js'
import {
  describeRefresh,
  parseRefreshSchedule,
  refreshScheduleFromJson,
} from '../../src/lib/objects/refresh.js'

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0)
const HOUR = 3_600_000

describe('parseRefreshSchedule', () => {
  it('is null (refresh on commit) without options', () => {
    expect(parseRefreshSchedule('materialized-view', {}, NOW)).toBeNull()
    expect(parseRefreshSchedule('index', {ats: []}, NOW)).toBeNull()
  })

  it('aligns REFRESH EVERY to the creation time by default, as Materialize does', () => {
    expect(parseRefreshSchedule('materialized-view', {every: '1h'}, NOW)).toEqual({
      everies: [{interval_ms: HOUR, aligned_to: NOW}],
      ats: [],
    })
  })

  it('combines one EVERY with several ATs (sorted, deduplicated; ISO, epoch ms and offsets)', () => {
    const schedule = parseRefreshSchedule(
      'materialized-view',
      {
        every: '1d',
        alignedTo: '2026-01-01T03:00:00Z',
        ats: ['+2h', '2026-11-22T11:00:00+01:00', String(NOW), String(NOW - HOUR)],
      },
      NOW,
    )
    expect(schedule).toEqual({
      everies: [{interval_ms: 24 * HOUR, aligned_to: Date.UTC(2026, 0, 1, 3)}],
      ats: [NOW - HOUR, NOW, NOW + 2 * HOUR],
    })
  })

  it.each([
    ['index', {every: '1h'}, /refresh options apply to materialized views only, not to --type index/],
    ['sink', {ats: ['+1h']}, /materialized views only, not to --type sink/],
    ['materialized-view', {alignedTo: '+1h'}, /^--aligned-to requires --refresh-every$/],
    ['materialized-view', {every: '10 minutes'}, /^--refresh-every: invalid duration "10 minutes"/],
    ['materialized-view', {every: '-5s'}, /^--refresh-every: invalid duration "-5s"/],
    ['materialized-view', {every: '0'}, /^--refresh-every must be longer than 0$/],
    ['materialized-view', {every: '1h', alignedTo: 'yesterday'}, /^--aligned-to: invalid time "yesterday"/],
    ['materialized-view', {ats: ['2026-01-01T00:00:00']}, /^--refresh-at: invalid time .* has no time zone/],
  ] as const)('refuses %s %j', (type, options, message) => {
    expect(() => parseRefreshSchedule(type, options, NOW)).toThrow(UsageError)
    expect(() => parseRefreshSchedule(type, options, NOW)).toThrow(message)
  })
})

describe('describeRefresh', () => {
  it('summarises a schedule for the REFRESH column', () => {
    const schedule = {
      everies: [{interval_ms: 90 * 60_000, aligned_to: Date.UTC(2026, 0, 1)}],
      ats: [Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1)],
    }
    expect(describeRefresh('materialized-view', schedule)).toBe(
      'every 1h30m aligned to 2026-01-01T00:00:00.000Z; at 2026-02-01T00:00:00.000Z, 2026-03-01T00:00:00.000Z',
    )
    expect(describeRefresh('materialized-view', {everies: [], ats: [Date.UTC(2026, 1, 1)]})).toBe(
      'at 2026-02-01T00:00:00.000Z',
    )
    expect(describeRefresh('materialized-view', null)).toBe('on commit')
    expect(describeRefresh('index', null)).toBe('')
  })
})

describe('refreshScheduleFromJson', () => {
  it("gives the controller's RefreshSchedule", () => {
    expect(refreshScheduleFromJson({everies: [{interval_ms: HOUR, aligned_to: 5}], ats: [7]})).toEqual({
      everies: [{intervalMs: HOUR, alignedToMs: 5}],
      ats: [7],
    })
  })
})
