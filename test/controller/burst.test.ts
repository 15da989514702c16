// Hydration-burst scenarios A47–A65: arming, stamping, linger, teardown, and seam flows including
// the policy in the witness and the per-tick hydration probe.

import {describe, expect, it} from 'vitest'

import type {
  BurstRecord,
  ClusterState,
  ConfigSignals,
  LiveSignals,
  ObservedReplica,
} from '../../src/lib/controller/context.js'
import {clusterId, DEFAULT_CONFIG_SIGNALS, replicaId} from '../../src/lib/controller/context.js'
import {burstRecordWarranted, hydrationBurst as burst} from '../../src/lib/controller/strategies/index.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {burstRecord, FakeCtx, manual, policy, rep, shape, signalsHydrated, sizesOf} from './fake-ctx.js'

const config = DEFAULT_CONFIG_SIGNALS
const r0 = rep('r0@100cc', 1)

/** burst_state(size, rf, hydration_size, linger, replicas, record): MANUAL with that policy. */
function burstState(
  size: string,
  replicationFactor: number,
  hydrationSize: string | null,
  lingerMs: number | null,
  replicas: readonly ObservedReplica[],
  record: BurstRecord | null,
): ClusterState {
  return manual(size, replicationFactor, replicas, {
    autoScalingPolicy: hydrationSize === null ? null : policy(hydrationSize, lingerMs),
    burst: record,
  })
}

/** Objects present unless stated; `hydrated` = replica numbers reported hydrated. */
const signals = (hydrated: number[], objects = true): LiveSignals => ({
  ...signalsHydrated(...hydrated),
  hasHydratableObjects: objects,
})
const write = (state: ClusterState, live: LiveSignals, nowMs = 1000, cfg: ConfigSignals = config) =>
  burst.updateState(state, live, cfg, nowMs)
const noLongerWarranted = {
  burst: {record: null, audit: {transition: 'finished', cause: 'no-longer-warranted'}},
}

describe('A.6 hydration burst (strategy)', () => {
  it('A47 burst_arms_when_steady_unhydrated', () => {
    const state = burstState('100cc', 1, '400cc', 10, [r0], null)
    expect(write(state, signals([]))).toEqual({
      burst: {
        record: {burstSize: '400cc', lingerMs: 10, steadyHydratedAtMs: null},
        audit: {transition: 'started'},
      },
    })
  })

  it('A48 burst_uses_default_linger_when_omitted', () => {
    const state = burstState('100cc', 1, '400cc', null, [r0], null)
    const result = write(state, signals([]), 1000, {burstEnabled: true, defaultBurstLingerMs: 42_000})
    expect(result.burst?.record?.lingerMs).toBe(42_000)
  })

  it('A49 burst_does_not_arm_when_steady_hydrated', () => {
    expect(write(burstState('100cc', 1, '400cc', 10, [r0], null), signals([1]))).toEqual({})
  })

  it('A50 burst_does_not_arm_without_objects', () => {
    expect(write(burstState('100cc', 1, '400cc', 10, [r0], null), signals([], false))).toEqual({})
    expect(write(burstState('100cc', 1, '400cc', 10, [], null), signals([], false))).toEqual({})
    expect(write(burstState('100cc', 1, '400cc', 10, [r0], null), signals([1], false))).toEqual({})
  })

  it('A51 burst_arms_with_absent_steady_replica', () => {
    expect(write(burstState('100cc', 1, '400cc', 10, [], null), signals([])).burst?.audit).toEqual({
      transition: 'started',
    })
  })

  it('A52 burst_desires_one_replica_at_hydration_size', () => {
    const state = manual('100cc', 1, [r0], {
      availabilityZones: ['az1', 'az2'],
      autoScalingPolicy: policy('400cc', 10),
      burst: burstRecord('400cc', 10),
    })
    const slots = burst.desiredReplicas(state, signals([]), config, 1000)
    expect(slots).toEqual([{shape: shape('400cc', ['az1', 'az2']), reason: {kind: 'hydration-burst'}}])
  })

  it('A53 burst_no_record_desires_nothing', () => {
    expect(
      burst.desiredReplicas(burstState('100cc', 1, '400cc', 10, [r0], null), signals([]), config, 1000),
    ).toEqual([])
  })

  it('A54 burst_stamps_then_lingers_then_tears_down', () => {
    const unstamped = burstState('100cc', 1, '400cc', 100, [r0], burstRecord('400cc', 100))
    expect(write(unstamped, signals([1]), 1000)).toEqual({
      burst: {record: burstRecord('400cc', 100, 1000), audit: null},
    })
    const stamped = burstState('100cc', 1, '400cc', 100, [r0], burstRecord('400cc', 100, 1000))
    expect(write(stamped, signals([1]), 1050)).toEqual({})
    expect(write(stamped, signals([1]), 1101)).toEqual({
      burst: {record: null, audit: {transition: 'finished', cause: 'linger-elapsed'}},
    })
  })

  it('A55 burst_re_arms_when_steady_unhydrates', () => {
    const stamped = burstState('100cc', 1, '400cc', 100, [r0], burstRecord('400cc', 100, 1000))
    expect(write(stamped, signals([]), 1050)).toEqual({
      burst: {record: burstRecord('400cc', 100, null), audit: null},
    })
  })

  it('A56 burst_tears_down_when_cluster_off', () => {
    expect(write(burstState('100cc', 0, '400cc', 10, [], burstRecord('400cc', 10)), signals([]))).toEqual(
      noLongerWarranted,
    )
  })

  it('A57 burst_tears_down_when_policy_removed', () => {
    expect(write(burstState('100cc', 1, null, null, [r0], burstRecord('400cc', 10)), signals([]))).toEqual(
      noLongerWarranted,
    )
  })

  it('A58 burst_tears_down_on_size_change', () => {
    expect(write(burstState('100cc', 1, '800cc', 10, [r0], burstRecord('400cc', 10)), signals([]))).toEqual(
      noLongerWarranted,
    )
  })

  it('A59 burst_break_glass_disables_strategy', () => {
    const off: ConfigSignals = {burstEnabled: false, defaultBurstLingerMs: 0}
    expect(write(burstState('100cc', 1, '400cc', 10, [r0], null), signals([]), 1000, off)).toEqual({})
    const armed = burstState('100cc', 1, '400cc', 10, [r0], burstRecord('400cc', 10))
    expect(write(armed, signals([]), 1000, off)).toEqual(noLongerWarranted)
  })

  it('A60 burst_no_policy_is_a_noop', () => {
    const plain = manual('100cc', 1, [r0])
    expect(write(plain, signals([]))).toEqual({})
    expect(burst.desiredReplicas(plain, signals([]), config, 1000)).toEqual([])
    expect(burst.signalRequest(plain, config)).toEqual({
      hydration: false,
      hydratableObjects: false,
      refreshWindow: false,
    })
  })

  it('burstRecordWarranted is the shared predicate', () => {
    expect(burstRecordWarranted('400cc', 1, '400cc')).toBe(true)
    expect(burstRecordWarranted('400cc', 0, '400cc')).toBe(false)
    expect(burstRecordWarranted('400cc', 1, '800cc')).toBe(false)
    expect(burstRecordWarranted('400cc', 1, null)).toBe(false)
  })

  it('an overflowing linger never elapses', () => {
    const stamped = burstState('100cc', 1, '400cc', 2 ** 64, [r0], burstRecord('400cc', 2 ** 64, 1000))
    expect(write(stamped, signals([1]), Number.MAX_VALUE)).toEqual({})
  })
})

describe('A.6 hydration burst (through the seam)', () => {
  const seamCluster = (objects: boolean) => {
    const ctx = new FakeCtx([burstState('100cc', 1, '400cc', 0, [r0], null)])
    ctx.hasHydratableObjects.set(clusterId('u1'), objects)
    return ctx
  }
  const burstReplicas = (ctx: FakeCtx) => sizesOf(ctx.state()).filter((size) => size === '400cc')

  it('A61 burst_seam_creates_then_tears_down', async () => {
    const ctx = seamCluster(true)
    await runTick(ctx)
    expect(ctx.state().burst).toEqual(burstRecord('400cc', 0, null))
    const creates = ctx.decisions('create')
    expect(creates.map((d) => [d.shape.size, d.attribution, d.reason])).toEqual([
      ['400cc', ['hydration-burst'], {kind: 'hydration-burst'}],
    ])

    ctx.hydrated.add(replicaId('u1'))
    ctx.nowMs = 2000
    await runTick(ctx)
    expect(ctx.state().burst?.steadyHydratedAtMs).toBe(2000)

    ctx.nowMs = 3000
    await runTick(ctx)
    expect(ctx.state().burst).toBeNull()
    expect(burstReplicas(ctx)).toEqual([])
  })

  it('A62 burst_empty_cluster_never_arms_through_seam', async () => {
    const ctx = seamCluster(false)
    for (const nowMs of [1000, 2000, 3000]) {
      if (nowMs === 3000) ctx.hydrated.add(replicaId('u1'))
      ctx.nowMs = nowMs
      await runTick(ctx)
    }
    expect(ctx.applied).toEqual([])
    expect(ctx.state().burst).toBeNull()
    expect(ctx.hydrationProbes).toBe(3)
  })

  it('A63 burst_arms_when_first_object_lands_through_seam', async () => {
    const ctx = seamCluster(false)
    await runTick(ctx)
    expect(ctx.applied).toEqual([])
    ctx.hasHydratableObjects.set(clusterId('u1'), true)
    ctx.nowMs = 2000
    await runTick(ctx)
    expect(ctx.state().burst?.burstSize).toBe('400cc')
    expect(ctx.decisions('create').map((d) => d.shape.size)).toEqual(['400cc'])
  })

  it('A64 burst_policy_alter_rejects_in_flight_decision', async () => {
    const ctx = seamCluster(true)
    ctx.witnessCheck = true
    ctx.splice = (fake) => fake.update('u1', (s) => ({...s, autoScalingPolicy: null}))
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(1)
    expect(ctx.decisions('updateState')).toHaveLength(1)
    expect(ctx.outcomes).toEqual(['rejected'])
    expect(ctx.state().burst).toBeNull()
    expect(burstReplicas(ctx)).toEqual([])
    expect(ctx.state().autoScalingPolicy).toBeNull()
  })

  it('A65 burst_unchanged_policy_passes_witness', async () => {
    const ctx = seamCluster(true)
    ctx.witnessCheck = true
    await runTick(ctx)
    expect(ctx.state().burst?.burstSize).toBe('400cc')
    expect(burstReplicas(ctx)).toEqual(['400cc'])
  })
})
