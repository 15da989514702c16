// Kernel and seam scenarios A1–A15 and A31–A32 (union/diff, names, compare-and-append, merging,
// resource exhaustion), the tick report, and helper scenarios B1, B7, B8.

import {describe, expect, it} from 'vitest'

import type {ExpectedClusterState, ReplicaShape, StateWrite} from '../../src/lib/controller/context.js'
import {
  clusterId,
  DEFAULT_LOGGING,
  NO_SIGNALS,
  objectId,
  replicaId,
} from '../../src/lib/controller/context.js'
import {ConflictingStateWritesError, mergeStateWrites} from '../../src/lib/controller/merge.js'
import {freshReplicaNames} from '../../src/lib/controller/names.js'
import {createAuditReason, mergeCreateReasons, reconcileReplicas} from '../../src/lib/controller/reconcile.js'
import {
  availabilityZonePoolsEqual,
  availabilityZonesEqual,
  shapesMatch,
} from '../../src/lib/controller/shape.js'
import {baseline} from '../../src/lib/controller/strategies/index.js'
import type {Strategy} from '../../src/lib/controller/strategy.js'
import {disabledTickReport, runTick} from '../../src/lib/controller/tick.js'
import {FakeCtx, manual, record, rep, scheduled, shape} from './fake-ctx.js'

/** A test strategy that desires fixed shapes (reason baseline: no audit detail). */
const fixed = (name: string, shapes: ReplicaShape[]): Strategy => ({
  name,
  signalRequest: () => NO_SIGNALS,
  updateState: () => ({}),
  desiredReplicas: () => shapes.map((s) => ({shape: s, reason: {kind: 'baseline'}})),
})

/** A test strategy that only writes state. */
const writer = (name: string, write: StateWrite): Strategy => ({
  name,
  signalRequest: () => NO_SIGNALS,
  updateState: () => write,
  desiredReplicas: () => [],
})

const steadyWitness = (replicationFactor: number): ExpectedClusterState => ({
  size: '100cc',
  replicationFactor,
  availabilityZones: [],
  logging: DEFAULT_LOGGING,
  schedule: {kind: 'manual'},
  autoScalingPolicy: null,
  reconfiguration: null,
  burst: null,
})

describe('A.1 baseline and union/diff', () => {
  it('A1 steady_state_is_a_noop', async () => {
    const ctx = new FakeCtx([manual('100cc', 2, [rep('r0@100cc', 1), rep('r1@100cc', 2)])])
    const report = await runTick(ctx)
    expect(ctx.applied).toEqual([])
    expect(ctx.liveSignalCalls).toBe(0) // nothing requested ⇒ nothing fetched
    expect(report.clusters).toEqual([])
    expect(report.clustersExamined).toBe(1)
  })

  it('A2 create_skips_foreign_replica_names', async () => {
    const ctx = new FakeCtx([manual('100cc', 1, [rep('r1@100cc', 9, {internal: true})])])
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(1)
    const creates = ctx.decisions('create')
    expect(creates.map((d) => d.name)).toEqual(['r2'])
    expect(ctx.decisions('drop')).toEqual([])
    expect(ctx.state().replicas).toHaveLength(2)
  })

  it('A3 no_managed_clusters_is_a_noop', async () => {
    const ctx = new FakeCtx()
    const report = await runTick(ctx)
    expect(ctx.applied).toEqual([])
    expect(report).toEqual({nowMs: 1000, controllerEnabled: true, clusters: [], clustersExamined: 0})
  })

  it('A4 under_provisioned_baseline_creates', async () => {
    const ctx = new FakeCtx([manual('100cc', 3, [rep('r0@100cc', 1)])])
    await runTick(ctx)
    const creates = ctx.decisions('create')
    expect(creates.map((d) => [d.name, d.shape.size])).toEqual([
      ['r1', '100cc'],
      ['r2', '100cc'],
    ])
    expect(ctx.decisions('drop')).toEqual([])
  })

  it('A5 over_provisioned_baseline_drops', async () => {
    const ctx = new FakeCtx([manual('100cc', 1, [rep('r0@100cc', 1), rep('r1@100cc', 2)])])
    await runTick(ctx)
    expect(ctx.decisions('create')).toEqual([])
    expect(ctx.decisions('drop').map((d) => d.replicaId)).toEqual([replicaId('u2')])
  })

  it('A6 wrong_shape_replica_dropped', async () => {
    const ctx = new FakeCtx([manual('200cc', 1, [rep('r0@100cc', 1)])])
    const report = await runTick(ctx)
    expect(ctx.applied).toHaveLength(1)
    expect(ctx.applied[0]?.map((d) => d.kind)).toEqual(['create', 'drop'])
    expect(ctx.decisions('create')[0]?.shape.size).toBe('200cc')
    expect(ctx.decisions('drop')[0]?.replicaId).toBe(replicaId('u1'))
    expect(report.clusters).toHaveLength(1)
    expect(report.clusters[0]?.batches[0]).toMatchObject({
      phase: 'replicas',
      stateWrite: null,
      creates: [{name: 'r1', shape: shape('200cc'), reason: {kind: 'baseline'}, attribution: ['baseline']}],
      drops: [{replicaId: replicaId('u1'), name: 'r0', size: '100cc'}],
      outcome: 'applied',
    })
    expect(report.clusters[0]?.before).toEqual({
      size: '200cc',
      replicationFactor: 1,
      availabilityZones: [],
      logging: DEFAULT_LOGGING,
      reconfigurationStatus: null,
      burstSize: null,
    })
  })

  it('A7 union_takes_max_not_sum_per_shape', async () => {
    const ctx = new FakeCtx([manual('100cc', 2, [rep('r0@100cc', 1), rep('r1@100cc', 2)])])
    await runTick(ctx, {strategies: [baseline, fixed('extra', [shape('100cc')])]})
    expect(ctx.applied).toEqual([])
  })

  it('A8 distinct_shapes_union_and_attribute', async () => {
    const ctx = new FakeCtx([manual('100cc', 2, [rep('r0@100cc', 1), rep('r1@100cc', 2)])])
    await runTick(ctx, {strategies: [baseline, fixed('extra', [shape('200cc')])]})
    const creates = ctx.decisions('create')
    expect(creates).toHaveLength(1)
    expect(creates[0]?.shape.size).toBe('200cc')
    expect(creates[0]?.attribution).toEqual(['extra'])
    expect(creates[0]?.reason).toEqual({kind: 'baseline'}) // no audit detail
    expect(ctx.decisions('drop')).toEqual([])
  })

  it('A9 shared_shape_merge_keeps_audit_detail', () => {
    const decision = {
      objectsNeedingRefresh: [objectId('u7')],
      objectsNeedingCompaction: [],
      hydrationTimeEstimateMs: 0,
    }
    const decisions = reconcileReplicas(scheduled('100cc', 0), [
      {strategy: 'extra', desired: [{shape: shape('100cc'), reason: {kind: 'baseline'}}]},
      {strategy: 'on-refresh', desired: [{shape: shape('100cc'), reason: {kind: 'on-refresh', decision}}]},
    ])
    expect(decisions).toHaveLength(1)
    expect(decisions[0]).toMatchObject({
      kind: 'create',
      name: 'r1',
      attribution: ['extra', 'on-refresh'],
      reason: {kind: 'on-refresh', decision},
    })
  })
})

describe('A.2 compare-and-append, isolation, merging', () => {
  it('A10 caa_conflict_is_rejected_and_recovered', async () => {
    // While no record exists, start one to 200cc at the current rf; desire the realized set.
    const starter: Strategy = {
      name: 'starter',
      signalRequest: () => NO_SIGNALS,
      updateState: (state, _signals, _config, nowMs) =>
        state.reconfiguration !== null
          ? {}
          : {reconfiguration: {record: record('200cc', state.replicationFactor, nowMs), audit: null}},
      desiredReplicas: (state) =>
        baseline.desiredReplicas(state, {}, {burstEnabled: true, defaultBurstLingerMs: 0}, 0),
    }
    const ctx = new FakeCtx([manual('100cc', 1, [rep('r0@100cc', 1)])])
    ctx.rejectNext = 1

    const first = await runTick(ctx, {strategies: [starter]})
    expect(ctx.applied).toHaveLength(1)
    const [attempt] = ctx.decisions('updateState')
    expect(attempt?.expected).toEqual(steadyWitness(1))
    expect(attempt?.write.reconfiguration?.record?.target.replicationFactor).toBe(1)
    expect(ctx.state().reconfiguration).toBeNull()
    expect(ctx.state().replicas).toHaveLength(1)
    expect(first.clusters[0]?.skipped).toBe(true)

    ctx.update('u1', (s) => ({
      ...s,
      replicationFactor: 2,
      replicas: [rep('r0@100cc', 1), rep('r1@100cc', 2)],
    }))
    await runTick(ctx, {strategies: [starter]})
    expect(ctx.applied).toHaveLength(2)
    const second = ctx.decisions('updateState')[1]
    expect(second?.expected.replicationFactor).toBe(2)
    expect(second?.write.reconfiguration?.record?.target.replicationFactor).toBe(2)
    expect(ctx.outcomes[1]).toBe('applied')

    await runTick(ctx, {strategies: [starter]})
    expect(ctx.applied).toHaveLength(2)
  })

  it('A11 create_drop_is_caa_guarded_and_recovers', async () => {
    const ctx = new FakeCtx([manual('100cc', 1, [rep('r0@100cc', 1), rep('r1@100cc', 2)])])
    ctx.rejectNext = 1
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(1)
    expect(ctx.applied[0]).toEqual([
      {kind: 'drop', clusterId: clusterId('u1'), replicaId: replicaId('u2'), expected: steadyWitness(1)},
    ])
    expect(ctx.state().replicas).toHaveLength(2)

    await runTick(ctx)
    expect(ctx.decisions('drop')).toHaveLength(2)
    expect(ctx.state().replicas).toHaveLength(1)

    await runTick(ctx)
    expect(ctx.applied).toHaveLength(2)
  })

  it('A12 rejection_is_isolated_per_cluster', async () => {
    const twoReplicas = [rep('r0@100cc', 1), rep('r1@100cc', 2)]
    const ctx = new FakeCtx([
      manual('100cc', 1, twoReplicas),
      manual('100cc', 1, twoReplicas, {clusterId: clusterId('u2')}),
    ])
    ctx.rejectNext = 1
    await runTick(ctx)
    const counts = [ctx.state('u1').replicas.length, ctx.state('u2').replicas.length]
    expect(counts.sort()).toEqual([1, 2])
  })

  it('A13 disjoint_state_writes_merge_into_one_apply', async () => {
    const ctx = new FakeCtx([manual('100cc', 1)])
    await runTick(ctx, {
      strategies: [writer('A', {newSize: '200cc'}), writer('B', {newReplicationFactor: 2})],
    })
    expect(ctx.applied).toHaveLength(1)
    expect(ctx.applied[0]).toHaveLength(1)
    expect(ctx.decisions('updateState')[0]?.write).toEqual({newSize: '200cc', newReplicationFactor: 2})
  })

  it('A14 conflicting_state_writes_trip_the_tripwire', async () => {
    const strategies = [writer('A', {newSize: '400cc'}), writer('B', {newSize: '100cc'})]
    const ctx = new FakeCtx([manual('200cc', 0)])
    await expect(runTick(ctx, {strategies})).rejects.toBeInstanceOf(ConflictingStateWritesError)
    expect(ctx.applied).toEqual([])

    // Production semantics: the alarm is reported and the field is left unchanged.
    const alarms: string[] = []
    await runTick(ctx, {strategies, onConflict: (c) => alarms.push(`${c.clusterId}:${c.field}`)})
    expect(alarms).toEqual(['u1:newSize'])
    expect(ctx.applied).toEqual([])
    expect(ctx.state().size).toBe('200cc')
  })

  it('A14 merge is order-independent and deep', () => {
    const alarms: string[] = []
    const log = (c: {field: string}) => alarms.push(c.field)
    const a: StateWrite = {newSize: '400cc', newAvailabilityZones: ['az1']}
    const b: StateWrite = {newSize: '100cc', newAvailabilityZones: ['az1']}
    const c: StateWrite = {newSize: '400cc'}
    expect(mergeStateWrites([a, b, c], log)).toEqual({newAvailabilityZones: ['az1']})
    expect(mergeStateWrites([c, b, a], log)).toEqual({newAvailabilityZones: ['az1']})
    expect(alarms).toEqual(['newSize', 'newSize'])
    expect(() => mergeStateWrites([a, b])).toThrow(/conflicting state writes/)
  })

  it('A15 replica_name_gen_is_one_based_and_avoids_used', () => {
    expect(freshReplicaNames([], 2)).toEqual(['r1', 'r2'])
    expect(freshReplicaNames(['r2', 'custom'], 1)).toEqual(['r3'])
    expect(freshReplicaNames(['r0'], 1)).toEqual(['r1'])
    expect(freshReplicaNames(['r1', 'r2'], 2)).toEqual(['r3', 'r4'])
    expect(freshReplicaNames(['r3'], 2)).toEqual(['r4', 'r5'])
  })
})

describe('A.4 resource exhaustion', () => {
  it('A31 resource_exhaustion_sheds_the_reconfiguration', async () => {
    const ctx = new FakeCtx([
      manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('200cc', 1, 9999)}),
    ])
    const witness = {...steadyWitness(1), reconfiguration: record('200cc', 1, 9999)}
    ctx.exhaustNext = 1
    const report = await runTick(ctx)
    expect(ctx.applied).toHaveLength(2)
    expect(ctx.applied[0]?.map((d) => [d.kind, d.kind === 'create' ? d.shape.size : null])).toEqual([
      ['create', '200cc'],
    ])
    expect(ctx.outcomes[0]).toBe('resource-exhausted')
    expect(ctx.applied[1]).toEqual([
      {
        kind: 'updateState',
        clusterId: clusterId('u1'),
        expected: witness,
        write: {
          reconfiguration: {
            record: record('200cc', 1, 9999, 'rollback', 'resource-exhausted'),
            audit: {transition: 'resource-exhausted'},
          },
        },
      },
    ])
    expect(report.clusters[0]?.batches.map((b) => [b.phase, b.outcome])).toEqual([
      ['replicas', 'resource-exhausted'],
      ['shed', 'applied'],
    ])
    expect(ctx.state().reconfiguration?.status).toBe('resource-exhausted')
    expect(ctx.state().size).toBe('100cc')
    expect(ctx.state().replicas).toHaveLength(1)

    await runTick(ctx)
    expect(ctx.applied).toHaveLength(2)
  })

  it('A32 resource_exhaustion_without_transient_strategy_sheds_nothing', async () => {
    const ctx = new FakeCtx([manual('100cc', 2, [rep('r0@100cc', 1)])])
    ctx.exhaustNext = 1
    await runTick(ctx)
    expect(ctx.applied).toHaveLength(1)
    expect(ctx.state().replicas).toHaveLength(1)
    await runTick(ctx) // retried on the next tick
    expect(ctx.state().replicas).toHaveLength(2)
  })
})

describe('tick options and report', () => {
  it("phases 'state' runs phase 1 only", async () => {
    const ctx = new FakeCtx([
      manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('200cc', 1, 500, 'commit')}),
    ])
    const report = await runTick(ctx, {phases: 'state'})
    expect(ctx.applied.map((batch) => batch.map((d) => d.kind))).toEqual([['updateState']])
    expect(ctx.state().size).toBe('200cc')
    expect(report.clusters[0]?.before.size).toBe('100cc')
    expect(report.clusters[0]?.before.reconfigurationStatus).toBe('in-progress')
  })

  it("phases 'replicas' runs phase 2 only, on a fresh read", async () => {
    const ctx = new FakeCtx([
      manual('100cc', 1, [rep('r0@100cc', 1)], {reconfiguration: record('200cc', 1, 500, 'commit')}),
    ])
    await runTick(ctx, {phases: 'replicas'})
    expect(ctx.decisions('updateState')).toEqual([])
    expect(ctx.decisions('create').map((d) => d.shape.size)).toEqual(['200cc'])
  })

  it('disabledTickReport says the controller did nothing', () => {
    expect(disabledTickReport(42)).toEqual({
      nowMs: 42,
      controllerEnabled: false,
      clusters: [],
      clustersExamined: 0,
    })
  })
})

describe('B helpers', () => {
  it('B1 test_reason_from_strategies', () => {
    const graceful = {kind: 'graceful-reconfiguration'} as const
    const burst = {kind: 'hydration-burst'} as const
    const base = {kind: 'baseline'} as const
    expect(mergeCreateReasons([base])).toEqual(base)
    expect(mergeCreateReasons([])).toEqual(base)
    expect(mergeCreateReasons([graceful])).toEqual(graceful)
    expect(createAuditReason(mergeCreateReasons([graceful]))).toBe('reconfiguration')
    expect(mergeCreateReasons([burst])).toEqual(burst)
    expect(mergeCreateReasons([base, burst, graceful])).toEqual(graceful)
    expect(mergeCreateReasons([base, burst])).toEqual(burst)
    expect(createAuditReason(base)).toBe('manual')
    expect(createAuditReason(burst)).toBe('hydration-burst')
  })

  it('B7 availability_zones_identity_is_ordered_pool_is_not', () => {
    expect(availabilityZonesEqual(['a', 'b'], ['b', 'a'])).toBe(false)
    expect(availabilityZonePoolsEqual(['a', 'b'], ['b', 'a'])).toBe(true)
    expect(availabilityZonePoolsEqual(['a', 'b'], ['a', 'c'])).toBe(false)
  })

  it('B8 replica_shape_matches_ignores_zone_order', () => {
    expect(shapesMatch(shape('small', ['a', 'b']), shape('small', ['b', 'a']))).toBe(true)
    expect(shapesMatch(shape('small', ['a', 'b']), shape('small', ['a', 'c']))).toBe(false)
  })

  // B9 (E2 transition classification) and B10/B11 (E4 first-tick helpers) are not part of the E3
  // kernel: E3 declares audit intents at the writer, and the E4 helpers do not exist here.
})
