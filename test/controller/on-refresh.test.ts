// ON REFRESH scenarios A33–A46: rf normalisation, the window decision, and seam flows including the
// schedule in the witness.

import {describe, expect, it} from 'vitest'

import type {ClusterState, LiveSignals, RefreshWindowInputs} from '../../src/lib/controller/context.js'
import {clusterId, DEFAULT_CONFIG_SIGNALS, objectId} from '../../src/lib/controller/context.js'
import {baseline, onRefresh} from '../../src/lib/controller/strategies/index.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {FakeCtx, manual, record, rep, scheduled, windowInputs} from './fake-ctx.js'

const config = DEFAULT_CONFIG_SIGNALS

/** A scheduled 100cc cluster with the given hydration-time estimate. */
const withEstimate = (hydrationTimeEstimateMs: number): ClusterState =>
  scheduled('100cc', 0, [], {schedule: {kind: 'on-refresh', hydrationTimeEstimateMs}})

const slots = (inputs: RefreshWindowInputs, hydrationTimeEstimateMs = 0) => {
  const signals: LiveSignals = {refreshWindow: inputs}
  return onRefresh.desiredReplicas(withEstimate(hydrationTimeEstimateMs), signals, config, 1000)
}

const decisionOf = (inputs: RefreshWindowInputs, hydrationTimeEstimateMs = 0) => {
  const [slot] = slots(inputs, hydrationTimeEstimateMs)
  return slot?.reason.kind === 'on-refresh' ? slot.reason.decision : null
}

const u1 = objectId('u1')

describe('A.5 on-refresh (strategy)', () => {
  it('A33 on_refresh_baseline_holds_nothing_on_scheduled', () => {
    expect(baseline.desiredReplicas(scheduled('100cc', 1), {}, config, 1000)).toEqual([])
  })

  it('A34 on_refresh_normalizes_replication_factor', () => {
    expect(onRefresh.updateState(scheduled('100cc', 1), {}, config, 1000)).toEqual({newReplicationFactor: 0})
    expect(onRefresh.updateState(scheduled('100cc', 0), {}, config, 1000)).toEqual({})
    expect(onRefresh.updateState(manual('100cc', 1), {}, config, 1000)).toEqual({})
  })

  it('A35 on_refresh_in_window_desires_one_replica', () => {
    const desired = slots(windowInputs(100, 0, 50, [1000]))
    expect(desired).toHaveLength(1)
    expect(desired[0]?.shape.size).toBe('100cc')
    expect(decisionOf(windowInputs(100, 0, 50, [1000]))).toEqual({
      objectsNeedingRefresh: [u1],
      objectsNeedingCompaction: [],
      hydrationTimeEstimateMs: 0,
    })
  })

  it('A36 on_refresh_window_decision_lists_due_mvs', () => {
    const inputs: RefreshWindowInputs = {
      readTs: 100,
      compactionEstimateMs: 0,
      refreshMvs: [
        {id: u1, writeFrontier: 50, refreshSchedule: {everies: [], ats: [1000]}},
        {id: objectId('u2'), writeFrontier: 200, refreshSchedule: {everies: [], ats: [1000]}},
      ],
    }
    expect(slots(inputs)).toHaveLength(1)
    expect(decisionOf(inputs)?.objectsNeedingRefresh).toEqual([u1])
    expect(decisionOf(inputs)?.objectsNeedingCompaction).toEqual([])
  })

  it('A37 on_refresh_caught_up_at_read_ts_is_off', () => {
    expect(slots(windowInputs(100, 0, 100, [50]))).toEqual([])
  })

  it('A38 on_refresh_empty_frontier_needs_no_refresh', () => {
    expect(slots(windowInputs(1000, 100, null, [200]))).toEqual([])
  })

  it('A39 on_refresh_hydration_estimate_opens_window_early', () => {
    expect(slots(windowInputs(100, 0, 200, [1000]), 150)).toHaveLength(1)
    expect(slots(windowInputs(100, 0, 200, [1000]), 0)).toEqual([])
  })

  it('A40 on_refresh_compaction_window_keeps_cluster_on', () => {
    expect(slots(windowInputs(250, 100, 300, [200]))).toHaveLength(1)
    expect(decisionOf(windowInputs(250, 100, 300, [200]))).toMatchObject({
      objectsNeedingRefresh: [],
      objectsNeedingCompaction: [u1],
    })
    expect(slots(windowInputs(400, 100, 500, [200]))).toEqual([])
  })

  it('A44 on_refresh_compaction_window_with_refresh_every', () => {
    const every = [{intervalMs: 100, alignedToMs: 0}]
    expect(decisionOf(windowInputs(450, 100, 500, [], every))).toMatchObject({
      objectsNeedingRefresh: [],
      objectsNeedingCompaction: [u1],
    })
    expect(slots(windowInputs(450, 10, 500, [], every))).toEqual([])
    expect(slots(windowInputs(450, 100_000, null, [], every))).toEqual([])
  })

  it('A45 on_refresh_skips_rf_normalization_while_reconfiguring', () => {
    const inFlight = scheduled('100cc', 1, [], {reconfiguration: record('200cc', 2, 5000)})
    expect(onRefresh.updateState(inFlight, {}, config, 1000)).toEqual({})
    const settled = scheduled('100cc', 1, [], {
      reconfiguration: record('200cc', 2, 5000, 'rollback', 'finalized'),
    })
    expect(onRefresh.updateState(settled, {}, config, 1000)).toEqual({newReplicationFactor: 0})
  })

  it('absent window inputs desire nothing; only scheduled clusters request them', () => {
    expect(onRefresh.desiredReplicas(withEstimate(0), {refreshWindow: null}, config, 1000)).toEqual([])
    expect(onRefresh.signalRequest(withEstimate(0), config).refreshWindow).toBe(true)
    expect(onRefresh.signalRequest(manual('100cc', 1), config).refreshWindow).toBe(false)
  })
})

describe('A.5 on-refresh (through the seam)', () => {
  it('A41 on_refresh_creates_in_window_through_seam', async () => {
    const ctx = new FakeCtx([scheduled('100cc', 1)])
    ctx.refreshInputs.set(clusterId('u1'), windowInputs(100, 0, 50, [1000]))
    await runTick(ctx)
    expect(ctx.state().replicationFactor).toBe(0)
    const creates = ctx.decisions('create')
    expect(creates).toHaveLength(1)
    expect(creates[0]?.shape.size).toBe('100cc')
    expect(creates[0]?.attribution).toEqual(['on-refresh'])
    expect(creates[0]?.reason).toEqual({
      kind: 'on-refresh',
      decision: {objectsNeedingRefresh: [u1], objectsNeedingCompaction: [], hydrationTimeEstimateMs: 0},
    })
    expect(ctx.decisions('drop')).toEqual([])

    const batches = ctx.applied.length
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(batches)
  })

  const closedWindow = () => {
    const ctx = new FakeCtx([scheduled('100cc', 0, [rep('r0@100cc', 1)])])
    ctx.refreshInputs.set(clusterId('u1'), windowInputs(100, 0, 200, [50]))
    ctx.witnessCheck = true
    return ctx
  }

  it('A42 on_refresh_schedule_alter_rejects_in_flight_decision', async () => {
    const ctx = closedWindow()
    ctx.splice = (fake) => fake.update('u1', (s) => ({...s, schedule: {kind: 'manual'}}))
    await runTick(ctx)
    const drops = ctx.decisions('drop')
    expect(ctx.applied).toHaveLength(1)
    expect(drops).toHaveLength(1)
    expect(drops[0]?.expected.schedule).toEqual({kind: 'on-refresh', hydrationTimeEstimateMs: 0})
    expect(ctx.outcomes).toEqual(['rejected'])
    expect(ctx.state().replicas).toHaveLength(1)
    expect(ctx.state().schedule).toEqual({kind: 'manual'})
  })

  it('A43 on_refresh_unchanged_schedule_passes_witness', async () => {
    const ctx = closedWindow()
    await runTick(ctx)
    expect(ctx.decisions('drop')).toHaveLength(1)
    expect(ctx.outcomes).toEqual(['applied'])
    expect(ctx.state().replicas).toEqual([])
  })

  it('A46 on_refresh_graceful_record_settles_then_normalizes', async () => {
    const ctx = new FakeCtx([scheduled('100cc', 1, [], {reconfiguration: record('200cc', 2, 500, 'commit')})])
    await runTick(ctx) // no tripwire: graceful is the single writer of rf while in progress
    expect(ctx.state().size).toBe('200cc')
    expect(ctx.state().replicationFactor).toBe(2)
    expect(ctx.state().reconfiguration?.status).toBe('finalized')
    await runTick(ctx)
    expect(ctx.state().replicationFactor).toBe(0)
  })
})
