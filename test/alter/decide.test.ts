// `decideAlter` / `decideCancel`: the whole validation of an alter or cancel as a pure function of
// the cluster, the parsed request and the catalog facts (AlterEnvironment) — what a dry run shows
// and a simulation replays. No database.

import {describe, expect, it} from 'vitest'
import type {AlterEnvironment} from '../../src/lib/alter/alter.js'
import {alterSubject, decideAlter, decideCancel} from '../../src/lib/alter/alter.js'
import {clusterRowFixture, DAY, HOUR, record, req, T0} from './fixtures.js'

const environment: AlterEnvironment = {
  nowMs: T0,
  controllerEnabled: true,
  defaultTimeoutMs: DAY,
  maxReplicasPerCluster: 5,
  maxCreditsPerHour: 10,
  sizes: new Map([
    ['100cc', {creditsPerHour: 1, disabled: false}],
    ['200cc', {creditsPerHour: 2, disabled: false}],
    ['800cc', {creditsPerHour: 8, disabled: false}],
    ['old', {creditsPerHour: 1, disabled: true}],
  ]),
  otherClustersCreditsPerHour: 3,
}

const steady = alterSubject(clusterRowFixture())

describe('decideAlter', () => {
  it('a graceful resize carries its transient peak against both limits', () => {
    const decision = decideAlter(steady, req({size: '200cc'}), environment)
    expect(decision).toMatchObject({clusterId: 'u1', clusterName: 'prod', action: 'graceful', turnsOff: false})
    // Realized 100cc × 2 and target 200cc × 2 together, plus 3 credits/h elsewhere.
    expect(decision.peak).toEqual({replicas: 4, maxReplicasPerCluster: 5, creditsPerHour: 3 + 2 * 2 + 1 * 2, maxCreditsPerHour: 10})
  })

  it('refuses a peak over either limit, and unknown or disabled sizes (exit 2)', () => {
    expect(() => decideAlter(steady, req({size: '800cc'}), environment)).toThrow(/would consume 21 credits per hour at its peak, above max_credit_consumption_rate \(10\)/)
    expect(() => decideAlter(steady, req({size: '200cc'}), {...environment, maxReplicasPerCluster: 3})).toThrow(/would need 4 replicas/)
    expect(() => decideAlter(steady, req({size: '123cc'}), environment)).toThrow('unknown cluster replica size "123cc" (--size)')
    expect(() => decideAlter(steady, req({size: 'old'}), environment)).toThrow('replica size "old" is not allowed (--size)')
  })

  it('labels the route as product.md §11.1 names it', () => {
    expect(decideAlter(steady, req({replicationFactor: 3}), environment)).toMatchObject({action: 'direct', peak: null})
    expect(decideAlter(steady, req({size: '100cc'}), environment)).toMatchObject({action: 'no-op', route: {kind: 'unchanged'}})
    const inFlight = alterSubject(clusterRowFixture({reconfiguration: record('200cc', 2, T0 + HOUR)}))
    expect(decideAlter(inFlight, req({size: '100cc'}), environment)).toMatchObject({action: 'cancel', peak: null})
  })

  it('says when the alter turns the cluster off (target rf 0 on a manual schedule)', () => {
    expect(decideAlter(steady, req({replicationFactor: 0}), environment).turnsOff).toBe(true)
    expect(decideAlter(steady, req({size: '200cc', replicationFactor: 0}), environment).turnsOff).toBe(true)
    expect(decideAlter(steady, req({size: '200cc'}), environment).turnsOff).toBe(false)
    // Already off, resized while off: nothing is turned off.
    expect(decideAlter(alterSubject(clusterRowFixture({replication_factor: 0})), req({size: '200cc'}), environment).turnsOff).toBe(false)
    // An on-refresh schedule holds rf at 0 by design.
    expect(decideAlter(steady, req({schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}}), environment).turnsOff).toBe(false)
  })
})

describe('decideCancel', () => {
  it('is always allowed while a reconfiguration is in progress, even over the limits', () => {
    const inFlight = alterSubject(clusterRowFixture({reconfiguration: record('800cc', 3, T0 + HOUR)}))
    expect(decideCancel(inFlight)).toMatchObject({action: 'cancel', route: {kind: 'reshape', transition: 'cancelled'}})
  })

  it('refuses a cluster with nothing in progress', () => {
    expect(() => decideCancel(steady)).toThrow('cluster "prod" has no reconfiguration in progress')
  })
})
