// Parsing `cluster create` options into a ClusterSpec: defaults, normalisations and every refusal
// with the seed's messages. Pure: no catalog.

import {describe, expect, it} from 'vitest'
import {
  AUTO_SCALING_WITH_SCHEDULE_MESSAGE,
  hydrationSizeEqualsSizeMessage,
  parseClusterOptions,
  REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE,
  type ClusterOptionInput,
} from '../../src/lib/ddl/cluster-options.js'
import {UsageError} from '../../src/lib/errors.js'

const refusal = (input: ClusterOptionInput): UsageError => {
  try {
    parseClusterOptions(input)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).exitCode).toBe(2)
    expect((error as UsageError).message).not.toContain('\n')
    return error as UsageError
  }
  throw new Error(`accepted ${JSON.stringify(input)}`)
}

describe('parseClusterOptions', () => {
  it('fills the defaults of a managed cluster', () => {
    expect(parseClusterOptions({size: '100cc'})).toEqual({
      managed: true,
      size: '100cc',
      replicationFactor: 1,
      availabilityZones: [],
      logging: {logLogging: false, intervalMs: 1000},
      schedule: {kind: 'manual'},
      autoScalingPolicy: null,
      features: {},
    })
  })

  it('reads every option', () => {
    expect(
      parseClusterOptions({
        size: '200cc',
        replicationFactor: '3',
        availabilityZones: 'use1-az2, use1-az1',
        introspectionDebugging: true,
        introspectionInterval: '500ms',
        hydrationSize: '800cc',
        linger: '10m',
        features: ['enable_eager_delta_joins=on', 'enable_new_outer_join_lowering=false'],
      }),
    ).toEqual({
      managed: true,
      size: '200cc',
      replicationFactor: 3,
      availabilityZones: ['use1-az2', 'use1-az1'],
      logging: {logLogging: true, intervalMs: 500},
      schedule: {kind: 'manual'},
      autoScalingPolicy: {onHydration: {hydrationSize: '800cc', lingerMs: 600_000}},
      features: {enable_eager_delta_joins: 'on', enable_new_outer_join_lowering: 'off'},
    })
  })

  it('stores introspection interval 0 as null (introspection off)', () => {
    for (const zero of ['0', '0s']) {
      const spec = parseClusterOptions({size: '100cc', introspectionInterval: zero})
      expect(spec.managed && spec.logging.intervalMs).toBeNull()
    }
  })

  it('keeps an omitted linger null (the system default applies when a burst is armed)', () => {
    const spec = parseClusterOptions({size: '100cc', hydrationSize: '800cc'})
    expect(spec.managed && spec.autoScalingPolicy).toEqual({
      onHydration: {hydrationSize: '800cc', lingerMs: null},
    })
  })

  it('normalises an on-refresh cluster to replication factor 0', () => {
    const spec = parseClusterOptions({size: '100cc', schedule: 'on-refresh', hydrationTimeEstimate: '15m'})
    expect(spec).toMatchObject({
      replicationFactor: 0,
      schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 900_000},
    })
    const noEstimate = parseClusterOptions({size: '100cc', schedule: 'on-refresh'})
    expect(noEstimate).toMatchObject({
      replicationFactor: 0,
      schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0},
    })
  })

  it('accepts replication factor 0 and an explicit manual schedule', () => {
    expect(parseClusterOptions({size: '100cc', replicationFactor: '0', schedule: 'manual'})).toMatchObject({
      replicationFactor: 0,
      schedule: {kind: 'manual'},
    })
  })

  it('builds an unmanaged spec with features only', () => {
    expect(parseClusterOptions({unmanaged: true, features: ['enable_eager_delta_joins=on']})).toEqual({
      managed: false,
      features: {enable_eager_delta_joins: 'on'},
    })
  })

  it("uses the seed's cross-option validations, worded with the CLI's flags", () => {
    expect(refusal({size: '100cc', hydrationSize: '100cc'}).message).toBe(
      hydrationSizeEqualsSizeMessage('100cc'),
    )
    expect(hydrationSizeEqualsSizeMessage('100cc')).toBe(
      "--hydration-size must differ from the cluster's size (100cc): a burst replica of the same size would not speed up hydration",
    )
    expect(refusal({size: '100cc', schedule: 'on-refresh', hydrationSize: '800cc'}).message).toBe(
      AUTO_SCALING_WITH_SCHEDULE_MESSAGE,
    )
    expect(refusal({size: '100cc', schedule: 'on-refresh', replicationFactor: '1'}).message).toBe(
      REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE,
    )
    // No SQL keywords: every refusal names the flags a user typed.
    for (const message of [
      AUTO_SCALING_WITH_SCHEDULE_MESSAGE,
      REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE,
      hydrationSizeEqualsSizeMessage('x'),
    ]) {
      expect(message).not.toMatch(/HYDRATION SIZE|REPLICATION FACTOR|SCHEDULE|AUTO SCALING|\bSIZE\b/)
      expect(message).toMatch(/--(hydration-size|replication-factor|schedule)/)
    }
  })

  it.each<[string, ClusterOptionInput, RegExp]>([
    ['missing size', {}, /--size is required/],
    [
      'negative replication factor',
      {size: '100cc', replicationFactor: '-1'},
      /invalid replication factor "-1"/,
    ],
    [
      'fractional replication factor',
      {size: '100cc', replicationFactor: '1.5'},
      /invalid replication factor "1.5"/,
    ],
    ['word replication factor', {size: '100cc', replicationFactor: 'two'}, /invalid replication factor/],
    [
      'replication factor beyond any number the catalog stores',
      {size: '100cc', replicationFactor: '99999999999999999999'},
      /^invalid replication factor "99999999999999999999": too large, the maximum is 2147483647$/,
    ],
    [
      'replication factor one past the maximum',
      {size: '100cc', replicationFactor: '2147483648'},
      /too large, the maximum is 2147483647$/,
    ],
    [
      'duration with words',
      {size: '100cc', introspectionInterval: '10 minutes'},
      /invalid duration "10 minutes"/,
    ],
    ['negative duration', {size: '100cc', hydrationSize: '800cc', linger: '-5s'}, /invalid duration "-5s"/],
    [
      'unitless duration',
      {size: '100cc', schedule: 'on-refresh', hydrationTimeEstimate: '10'},
      /invalid duration "10"/,
    ],
    ['duplicate zone', {size: '100cc', availabilityZones: 'a,b,a'}, /"a" is listed twice/],
    ['empty zone', {size: '100cc', availabilityZones: 'a,,b'}, /empty item/],
    ['unknown schedule', {size: '100cc', schedule: 'nightly'}, /invalid schedule "nightly"/],
    [
      'estimate without on-refresh',
      {size: '100cc', hydrationTimeEstimate: '1m'},
      /only applies with --schedule on-refresh/,
    ],
    ['linger without hydration size', {size: '100cc', linger: '5m'}, /--linger requires --hydration-size/],
    [
      'unmanaged with size',
      {unmanaged: true, size: '100cc'},
      /^--size does not apply to unmanaged clusters$/,
    ],
    [
      'unmanaged with several managed options',
      {unmanaged: true, replicationFactor: '2', introspectionDebugging: false, hydrationSize: '800cc'},
      /^--replication-factor, --introspection-debugging, --hydration-size do not apply to unmanaged clusters$/,
    ],
    ['unknown feature', {size: '100cc', features: ['enable_magic=on']}, /unknown parameter "enable_magic"/],
    [
      'replica-scoped feature',
      {size: '100cc', features: ['enable_lgalloc=on']},
      /enable_lgalloc is replica-scoped/,
    ],
    [
      'environment-scoped feature',
      {size: '100cc', features: ['max_replicas_per_cluster=9']},
      /environment-scoped/,
    ],
    [
      'feature value that does not parse',
      {size: '100cc', features: ['enable_eager_delta_joins=maybe']},
      /invalid value "maybe"/,
    ],
    ['feature without =', {size: '100cc', features: ['enable_eager_delta_joins']}, /use NAME=VALUE/],
    [
      'feature given twice',
      {size: '100cc', features: ['enable_eager_delta_joins=on', 'enable_eager_delta_joins=off']},
      /twice/,
    ],
  ])('refuses %s', (_label, input, message) => {
    expect(refusal(input).message).toMatch(message)
  })
})
