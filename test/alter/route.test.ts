// Routing an alter of a managed cluster (controller-spec §5.2–§5.6, §4.4 last paragraph) through
// the pure `routeAlter`: which statements are refused, which are no-ops, which write or fold the
// reconfiguration record (and with which deadline), which go to the realized config directly, and
// when a hydration-burst record is retired in the same write. No database.

import {describe, expect, it} from 'vitest'
import type {AlterRequest, RouteContext} from '../../src/lib/alter/route.js'
import {
  AUTO_SCALING_WITH_SCHEDULE_MESSAGE,
  deadlineOf,
  hydrationSizeEqualsSizeMessage,
  hydrationSizeEqualsTargetMessage,
  REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE,
  routeCancel,
  WAIT_ON_SCHEDULE_MESSAGE,
} from '../../src/lib/alter/route.js'
import {alterSubject, nextColumns} from '../../src/lib/alter/alter.js'
import {reconfigurationToJson} from '../../src/lib/catalog/cluster-rows.js'
import type {ClusterRow} from '../../src/lib/catalog/cluster-rows.js'
import {UsageError} from '../../src/lib/errors.js'
import type {RowRoute} from './fixtures.js'
import {clusterRowFixture, DAY, DEFAULT_LOGGING_JSON, HOUR, MINUTE, record, req, routeRows as routeAlter, T0} from './fixtures.js'

const OWNS: RouteContext = {owns: true, nowMs: T0, defaultTimeoutMs: DAY}
const GATE_OFF: RouteContext = {...OWNS, owns: false}

const RF_IN_FLIGHT = 'cannot change replication factor while a reconfiguration is in progress'
const SCHEDULE_IN_FLIGHT = 'cannot change the cluster schedule while a reconfiguration is in progress'

/** The route, narrowed to the expected kind (fails the test with the actual route otherwise). */
function routeAs<K extends RowRoute['kind']>(kind: K, current: ClusterRow, request: AlterRequest, context = OWNS): Extract<RowRoute, {kind: K}> {
  const route = routeAlter(current, request, context)
  expect(route.kind, JSON.stringify(route)).toBe(kind)
  return route as Extract<RowRoute, {kind: K}>
}

/** The UsageError a refused alter throws (exit code 2, nothing written by construction: pure). */
function refusal(current: ClusterRow, request: AlterRequest, context = OWNS): UsageError {
  try {
    const route = routeAlter(current, request, context)
    throw new Error(`expected a refusal, got ${JSON.stringify(route)}`)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).exitCode).toBe(2)
    return error as UsageError
  }
}

/** The realized shape fields of a row (what must stay put while a reshape is pending). */
const realizedOf = (row: ClusterRow) => ({
  size: row.size,
  replication_factor: row.replication_factor,
  availability_zones: row.availability_zones,
  logging: row.logging,
})

const steady = clusterRowFixture()
const inFlight200 = clusterRowFixture({reconfiguration: record('200cc', 2, T0 + HOUR, {onTimeout: 'commit'})})

describe('shape changes with nothing in flight write a record and keep the realized shape', () => {
  it('SIZE: in-progress record, transition started, realized config untouched', () => {
    const route = routeAs('reshape', steady, req({size: '200cc'}))
    expect(route.transition).toBe('started')
    expect(route.record).toEqual({
      target: {size: '200cc', replication_factor: 2, availability_zones: [], logging: DEFAULT_LOGGING_JSON},
      deadline: T0 + DAY,
      on_timeout: 'rollback',
      status: 'in-progress',
    })
    expect(realizedOf(route.next)).toEqual(realizedOf(steady))
    expect(route.next.reconfiguration).toEqual(route.record)
    expect(route.burstRetired).toBe(false)
    // Nothing else about the row changes.
    expect({...route.next, reconfiguration: null}).toEqual(steady)
  })

  it.each([
    ['availability zones', req({availabilityZones: ['az1', 'az2']}), {availability_zones: ['az1', 'az2']}],
    ['introspection debugging', req({logLogging: true}), {logging: {log_logging: true, interval_ms: 1000}}],
    ['introspection interval', req({intervalMs: 5000}), {logging: {log_logging: false, interval_ms: 5000}}],
    ['introspection off (interval 0)', req({intervalMs: null}), {logging: {log_logging: false, interval_ms: null}}],
  ])('%s is a shape dimension', (_name, request, targetChange) => {
    const route = routeAs('reshape', steady, request)
    expect(route.record.target).toEqual({size: '100cc', replication_factor: 2, availability_zones: [], logging: DEFAULT_LOGGING_JSON, ...targetChange})
    expect(route.record.status).toBe('in-progress')
    expect(realizedOf(route.next)).toEqual(realizedOf(steady))
  })

  it('an availability-zone reorder is a shape change (ordered comparison)', () => {
    const current = clusterRowFixture({availability_zones: ['az1', 'az2']})
    const route = routeAs('reshape', current, req({availabilityZones: ['az2', 'az1']}))
    expect(route.record.target.availability_zones).toEqual(['az2', 'az1'])
    expect(route.next.availability_zones).toEqual(['az1', 'az2'])
  })

  it('SIZE and REPLICATION FACTOR together: the target carries the new rf, the realized rf stays', () => {
    const route = routeAs('reshape', steady, req({size: '200cc', replicationFactor: 3}))
    expect(route.record.target).toMatchObject({size: '200cc', replication_factor: 3})
    expect(route.next.replication_factor).toBe(2)
    expect(route.next.size).toBe('100cc')
  })

  it('non-shape changes in a reshaping statement apply at once', () => {
    const route = routeAs('reshape', steady, req({size: '200cc', features: {enable_eager_delta_joins: 'true'}, autoScaling: {onHydration: {hydrationSize: '800cc', lingerMs: null}}}))
    expect(route.next.features).toEqual({enable_eager_delta_joins: 'true'})
    expect(route.next.auto_scaling_strategy).toEqual({on_hydration: {hydration_size: '800cc', linger_duration_ms: null}})
    expect(route.next.size).toBe('100cc')
  })

  it('overwrites a terminal record (the latest record is the one shown)', () => {
    const current = clusterRowFixture({reconfiguration: record('400cc', 2, T0 - HOUR, {status: 'timed-out'})})
    const route = routeAs('reshape', current, req({size: '200cc'}))
    expect(route.record).toMatchObject({status: 'in-progress', target: {size: '200cc'}, deadline: T0 + DAY})
  })
})

describe('non-shape changes with nothing in flight go direct', () => {
  it('REPLICATION FACTOR only: the realized rf changes, no record', () => {
    const route = routeAs('direct', steady, req({replicationFactor: 3}))
    expect(route.next).toEqual({...steady, replication_factor: 3})
    expect(route.retiredRecord).toBe(false)
    expect(route.burstRetired).toBe(false)
  })

  it('feature pins, the strategy and the schedule apply directly', () => {
    expect(routeAs('direct', steady, req({features: {enable_eager_delta_joins: 'true'}})).next.features).toEqual({enable_eager_delta_joins: 'true'})
    expect(routeAs('direct', steady, req({autoScaling: {onHydration: {hydrationSize: '400cc', lingerMs: 600_000}}})).next.auto_scaling_strategy).toEqual({
      on_hydration: {hydration_size: '400cc', linger_duration_ms: 600_000},
    })
    const scheduled = routeAs('direct', steady, req({schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: MINUTE}}))
    expect(scheduled.next.schedule).toEqual({kind: 'on-refresh', hydration_time_estimate_ms: MINUTE})
    expect(scheduled.next.replication_factor).toBe(0)
    expect(scheduled.next.reconfiguration).toBeNull()
  })

  it('a terminal record is carried through untouched', () => {
    const settled = record('200cc', 2, T0 - HOUR, {status: 'finalized'})
    const route = routeAs('direct', clusterRowFixture({reconfiguration: settled}), req({replicationFactor: 1}))
    expect(route.next.reconfiguration).toEqual(settled)
    expect(route.retiredRecord).toBe(false)
  })
})

describe('rf and schedule are refused while a reconfiguration is in flight', () => {
  it('REPLICATION FACTOR, alone or with a shape re-target, even to its current value', () => {
    expect(refusal(inFlight200, req({replicationFactor: 3})).message).toBe(RF_IN_FLIGHT)
    expect(refusal(inFlight200, req({replicationFactor: 2})).message).toBe(RF_IN_FLIGHT)
    expect(refusal(inFlight200, req({size: '400cc', replicationFactor: 3})).message).toBe(RF_IN_FLIGHT)
  })

  it('SCHEDULE (and re-estimating an on-refresh schedule)', () => {
    expect(refusal(inFlight200, req({schedule: {kind: 'manual'}})).message).toBe(SCHEDULE_IN_FLIGHT)
    expect(refusal(inFlight200, req({schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}})).message).toBe(SCHEDULE_IN_FLIGHT)
    expect(refusal(inFlight200, req({hydrationTimeEstimateMs: MINUTE})).message).toBe(SCHEDULE_IN_FLIGHT)
    // The schedule is checked first.
    expect(refusal(inFlight200, req({schedule: {kind: 'manual'}, replicationFactor: 3})).message).toBe(SCHEDULE_IN_FLIGHT)
  })

  it('a terminal record refuses nothing', () => {
    const current = clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'cancelled'})})
    expect(routeAs('direct', current, req({replicationFactor: 3})).next.replication_factor).toBe(3)
  })
})

describe('the no-op shortcut', () => {
  it('a shape option set to its current value with nothing in flight writes nothing', () => {
    expect(routeAlter(steady, req({size: '100cc'}), OWNS)).toEqual({kind: 'unchanged'})
    expect(routeAlter(steady, req({size: '100cc', availabilityZones: [], logLogging: false, intervalMs: 1000}), OWNS)).toEqual({kind: 'unchanged'})
    expect(routeAlter(steady, req({replicationFactor: 2}), OWNS)).toEqual({kind: 'unchanged'})
    expect(routeAlter(steady, req(), OWNS)).toEqual({kind: 'unchanged'})
    const settled = clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'timed-out'})})
    expect(routeAlter(settled, req({size: '100cc'}), OWNS)).toEqual({kind: 'unchanged'})
  })

  it('a non-shape option set to its current value while in flight writes nothing either', () => {
    const current = clusterRowFixture({reconfiguration: inFlight200.reconfiguration, features: {enable_eager_delta_joins: 'true'}})
    expect(routeAlter(current, req({features: {enable_eager_delta_joins: 'true'}}), OWNS)).toEqual({kind: 'unchanged'})
  })
})

describe('while a reconfiguration is in flight', () => {
  it('altering back to the realized shape cancels it', () => {
    const route = routeAs('reshape', inFlight200, req({size: '100cc'}))
    expect(route.transition).toBe('cancelled')
    expect(route.record).toEqual({
      target: {size: '100cc', replication_factor: 2, availability_zones: [], logging: DEFAULT_LOGGING_JSON},
      deadline: T0 + DAY,
      on_timeout: 'rollback',
      status: 'cancelled',
    })
    expect(realizedOf(route.next)).toEqual(realizedOf(inFlight200))
  })

  it('altering back only some dimensions of a multi-dimension target is a re-target, not a cancel', () => {
    const current = clusterRowFixture({reconfiguration: record('200cc', 2, T0 + HOUR, {availabilityZones: ['az1']})})
    const route = routeAs('reshape', current, req({size: '100cc'}))
    expect(route.transition).toBe('started')
    expect(route.record.target).toMatchObject({size: '100cc', availability_zones: ['az1']})
    expect(route.record.status).toBe('in-progress')
  })

  it('non-shape changes apply directly and carry the in-progress record untouched', () => {
    const route = routeAs('direct', inFlight200, req({features: {enable_eager_delta_joins: 'true'}}))
    expect(route.next.reconfiguration).toEqual(inFlight200.reconfiguration)
    expect(route.retiredRecord).toBe(false)
    const strategy = routeAs('direct', inFlight200, req({autoScaling: {onHydration: {hydrationSize: '800cc', lingerMs: null}}}))
    expect(strategy.next.reconfiguration).toEqual(inFlight200.reconfiguration)
    expect(strategy.next.auto_scaling_strategy).toEqual({on_hydration: {hydration_size: '800cc', linger_duration_ms: null}})
  })
})

describe('on-refresh clusters take the direct path for shape changes', () => {
  const scheduled = clusterRowFixture({schedule: {kind: 'on-refresh', hydration_time_estimate_ms: 0}, replication_factor: 0})

  it('SIZE changes the realized size at once, no record', () => {
    const route = routeAs('direct', scheduled, req({size: '200cc'}))
    expect(route.next).toEqual({...scheduled, size: '200cc'})
    expect(route.next.reconfiguration).toBeNull()
  })

  it('switching to on-refresh together with a shape change is direct too', () => {
    const route = routeAs('direct', steady, req({size: '200cc', schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}}))
    expect(route.next).toMatchObject({size: '200cc', replication_factor: 0, reconfiguration: null})
  })

  it('REPLICATION FACTOR with a non-MANUAL schedule is refused', () => {
    expect(refusal(scheduled, req({replicationFactor: 1})).message).toBe(REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE)
  })

  it.each<[string, AlterRequest]>([
    ['--wait', req({size: '200cc', wait: true})],
    ['--timeout', req({size: '200cc', timing: {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'rollback'}})],
    ['--timeout --on-timeout commit', req({size: '200cc', timing: {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'commit'}})],
    ['--wait-for', req({size: '200cc', timing: {kind: 'wait-for', timeoutMs: 10 * MINUTE}})],
    ['--timeout without a shape change', req({timing: {kind: 'until-ready', timeoutMs: MINUTE, onTimeout: 'rollback'}})],
  ])('%s is refused: there is no record to wait for', (_name, request) => {
    expect(refusal(scheduled, request).message).toBe(WAIT_ON_SCHEDULE_MESSAGE)
  })

  it('so is waiting on an alter that switches a manual cluster to on-refresh', () => {
    expect(refusal(steady, req({size: '200cc', wait: true, schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}})).message).toBe(WAIT_ON_SCHEDULE_MESSAGE)
  })

  it('while leaving on-refresh for manual may wait', () => {
    expect(routeAs('reshape', scheduled, req({size: '200cc', wait: true, schedule: {kind: 'manual'}})).record.target).toMatchObject({size: '200cc', replication_factor: 1})
  })
})

describe('cluster cancel (routeCancel)', () => {
  const cancelRows = (current: ClusterRow) => {
    const subject = alterSubject(current)
    if (!subject.managed) throw new Error('managed row expected')
    const route = routeCancel(subject.config)
    return {...route, next: {...current, ...nextColumns(current, route)}, record: reconfigurationToJson(route.record)}
  }

  it('ends the in-progress record exactly as an alter back to the realized shape does', () => {
    const route = cancelRows(inFlight200)
    const back = routeAs('reshape', inFlight200, req({size: '100cc'}))
    expect(route.transition).toBe('cancelled')
    expect(route.record).toEqual({...back.record, deadline: inFlight200.reconfiguration?.deadline, on_timeout: 'commit'})
    expect(route.next).toEqual({...back.next, reconfiguration: route.record})
    expect(route.record).toMatchObject({status: 'cancelled', target: {size: '100cc', replication_factor: 2}})
  })

  it('also when the target rf differs, where an alter back is impossible', () => {
    const offTarget = clusterRowFixture({replication_factor: 1, reconfiguration: record('200cc', 0, T0 + HOUR)})
    expect(refusal(offTarget, req({replicationFactor: 1})).message).toBe(RF_IN_FLIGHT)
    // An alter back to the realized size re-targets to 100cc × 0 instead of cancelling.
    expect(routeAs('reshape', offTarget, req({size: '100cc'})).record).toMatchObject({status: 'in-progress', target: {size: '100cc', replication_factor: 0}})
    const route = cancelRows(offTarget)
    expect(route.record).toMatchObject({status: 'cancelled', target: {size: '100cc', replication_factor: 1}})
    expect(route.next).toMatchObject({size: '100cc', replication_factor: 1})
  })

  it('refuses a cluster with no reconfiguration in progress (exit 2)', () => {
    for (const current of [steady, clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'finalized'})})]) {
      const subject = alterSubject(current)
      if (!subject.managed) throw new Error('managed row expected')
      expect(() => routeCancel(subject.config)).toThrow(expect.objectContaining({exitCode: 2, message: 'cluster "prod" has no reconfiguration in progress'}))
    }
  })

  it('in-flight hints name `cluster cancel`, never an alter back', () => {
    const hint = refusal(inFlight200, req({replicationFactor: 3})).hint ?? ''
    expect(hint).toContain('mzcluster cluster cancel prod')
    expect(hint).not.toMatch(/alter back/)
  })
})

describe('with the controller gate off (owns = false)', () => {
  it('a shape change goes direct, without a record', () => {
    const route = routeAs('direct', steady, req({size: '200cc'}), GATE_OFF)
    expect(route.next).toEqual({...steady, size: '200cc'})
    expect(route.retiredRecord).toBe(false)
  })

  it('a carried in-progress record is retired as cancelled', () => {
    const route = routeAs('direct', inFlight200, req({replicationFactor: 3}), GATE_OFF)
    expect(route.retiredRecord).toBe(true)
    expect(route.next.reconfiguration).toEqual({...inFlight200.reconfiguration, status: 'cancelled'})
    expect(route.next.replication_factor).toBe(3)
    const shaped = routeAs('direct', inFlight200, req({size: '400cc'}), GATE_OFF)
    expect(shaped.next.size).toBe('400cc')
    expect(shaped.next.reconfiguration?.status).toBe('cancelled')
    expect(shaped.next.reconfiguration?.target.size).toBe('200cc')
  })

  it('a terminal record is not retired again', () => {
    const current = clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'finalized'})})
    const route = routeAs('direct', current, req({size: '400cc'}), GATE_OFF)
    expect(route.retiredRecord).toBe(false)
    expect(route.next.reconfiguration).toEqual(current.reconfiguration)
  })
})

describe('folding onto an in-flight record (B2–B6 through routeAlter)', () => {
  // In flight: 100cc × 2 → 400cc × 3 in [az2] with debugging on and a 5s interval.
  const inFlightTarget = record('400cc', 3, T0 + HOUR, {
    availabilityZones: ['az2'],
    logging: {log_logging: true, interval_ms: 5000},
    onTimeout: 'commit',
  })
  const current = clusterRowFixture({reconfiguration: inFlightTarget})

  it('B2: with nothing in flight the target is exactly the new config', () => {
    const route = routeAs('reshape', steady, req({size: '200cc', availabilityZones: ['az1'], logLogging: true, replicationFactor: 3}))
    expect(route.record.target).toEqual({size: '200cc', replication_factor: 3, availability_zones: ['az1'], logging: {log_logging: true, interval_ms: 1000}})
  })

  it('B3: a re-target keeps every unmentioned in-flight dimension (rf from the record, not realized)', () => {
    const route = routeAs('reshape', current, req({size: '800cc'}))
    expect(route.record.target).toEqual({size: '800cc', replication_factor: 3, availability_zones: ['az2'], logging: {log_logging: true, interval_ms: 5000}})
    expect(route.transition).toBe('started')
    expect(realizedOf(route.next)).toEqual(realizedOf(current))
  })

  it('B4: every shape dimension mentioned overwrites the in-flight target (rf cannot be mentioned)', () => {
    const route = routeAs('reshape', current, req({size: '200cc', availabilityZones: ['az9'], logLogging: false, intervalMs: 2000}))
    expect(route.record.target).toEqual({size: '200cc', replication_factor: 3, availability_zones: ['az9'], logging: {log_logging: false, interval_ms: 2000}})
  })

  it('B5: re-stating the in-flight target keeps it and starts it again with the new deadline', () => {
    const route = routeAs('reshape', current, req({size: '400cc', timing: {kind: 'until-ready', timeoutMs: 0, onTimeout: 'commit'}}))
    expect(route.record).toEqual({...inFlightTarget, deadline: T0, on_timeout: 'commit'})
    expect(route.transition).toBe('started')
  })

  it('B6: logging sub-dimensions fold independently', () => {
    const debugging = routeAs('reshape', current, req({logLogging: false}))
    expect(debugging.record.target.logging).toEqual({log_logging: false, interval_ms: 5000})
    expect(debugging.record.target.size).toBe('400cc')
    const interval = routeAs('reshape', current, req({intervalMs: null}))
    expect(interval.record.target.logging).toEqual({log_logging: true, interval_ms: null})
    // The realized logging stays until cut-over.
    expect(interval.next.logging).toEqual(DEFAULT_LOGGING_JSON)
  })

  it('a re-target to a new shape is a second `started` and replaces deadline and on-timeout wholesale', () => {
    const route = routeAs('reshape', current, req({availabilityZones: ['az3']}))
    expect(route.transition).toBe('started')
    expect(route.record).toMatchObject({status: 'in-progress', deadline: T0 + DAY, on_timeout: 'rollback'})
    expect(route.record.target.availability_zones).toEqual(['az3'])
  })

  it('a fold that lands on the realized shape cancels', () => {
    // Only one dimension is in flight: putting it back is an alter-back.
    const sizeOnly = clusterRowFixture({reconfiguration: record('400cc', 2, T0 + HOUR)})
    expect(routeAs('reshape', sizeOnly, req({size: '100cc'})).transition).toBe('cancelled')
    // In flight in several dimensions: all of them must come back.
    const route = routeAs('reshape', current, req({size: '100cc', availabilityZones: [], logLogging: false, intervalMs: 1000}))
    // rf 3 of the in-flight target survives the fold, so this is not the realized config.
    expect(route.transition).toBe('started')
    expect(route.record.target).toEqual({size: '100cc', replication_factor: 3, availability_zones: [], logging: DEFAULT_LOGGING_JSON})
  })
})

describe('deadline and on-timeout per wait mode', () => {
  it.each<[string, AlterRequest['timing'], number, 'commit' | 'rollback']>([
    ['no wait options: default timeout, ROLLBACK', {kind: 'default'}, T0 + DAY, 'rollback'],
    ['--wait-for 10m: COMMIT', {kind: 'wait-for', timeoutMs: 10 * MINUTE}, T0 + 10 * MINUTE, 'commit'],
    ['--timeout 10m: ROLLBACK by default', {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'rollback'}, T0 + 10 * MINUTE, 'rollback'],
    ['--timeout 10m --on-timeout commit', {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'commit'}, T0 + 10 * MINUTE, 'commit'],
    ['--timeout 0s: the deadline is now', {kind: 'until-ready', timeoutMs: 0, onTimeout: 'rollback'}, T0, 'rollback'],
    ['--wait-for 0s: an already-expired COMMIT', {kind: 'wait-for', timeoutMs: 0}, T0, 'commit'],
  ])('%s', (_name, timing, deadline, onTimeout) => {
    const route = routeAs('reshape', steady, req({size: '200cc', timing}))
    expect(route.record.deadline).toBe(deadline)
    expect(route.record.on_timeout).toBe(onTimeout)
    expect(deadlineOf(timing, T0, DAY)).toEqual({deadline, onTimeout})
  })

  it('the default timeout comes from the context (default_cluster_reconfiguration_timeout)', () => {
    const route = routeAs('reshape', steady, req({size: '200cc'}), {...OWNS, defaultTimeoutMs: 2 * HOUR})
    expect(route.record.deadline).toBe(T0 + 2 * HOUR)
  })

  it('the deadline saturates instead of overflowing', () => {
    expect(deadlineOf({kind: 'wait-for', timeoutMs: Number.MAX_SAFE_INTEGER}, T0, DAY).deadline).toBe(Number.MAX_SAFE_INTEGER)
  })
})

describe('validations', () => {
  const withPolicy = (hydrationSize: string, overrides: Partial<ClusterRow> = {}) =>
    clusterRowFixture({auto_scaling_strategy: {on_hydration: {hydration_size: hydrationSize, linger_duration_ms: null}}, ...overrides})
  const policy = (hydrationSize: string) => ({onHydration: {hydrationSize, lingerMs: null}})

  it('HYDRATION SIZE equal to the cluster SIZE, whichever side the statement changes', () => {
    expect(refusal(steady, req({autoScaling: policy('100cc')})).message).toBe(hydrationSizeEqualsSizeMessage('100cc'))
    expect(refusal(withPolicy('400cc'), req({size: '400cc'})).message).toBe(hydrationSizeEqualsSizeMessage('400cc'))
    expect(refusal(steady, req({size: '400cc', autoScaling: policy('400cc')})).message).toBe(hydrationSizeEqualsSizeMessage('400cc'))
    // While in flight, re-targeting the size onto the hydration size is refused too.
    expect(refusal(withPolicy('400cc', {reconfiguration: inFlight200.reconfiguration}), req({size: '400cc'})).message).toBe(hydrationSizeEqualsSizeMessage('400cc'))
  })

  it('HYDRATION SIZE equal to the in-flight target SIZE', () => {
    expect(refusal(inFlight200, req({autoScaling: policy('200cc')})).message).toBe(
      hydrationSizeEqualsTargetMessage('200cc'),
    )
    // Any other hydration size is fine and carries the record.
    expect(routeAs('direct', inFlight200, req({autoScaling: policy('800cc')})).next.reconfiguration).toEqual(inFlight200.reconfiguration)
    // A settled record's target is history: no conflict.
    const settled = clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'timed-out'})})
    expect(routeAs('direct', settled, req({autoScaling: policy('200cc')})).next.auto_scaling_strategy?.on_hydration?.hydration_size).toBe('200cc')
  })

  it('auto-scaling cannot be combined with an on-refresh schedule, either side', () => {
    const scheduled = clusterRowFixture({schedule: {kind: 'on-refresh', hydration_time_estimate_ms: 0}, replication_factor: 0})
    expect(refusal(scheduled, req({autoScaling: policy('400cc')})).message).toBe(AUTO_SCALING_WITH_SCHEDULE_MESSAGE)
    expect(refusal(withPolicy('400cc'), req({schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}})).message).toBe(AUTO_SCALING_WITH_SCHEDULE_MESSAGE)
    // Removing the strategy in the same statement is fine.
    expect(routeAs('direct', withPolicy('400cc'), req({schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}, autoScaling: null})).next.auto_scaling_strategy).toBeNull()
  })

  it('--wait-for / --timeout need a shape option', () => {
    const waitFor = {kind: 'wait-for', timeoutMs: MINUTE} as const
    const timeout = {kind: 'until-ready', timeoutMs: MINUTE, onTimeout: 'commit'} as const
    expect(refusal(steady, req({replicationFactor: 3, timing: waitFor})).message).toMatch(/--wait-for and --timeout apply only to a change of size/)
    expect(refusal(steady, req({timing: timeout})).message).toMatch(/--wait-for and --timeout apply only/)
    expect(refusal(steady, req({features: {enable_eager_delta_joins: 'true'}, timing: timeout})).code).toBe('INVALID_OPTIONS')
  })

  it('converting to unmanaged while a reconfiguration or a burst is in progress', () => {
    expect(refusal(inFlight200, req({unmanaged: true})).message).toBe('cannot convert cluster to unmanaged while a reconfiguration is in progress')
    const bursting = withPolicy('400cc', {burst: {burst_size: '400cc', linger_duration_ms: 0, steady_hydrated_at: null}})
    expect(refusal(bursting, req({unmanaged: true})).message).toBe('cannot convert cluster to unmanaged while a hydration burst is in progress')
    // Even with the gate off (a sequencer check, not an ownership one).
    expect(refusal(inFlight200, req({unmanaged: true}), GATE_OFF).message).toMatch(/while a reconfiguration is in progress/)
    // With neither in flight the conversion goes through, keeping a settled record as history.
    const settled = clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'finalized'})})
    const route = routeAs('to-unmanaged', settled, req({unmanaged: true}))
    expect(route.next).toMatchObject({managed: false, size: null, replication_factor: null, auto_scaling_strategy: null})
    expect(refusal(steady, req({unmanaged: true, replicationFactor: 1})).message).toMatch(/--unmanaged cannot be combined/)
  })
})

describe('catalog-side burst retirement', () => {
  const burst = {burst_size: '400cc', linger_duration_ms: 60_000, steady_hydrated_at: null}
  const bursting = clusterRowFixture({
    auto_scaling_strategy: {on_hydration: {hydration_size: '400cc', linger_duration_ms: 60_000}},
    burst,
  })

  it.each<[string, AlterRequest]>([
    ['strategy removed', req({autoScaling: null})],
    ['hydration size changed', req({autoScaling: {onHydration: {hydrationSize: '800cc', lingerMs: 60_000}}})],
    ['replication factor set to 0', req({replicationFactor: 0})],
  ])('%s: burstRetired and the burst cleared in the same write', (_name, request) => {
    const route = routeAs('direct', bursting, request)
    expect(route.burstRetired).toBe(true)
    expect(route.next.burst).toBeNull()
  })

  it('a reshape that also removes the strategy retires the burst', () => {
    const route = routeAs('reshape', bursting, req({size: '200cc', autoScaling: null}))
    expect(route.burstRetired).toBe(true)
    expect(route.next.burst).toBeNull()
    expect(route.record.status).toBe('in-progress')
  })

  it.each<[string, AlterRequest]>([
    ['a feature pin', req({features: {enable_eager_delta_joins: 'true'}})],
    ['a linger change at the same hydration size', req({autoScaling: {onHydration: {hydrationSize: '400cc', lingerMs: 0}}})],
    ['a replication factor change to 3', req({replicationFactor: 3})],
  ])('%s keeps a still-warranted burst', (_name, request) => {
    const route = routeAs('direct', bursting, request)
    expect(route.burstRetired).toBe(false)
    expect(route.next.burst).toEqual(burst)
  })

  it('a size reshape keeps a still-warranted burst (the burst coexists with the reconfiguration)', () => {
    const route = routeAs('reshape', bursting, req({size: '200cc'}))
    expect(route.burstRetired).toBe(false)
    expect(route.next.burst).toEqual(burst)
  })
})
