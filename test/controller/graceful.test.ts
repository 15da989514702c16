// Graceful reconfiguration scenarios A16–A30: pure strategy checks and full flows through the seam.

import {describe, expect, it} from 'vitest'

import type {ClusterState, LiveSignals} from '../../src/lib/controller/context.js'
import {DEFAULT_CONFIG_SIGNALS, replicaId} from '../../src/lib/controller/context.js'
import {gracefulReconfiguration as graceful} from '../../src/lib/controller/strategies/index.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {FakeCtx, manual, record, rep, signalsHydrated, sizesOf} from './fake-ctx.js'

const config = DEFAULT_CONFIG_SIGNALS
const write = (state: ClusterState, signals: LiveSignals, nowMs = 1000) =>
  graceful.updateState(state, signals, config, nowMs)
const desired = (state: ClusterState, signals: LiveSignals, nowMs = 1000) =>
  graceful.desiredReplicas(state, signals, config, nowMs).map((slot) => slot.shape.size)

/** 100cc rf 1 with r0@100cc (u1) and r1@200cc (u2). */
const overlapping = (deadlineMs: number, onTimeout: 'commit' | 'rollback' = 'rollback') =>
  manual('100cc', 1, [rep('r0@100cc', 1), rep('r1@200cc', 2)], {
    reconfiguration: record('200cc', 1, deadlineMs, onTimeout),
  })

describe('A.3 graceful reconfiguration (strategy)', () => {
  it('A16 graceful_desires_target_while_in_flight', () => {
    const state = manual('100cc', 2, [rep('r0@100cc', 1), rep('r1@100cc', 2)], {
      reconfiguration: record('200cc', 2, 5000),
    })
    expect(write(state, signalsHydrated())).toEqual({})
    expect(desired(state, signalsHydrated())).toEqual(['200cc', '200cc'])
    expect(graceful.signalRequest(state, config).hydration).toBe(true)
  })

  const fourReplicas = manual(
    '100cc',
    2,
    [rep('r0@100cc', 1), rep('r1@100cc', 2), rep('r2@200cc', 3), rep('r3@200cc', 4)],
    {
      reconfiguration: record('200cc', 2, 5000),
    },
  )

  it('A17 graceful_cuts_over_when_target_hydrated', () => {
    const result = write(fourReplicas, signalsHydrated(3, 4))
    expect(result.newSize).toBe('200cc')
    expect(result.newReplicationFactor).toBe(2)
    expect(result.reconfiguration?.record?.status).toBe('finalized')
    expect(result.reconfiguration?.audit).toEqual({transition: 'finalized', forced: false})
  })

  it('A18 graceful_partial_hydration_does_not_cut_over', () => {
    expect(write(fourReplicas, signalsHydrated(3))).toEqual({})
    expect(desired(fourReplicas, signalsHydrated(3))).toEqual(['200cc', '200cc'])
  })

  it('A19 graceful_rf_zero_target_cuts_over_on_first_tick', () => {
    const state = manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('200cc', 0, 9_000_000)})
    const result = write(state, signalsHydrated())
    expect(result.newSize).toBe('200cc')
    expect(result.newReplicationFactor).toBe(0)
    expect(result.reconfiguration?.record?.status).toBe('finalized')
    expect(result.reconfiguration?.audit).toEqual({transition: 'finalized', forced: false})
  })

  it('A20 graceful_extra_unhydrated_same_shape_replica_does_not_block_cutover', () => {
    const state = manual('100cc', 1, [rep('r0@100cc', 1), rep('r1@200cc', 2), rep('r2@200cc', 3)], {
      reconfiguration: record('200cc', 1, 9_000_000),
    })
    const result = write(state, signalsHydrated(2))
    expect(result.reconfiguration?.record?.status).toBe('finalized')
    expect(result.reconfiguration?.audit).toEqual({transition: 'finalized', forced: false})
  })

  it('A21 graceful_timeout_vs_hydrated_precedence', () => {
    const state = overlapping(1000)
    expect(write(state, signalsHydrated(2), 9999).newSize).toBe('200cc')
    expect(desired(state, signalsHydrated(2), 9999)).toEqual(['200cc'])
  })

  it('A22 graceful_timeout_marks_record_timed_out_and_drops_target', () => {
    const state = overlapping(1000)
    const result = write(state, signalsHydrated(), 9999)
    expect(result).toEqual({
      reconfiguration: {
        record: record('200cc', 1, 1000, 'rollback', 'timed-out'),
        audit: {transition: 'timed-out'},
      },
    })
    expect(desired(state, signalsHydrated(), 9999)).toEqual([])
  })

  it('A23 graceful_commit_on_timeout_cuts_over_unhydrated', () => {
    const state = overlapping(1000, 'commit')
    const result = write(state, signalsHydrated(), 9999)
    expect(result.newSize).toBe('200cc')
    expect(result.reconfiguration?.record?.status).toBe('finalized')
    expect(result.reconfiguration?.audit).toEqual({transition: 'finalized', forced: true})
    expect(desired(state, signalsHydrated(), 9999)).toEqual(['200cc'])
  })

  it('A24 graceful_deadline_fires_at_exact_timestamp', () => {
    const commit = manual('100cc', 1, [rep('r0@100cc', 1)], {
      reconfiguration: record('200cc', 1, 1000, 'commit'),
    })
    expect(write(commit, signalsHydrated(), 999)).toEqual({})
    const atDeadline = write(commit, signalsHydrated(), 1000)
    expect(atDeadline.newSize).toBe('200cc')
    expect(atDeadline.reconfiguration?.record?.status).toBe('finalized')

    const rollback = manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('200cc', 1, 1000)})
    const timedOut = write(rollback, signalsHydrated(), 1000)
    expect(timedOut.newSize).toBeUndefined()
    expect(timedOut.reconfiguration?.record?.status).toBe('timed-out')
    expect(desired(rollback, signalsHydrated(), 1000)).toEqual([])
  })

  it('A25 graceful_rollback_on_timeout_before_deadline_still_overlaps', () => {
    const state = manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('200cc', 1, 5000)})
    expect(write(state, signalsHydrated())).toEqual({})
    expect(desired(state, signalsHydrated())).toEqual(['200cc'])
  })

  it('A26 graceful_az_only_reconfiguration_is_a_shape_change', () => {
    const state = manual('100cc', 1, [rep('r0@100cc', 1, {availabilityZones: ['az1']})], {
      availabilityZones: ['az1'],
      reconfiguration: record('100cc', 1, 5000, 'rollback', 'in-progress', ['az2']),
    })
    const slots = graceful.desiredReplicas(state, signalsHydrated(1), config, 1000)
    expect(slots.map((slot) => slot.shape.availabilityZones)).toEqual([['az2']])
    expect(write(state, signalsHydrated(1))).toEqual({})
  })

  it('terminal records are inert', () => {
    const state = manual('100cc', 1, [rep('r0@100cc', 1)], {
      reconfiguration: record('200cc', 1, 500, 'commit', 'timed-out'),
    })
    expect(graceful.signalRequest(state, config).hydration).toBe(false)
    expect(write(state, signalsHydrated())).toEqual({})
    expect(desired(state, signalsHydrated())).toEqual([])
  })
})

describe('A.3 graceful reconfiguration (through the seam)', () => {
  it('A27 graceful_full_flow_overlap_then_cutover', async () => {
    const ctx = new FakeCtx([
      manual('100cc', 2, [rep('r0@100cc', 1), rep('r1@100cc', 2)], {
        reconfiguration: record('200cc', 2, 9_000_000),
      }),
    ])
    await runTick(ctx)
    expect(ctx.decisions('create')).toHaveLength(2)
    expect(ctx.decisions('drop')).toHaveLength(0)
    expect(ctx.state().size).toBe('100cc')
    expect(ctx.state().replicas).toHaveLength(4)

    for (const replica of ctx.state().replicas.filter((r) => r.shape?.size === '200cc'))
      ctx.hydrated.add(replica.replicaId)
    await runTick(ctx)
    expect(ctx.state().size).toBe('200cc')
    expect(ctx.state().reconfiguration?.status).toBe('finalized')
    expect(sizesOf(ctx.state())).toEqual(['200cc', '200cc'])
    expect(ctx.decisions('drop').length).toBeGreaterThan(0)

    const batches = ctx.applied.length
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(batches)
  })

  it('A28 graceful_alter_back_finalizes_without_churn', async () => {
    const ctx = new FakeCtx([
      manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('100cc', 1, 9_000_000)}),
    ])
    ctx.hydrated.add(replicaId('u1'))
    await runTick(ctx)
    expect(ctx.decisions('create')).toEqual([])
    expect(ctx.decisions('drop')).toEqual([])
    expect(ctx.state().reconfiguration?.status).toBe('finalized')
    expect(ctx.state().size).toBe('100cc')
    expect(ctx.state().replicas).toHaveLength(1)
  })

  it('A29 graceful_rollback_at_timeout_drops_target_through_seam', async () => {
    const ctx = new FakeCtx([overlapping(1000)])
    ctx.nowMs = 9999
    await runTick(ctx)
    const writes = ctx.decisions('updateState')
    expect(writes).toHaveLength(1)
    expect(writes[0]?.write.newSize).toBeUndefined()
    expect(writes[0]?.write.reconfiguration?.record?.status).toBe('timed-out')
    expect(ctx.decisions('create')).toEqual([])
    expect(ctx.decisions('drop').map((d) => d.replicaId)).toEqual([replicaId('u2')])
    expect(ctx.state().size).toBe('100cc')
    expect(sizesOf(ctx.state())).toEqual(['100cc'])
    expect(ctx.state().reconfiguration?.status).toBe('timed-out')

    const batches = ctx.applied.length
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(batches)
  })

  it('A30 graceful_commit_at_timeout_cuts_over_through_seam', async () => {
    const ctx = new FakeCtx([overlapping(1000, 'commit')])
    ctx.nowMs = 9999
    await runTick(ctx)
    expect(ctx.state().size).toBe('200cc')
    expect(ctx.state().reconfiguration?.status).toBe('finalized')
    expect(ctx.outcomes[0]).toBe('applied')
    expect(ctx.applied[0]?.map((d) => d.kind)).toEqual(['updateState'])
    expect(ctx.decisions('create')).toEqual([])
    expect(ctx.decisions('drop').map((d) => d.replicaId)).toEqual([replicaId('u1')])
    expect(sizesOf(ctx.state())).toEqual(['200cc'])

    const batches = ctx.applied.length
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(batches)
  })
})
