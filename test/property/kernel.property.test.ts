// Property-based tests of the pure controller kernel (runTick, reconcileReplicas, mergeStateWrites
// and the strategies) over the in-memory FakeCtx, with a fixed seed:
//   - convergence: every tick leaves the replicas the spec desires of the state it wrote, and any
//     generated world ticks to a fixpoint at the desired set, after which a tick emits nothing;
//   - idempotence of re-emitted decisions: applying every batch twice leaves the state as once;
//   - order independence of merged state writes.
// The desired set is the spec's (harness.ts `specDesired`, written from controller-spec §4), checked
// after every tick and at the fixpoint, never the strategies' own answer. The last block runs the
// same properties against deliberately broken kernels and stores (vi.doMock, altered strategies,
// FakeCtx subclasses) and expects fast-check to find a counterexample, so each property is shown
// to be able to fail.

import fc from 'fast-check'
import {afterEach, describe, expect, it, vi} from 'vitest'

import type {ClusterState, ExpectedClusterState, StateWrite} from '../../src/lib/controller/context.js'
import {mergeStateWrites} from '../../src/lib/controller/merge.js'
import type * as ReconcileModule from '../../src/lib/controller/reconcile.js'
import type * as ShapeModule from '../../src/lib/controller/shape.js'
import {DEFAULT_STRATEGIES} from '../../src/lib/controller/strategies/index.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {FakeCtx} from '../controller/fake-ctx.js'
import type {Kernel, Merge, World} from './harness.js'
import {
  compatibleWritesArb,
  convergence,
  freeWritesArb,
  mergeProblems,
  reemissionProblems,
  SEED,
  worldArb,
} from './harness.js'

const RUNS = 200
const MUTANT_RUNS = 200

const realKernel: Kernel = {runTick, strategies: DEFAULT_STRATEGIES, FakeCtx}
const realMerge: Merge = (writes, onConflict) => mergeStateWrites(writes, onConflict)

const convergenceProperty = (kernel: Kernel) =>
  fc.asyncProperty(worldArb, async (world: World) => {
    const outcome = await convergence(world, kernel)
    if (!outcome.ok) throw new Error(outcome.why)
  })

const reemissionProperty = (kernel: Kernel, checked: {batches: number}) =>
  fc.asyncProperty(worldArb, async (world: World) => {
    const {problems, checked: n} = await reemissionProblems(world, kernel)
    checked.batches += n
    if (problems.length > 0) throw new Error(problems.join('; '))
  })

const mergeProperty = (arb: fc.Arbitrary<StateWrite[]>, merge: Merge) =>
  fc.property(arb, (writes) => {
    const problems = mergeProblems(writes, merge)
    if (problems.length > 0) throw new Error(problems.join('; '))
  })

describe(`kernel properties (fast-check, seed ${SEED})`, () => {
  it('converges from any state to the desired set, after which a tick emits nothing', async () => {
    await fc.assert(convergenceProperty(realKernel), {seed: SEED, numRuns: RUNS})
  })

  it('the generator covers the interesting cases', () => {
    // Guard against a generator that silently stops producing the states the properties are about.
    const worlds = fc.sample(worldArb, {seed: SEED, numRuns: RUNS})
    const clusters = worlds.flatMap((world) => world.clusters)
    const count = (predicate: (c: (typeof clusters)[number]) => boolean) => clusters.filter(predicate).length
    expect(count((c) => c.schedule.kind === 'on-refresh')).toBeGreaterThan(20)
    expect(count((c) => c.reconfiguration?.status === 'in-progress' && c.reconfiguration.deadlineMs > 1_000_000)).toBeGreaterThan(10)
    expect(count((c) => c.reconfiguration?.status === 'in-progress' && c.reconfiguration.deadlineMs <= 1_000_000)).toBeGreaterThan(10)
    expect(count((c) => c.autoScalingPolicy?.onHydration != null && c.burst !== null)).toBeGreaterThan(5)
    expect(count((c) => c.replicas.some((r) => r.shape === null || r.internal || r.pending || r.billedAs !== null))).toBeGreaterThan(20)
    expect(count((c) => c.replicas.length >= 3)).toBeGreaterThan(20)
    expect(worlds.filter((w) => w.hydration.kind === 'evolving').length).toBeGreaterThan(40)
    expect(worlds.filter((w) => w.hydration.kind === 'fixed').length).toBeGreaterThan(40)
  })

  it('re-emitting every batch of a tick leaves the state as applying it once', async () => {
    const checked = {batches: 0}
    await fc.assert(reemissionProperty(realKernel, checked), {seed: SEED, numRuns: RUNS})
    expect(checked.batches).toBeGreaterThan(RUNS) // the property saw real batches, not empty ticks
  })

  it('merges non-conflicting state writes to the same result in every order', () => {
    fc.assert(mergeProperty(compatibleWritesArb, realMerge), {seed: SEED, numRuns: RUNS})
  })

  it('reports the same conflicting fields in every order and leaves them out', () => {
    fc.assert(mergeProperty(freeWritesArb, realMerge), {seed: SEED, numRuns: RUNS})
    // The free generator must actually produce conflicts.
    const conflicted = fc
      .sample(freeWritesArb, {seed: SEED, numRuns: RUNS})
      .filter((writes) => {
        let fired = false
        mergeStateWrites(writes, () => (fired = true))
        return fired
      }).length
    expect(conflicted).toBeGreaterThan(RUNS / 4)
  })
})

// ---- the properties can fail ---------------------------------------------------------------------

/** A fresh module graph in which the controller modules see the given mocks. */
async function mutantKernel(mock: () => void): Promise<Kernel> {
  vi.resetModules()
  mock()
  const {runTick: tick} = await import('../../src/lib/controller/tick.js')
  const {DEFAULT_STRATEGIES: strategies} = await import('../../src/lib/controller/strategies/index.js')
  const {FakeCtx: Fake} = await import('../controller/fake-ctx.js')
  return {runTick: tick, strategies, FakeCtx: Fake}
}

const mockReconcile = (broken: (original: typeof ReconcileModule.reconcileReplicas) => typeof ReconcileModule.reconcileReplicas) =>
  vi.doMock('../../src/lib/controller/reconcile.js', async (importOriginal) => {
    const original = await importOriginal<typeof ReconcileModule>()
    return {...original, reconcileReplicas: broken(original.reconcileReplicas)}
  })

describe('each property fails on a broken kernel', () => {
  afterEach(() => {
    vi.doUnmock('../../src/lib/controller/reconcile.js')
    vi.doUnmock('../../src/lib/controller/shape.js')
    vi.resetModules()
  })

  it('convergence fails when the union sums per shape instead of taking the max', async () => {
    const kernel = await mutantKernel(() =>
      mockReconcile((original) => (state, contributions) =>
        original(state, [{strategy: 'everything', desired: contributions.flatMap((c) => c.desired)}]),
      ),
    )
    const result = await fc.check(convergenceProperty(kernel), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toMatch(/is not the desired set|not what the spec desires/)
  })

  it('convergence fails when drops keep the newest replicas instead of the oldest', async () => {
    const kernel = await mutantKernel(() =>
      mockReconcile((original) => (state, contributions) =>
        original({...state, replicas: [...state.replicas].reverse()}, contributions),
      ),
    )
    const result = await fc.check(convergenceProperty(kernel), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toMatch(/dropped an older replica while keeping a younger one/)
  })

  it('convergence fails when a strategy keeps changing its mind', async () => {
    let flip = 0
    const flapping = DEFAULT_STRATEGIES.map((strategy) =>
      strategy.name !== 'baseline'
        ? strategy
        : {...strategy, desiredReplicas: (...args: Parameters<typeof strategy.desiredReplicas>) => strategy.desiredReplicas(...args).slice(flip++ % 2)},
    )
    const result = await fc.check(convergenceProperty({...realKernel, strategies: flapping}), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
  })

  // The oracle is the spec's rules, not the strategies: a strategy that is consistent with itself
  // but not with the spec is caught too.
  it('convergence fails when the burst replica ignores the realized AZs (an oracle built from the strategies would agree)', async () => {
    const zoneless = DEFAULT_STRATEGIES.map((strategy) =>
      strategy.name !== 'hydration-burst'
        ? strategy
        : {
            ...strategy,
            desiredReplicas: (...args: Parameters<typeof strategy.desiredReplicas>) =>
              strategy.desiredReplicas(...args).map((slot) => ({...slot, shape: {...slot.shape, availabilityZones: []}})),
          },
    )
    const result = await fc.check(convergenceProperty({...realKernel, strategies: zoneless}), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toMatch(/is not the desired set|not what the spec desires/)
  })

  it('convergence fails when graceful provisions its target in the realized AZs', async () => {
    const misplaced = DEFAULT_STRATEGIES.map((strategy) =>
      strategy.name !== 'graceful-reconfiguration'
        ? strategy
        : {
            ...strategy,
            desiredReplicas: (...args: Parameters<typeof strategy.desiredReplicas>) =>
              strategy.desiredReplicas(...args).map((slot) => ({...slot, shape: {...slot.shape, availabilityZones: args[0].availabilityZones}})),
          },
    )
    const result = await fc.check(convergenceProperty({...realKernel, strategies: misplaced}), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toMatch(/is not the desired set|not what the spec desires/)
  })

  it("convergence fails when the kernel's witness leaves out the burst record (the guard rejects its writes)", async () => {
    const kernel = await mutantKernel(() =>
      vi.doMock('../../src/lib/controller/shape.js', async (importOriginal) => {
        const original = await importOriginal<typeof ShapeModule>()
        return {
          ...original,
          witnessOf: (state: Parameters<typeof original.witnessOf>[0]) => ({...original.witnessOf(state), burst: null}),
        }
      }),
    )
    const result = await fc.check(convergenceProperty(kernel), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
  })

  it('re-emission fails against a store whose guard leaves out the burst record', async () => {
    class BurstBlindStore extends FakeCtx {
      protected override witnessMatches(state: ClusterState, expected: ExpectedClusterState): boolean {
        return super.witnessMatches({...state, burst: null}, {...expected, burst: null})
      }
    }
    const result = await fc.check(reemissionProperty({...realKernel, FakeCtx: BurstBlindStore}, {batches: 0}), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toMatch(/state write with the old witness was applied/)
  })

  it('re-emission fails against a store whose re-emitted creates are not no-ops', async () => {
    const kernel: Kernel = {...realKernel, idempotentCreates: false}
    const result = await fc.check(reemissionProperty(kernel, {batches: 0}), {seed: SEED, numRuns: MUTANT_RUNS})
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toMatch(/re-emitting \[create[a-z,]*\] changed the state/)
  })

  it('merge order independence fails for a last-write-wins merge', () => {
    const lastWins: Merge = (writes) => Object.assign({}, ...writes) as StateWrite
    expect(fc.check(mergeProperty(freeWritesArb, lastWins), {seed: SEED, numRuns: RUNS}).failed).toBe(true)
  })

  it('merge order independence fails for a merge that compares by reference', () => {
    const byReference: Merge = (writes, onConflict) => {
      const merged: Record<string, unknown> = {}
      for (const field of ['newSize', 'newReplicationFactor', 'newAvailabilityZones', 'newLogging', 'reconfiguration', 'burst'] as const) {
        const values = writes.map((write) => write[field]).filter((value) => value !== undefined)
        if (values.length === 0) continue
        if (values.every((value) => value === values[0])) merged[field] = values[0]
        else onConflict?.({clusterId: null, field, values})
      }
      return merged as StateWrite
    }
    expect(fc.check(mergeProperty(compatibleWritesArb, byReference), {seed: SEED, numRuns: RUNS}).failed).toBe(true)
  })

  it('merge conflict reporting fails for a merge that keeps the first value', () => {
    const firstWins: Merge = (writes) => Object.assign({}, ...[...writes].reverse()) as StateWrite
    const result = fc.check(mergeProperty(freeWritesArb, firstWins), {seed: SEED, numRuns: RUNS})
    expect(result.failed).toBe(true)
  })
})
