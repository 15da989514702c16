// The harness behind the kernel properties: generators of whole controller worlds (clusters in every
// schedule, replicas owned or not and of right or wrong shape, reconfiguration and burst records,
// hydration held fixed or growing), a FakeCtx subclass that checks per-apply invariants and can
// re-emit every batch, and the three property bodies. The bodies take the kernel functions as
// parameters so the mutation self-checks can run them against deliberately broken kernels.

import fc from 'fast-check'

import type {
  ApplyOutcome,
  AutoScalingPolicy,
  BurstRecord,
  ClusterControllerCtx,
  ClusterId,
  ClusterState,
  ConfigSignals,
  Decision,
  ExpectedClusterState,
  Logging,
  ObservedReplica,
  ReconfigurationRecord,
  RefreshWindowInputs,
  ReplicaId,
  ReplicaShape,
  Schedule,
  StateWrite,
} from '../../src/lib/controller/context.js'
import {objectId} from '../../src/lib/controller/context.js'
import type {ConflictHandler, StateWriteConflict} from '../../src/lib/controller/merge.js'
import type {Strategy} from '../../src/lib/controller/strategy.js'
import type {TickOptions} from '../../src/lib/controller/tick.js'
import type {TickReport} from '../../src/lib/controller/report.js'
import type {FakeCtx} from '../controller/fake-ctx.js'

// ---- shared values -----------------------------------------------------------------------------

export const SEED = 20_261_122
export const NOW0 = 1_000_000
/** Deadlines are generated within ±MAX_DEADLINE_OFFSET of NOW0; lingers stay below MIN_STEP. */
const MAX_DEADLINE_OFFSET = 120_000
const LINGERS = [0, 30_000, 60_000] as const
const MIN_STEP = 90_000
export const MAX_TICKS = 10

const SIZES = ['100cc', '200cc', '400cc'] as const
const ZONES: readonly (readonly string[])[] = [[], ['a'], ['a', 'b'], ['b', 'a']]
const DEFAULT_LOGGING: Logging = {logLogging: false, intervalMs: 1000}
const LOGGINGS: readonly Logging[] = [DEFAULT_LOGGING, {logLogging: true, intervalMs: 1000}, {logLogging: false, intervalMs: null}]

// ---- generators --------------------------------------------------------------------------------

const shapeArb: fc.Arbitrary<ReplicaShape> = fc.record({
  size: fc.constantFrom(...SIZES),
  availabilityZones: fc.constantFrom(...ZONES).map((zones) => [...zones]),
  logging: fc.constantFrom(...LOGGINGS).map((logging) => ({...logging})),
})

/** A replica before ids are assigned; `shape: 'realized'` copies the cluster's (AZs possibly reordered). */
interface ReplicaSpec {
  readonly name: string
  readonly shape: ReplicaShape | 'realized' | null
  readonly internal: boolean
  readonly billedAs: string | null
  readonly pending: boolean
  readonly hydrated: boolean
}

const replicaSpecArb: fc.Arbitrary<ReplicaSpec> = fc.record({
  name: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r7', 'r10', 'r01', 'x', "we'ird"),
  shape: fc.oneof(
    {weight: 4, arbitrary: fc.constant('realized' as const)},
    {weight: 4, arbitrary: shapeArb},
    {weight: 1, arbitrary: fc.constant(null)},
  ),
  internal: fc.constantFrom(false, false, false, false, true),
  billedAs: fc.constantFrom(null, null, null, null, 'free'),
  pending: fc.constantFrom(false, false, false, false, true),
  hydrated: fc.boolean(),
})

const recordArb: fc.Arbitrary<ReconfigurationRecord> = fc.record({
  target: fc.record({
    size: fc.constantFrom(...SIZES),
    replicationFactor: fc.integer({min: 0, max: 4}),
    availabilityZones: fc.constantFrom(...ZONES).map((zones) => [...zones]),
    logging: fc.constantFrom(...LOGGINGS).map((logging) => ({...logging})),
  }),
  deadlineMs: fc.integer({min: NOW0 - MAX_DEADLINE_OFFSET, max: NOW0 + MAX_DEADLINE_OFFSET}),
  onTimeout: fc.constantFrom('commit' as const, 'rollback' as const),
  status: fc.constantFrom(
    'in-progress' as const,
    'in-progress' as const,
    'in-progress' as const,
    'finalized' as const,
    'timed-out' as const,
    'cancelled' as const,
    'resource-exhausted' as const,
  ),
})

const policyArb: fc.Arbitrary<AutoScalingPolicy> = fc.record({
  onHydration: fc.option(
    fc.record({hydrationSize: fc.constantFrom(...SIZES), lingerMs: fc.constantFrom(null, ...LINGERS)}),
    {freq: 5},
  ),
})

const burstArb: fc.Arbitrary<BurstRecord> = fc.record({
  burstSize: fc.constantFrom(...SIZES),
  lingerMs: fc.constantFrom(...LINGERS),
  steadyHydratedAtMs: fc.option(fc.integer({min: NOW0 - 120_000, max: NOW0}), {freq: 2}),
})

const scheduleArb: fc.Arbitrary<Schedule> = fc.oneof(
  {weight: 3, arbitrary: fc.constant({kind: 'manual'} as const)},
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(0, 60_000)
      .map((hydrationTimeEstimateMs) => ({kind: 'on-refresh' as const, hydrationTimeEstimateMs})),
  },
)

/** The refresh-window inputs of a scheduled cluster: none, an open window, or a closed one. */
type WindowSpec = 'none' | 'open' | 'sealed-open' | 'closed'

function windowOf(spec: WindowSpec, id: string): RefreshWindowInputs | null {
  const mv = (writeFrontier: number | null) => ({
    readTs: 100,
    compactionEstimateMs: 0,
    refreshMvs: [{id: objectId(`o-${id}`), writeFrontier, refreshSchedule: {everies: [], ats: [1000]}}],
  })
  switch (spec) {
    case 'none':
      return null
    case 'open':
      return mv(50)
    case 'sealed-open':
      return mv(null)
    case 'closed':
      return mv(200)
  }
}

export interface ClusterSpec {
  readonly size: string
  readonly replicationFactor: number
  readonly availabilityZones: readonly string[]
  readonly logging: Logging
  readonly schedule: Schedule
  readonly autoScalingPolicy: AutoScalingPolicy | null
  readonly reconfiguration: ReconfigurationRecord | null
  readonly burst: BurstRecord | null
  readonly replicas: readonly ReplicaSpec[]
  readonly hasHydratableObjects: boolean
  readonly window: WindowSpec
}

const clusterSpecArb: fc.Arbitrary<ClusterSpec> = fc.record({
  size: fc.constantFrom(...SIZES),
  replicationFactor: fc.integer({min: 0, max: 4}),
  availabilityZones: fc.constantFrom(...ZONES).map((zones) => [...zones]),
  logging: fc.constantFrom(...LOGGINGS).map((logging) => ({...logging})),
  schedule: scheduleArb,
  autoScalingPolicy: fc.option(policyArb, {freq: 2}),
  reconfiguration: fc.option(recordArb, {freq: 3}),
  burst: fc.option(burstArb, {freq: 3}),
  replicas: fc.uniqueArray(replicaSpecArb, {maxLength: 6, selector: (replica) => replica.name}),
  hasHydratableObjects: fc.boolean(),
  window: fc.constantFrom('none' as const, 'open' as const, 'sealed-open' as const, 'closed' as const),
})

export interface World {
  readonly clusters: readonly ClusterSpec[]
  readonly config: ConfigSignals
  /** fixed: the initial hydration set never changes; evolving: every replica hydrates `delay` ticks after it appears. */
  readonly hydration: {readonly kind: 'fixed'} | {readonly kind: 'evolving'; readonly delay: 1 | 2}
  readonly stepMs: number
  readonly witnessCheck: boolean
}

export const worldArb: fc.Arbitrary<World> = fc.record({
  clusters: fc.array(clusterSpecArb, {minLength: 1, maxLength: 3}),
  config: fc.record({burstEnabled: fc.constantFrom(true, true, true, false), defaultBurstLingerMs: fc.constantFrom(0, 30_000)}),
  hydration: fc.oneof(
    fc.constant({kind: 'fixed'} as const),
    fc.constantFrom(1 as const, 2 as const).map((delay) => ({kind: 'evolving' as const, delay})),
  ),
  stepMs: fc.constantFrom(MIN_STEP, 3_600_000),
  witnessCheck: fc.boolean(),
})

// ---- the context -------------------------------------------------------------------------------

export interface Reemission {
  readonly batch: readonly Decision[]
  readonly first: ApplyOutcome
  readonly second: ApplyOutcome
  readonly witnessChanged: boolean
  readonly before: string
  readonly afterFirst: string
  readonly afterSecond: string
}

/** The stable text of the whole world state (clusters in id order), for equality checks. */
export function snapshot(clusters: ReadonlyMap<ClusterId, ClusterState>): string {
  return JSON.stringify([...clusters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** An independent ownership predicate (not the kernel's `isOwned`). */
export const owned = (replica: ObservedReplica): replica is ObservedReplica & {shape: ReplicaShape} =>
  replica.shape !== null && !replica.internal && replica.billedAs === null && !replica.pending

/** Shape identity as the spec defines it: size, logging, and the AZs as a set. */
export const shapeKey = (shape: ReplicaShape): string =>
  JSON.stringify([shape.size, [...new Set(shape.availabilityZones)].sort(), shape.logging.logLogging, shape.logging.intervalMs])

/** The compare-and-append witness fields of a state or an expected state, as canonical text. */
const witnessKey = (state: ExpectedClusterState): string =>
  canonical({
    size: state.size,
    replicationFactor: state.replicationFactor,
    availabilityZones: state.availabilityZones,
    logging: state.logging,
    schedule: state.schedule,
    autoScalingPolicy: state.autoScalingPolicy,
    reconfiguration: state.reconfiguration,
    burst: state.burst,
  })

export type FakeCtxClass = typeof FakeCtx

/**
 * A FakeCtx that behaves like the catalog on re-emission (a create of a name already on the
 * cluster is a no-op, ON CONFLICT DO NOTHING; drops of gone replicas and stale witnesses are
 * rejected by FakeCtx itself), checks invariants on every applied batch, and, with `reemit`, hands
 * every batch to the store a second time and records what happened.
 */
export function propertyCtxClass(Base: FakeCtxClass, idempotentCreates = true) {
  return class PropertyCtx extends Base {
    /** Invariant violations seen while applying (first applications only). */
    readonly violations: string[] = []
    readonly reemissions: Reemission[] = []
    reemit = false

    override async apply(decisions: readonly Decision[]): Promise<ApplyOutcome> {
      const before = new Map(this.clusters)
      const beforeText = snapshot(this.clusters)
      for (const decision of decisions) {
        if (decision.kind !== 'create') continue
        const used = before.get(decision.clusterId)?.replicas.map((replica) => replica.name) ?? []
        if (used.includes(decision.name)) this.violations.push(`create reuses name ${decision.name} on ${decision.clusterId}`)
      }
      const first = await this.applyOnce(decisions)
      const afterFirst = snapshot(this.clusters)
      if (first === 'applied') this.checkKeepOldest(before, decisions)
      if (this.reemit) {
        const after = new Map(this.clusters)
        const second = await this.applyOnce(decisions)
        const witnessChanged = decisions.some((decision) => {
          const a = before.get(decision.clusterId)
          const b = after.get(decision.clusterId)
          return a !== undefined && b !== undefined && witnessKey(a) !== witnessKey(b)
        })
        this.reemissions.push({
          batch: decisions,
          first,
          second,
          witnessChanged,
          before: beforeText,
          afterFirst,
          afterSecond: snapshot(this.clusters),
        })
      }
      return first
    }

    /** The store's apply with the catalog's create semantics layered on FakeCtx. */
    private async applyOnce(decisions: readonly Decision[]): Promise<ApplyOutcome> {
      const effective = decisions.filter(
        (decision) =>
          !idempotentCreates ||
          decision.kind !== 'create' ||
          !(this.clusters.get(decision.clusterId)?.replicas ?? []).some((replica) => replica.name === decision.name),
      )
      if (effective.length === 0 && decisions.length > 0) {
        // Only no-op creates left: still under the witness, as the catalog checks it first.
        const stale = decisions.some((decision) => {
          const state = this.clusters.get(decision.clusterId)
          return state === undefined || (this.witnessCheck && witnessKey(state) !== witnessKey(decision.expected))
        })
        return stale ? 'rejected' : 'applied'
      }
      return super.apply(effective)
    }

    /** Keep-oldest: per cluster and shape, the owned replicas that survive a batch are the oldest ones. */
    private checkKeepOldest(before: ReadonlyMap<ClusterId, ClusterState>, decisions: readonly Decision[]): void {
      for (const id of new Set(decisions.map((decision) => decision.clusterId))) {
        const old = before.get(id)
        const now = this.clusters.get(id)
        if (old === undefined || now === undefined) continue
        const remaining = new Set(now.replicas.map((replica) => replica.replicaId))
        for (const replica of old.replicas) {
          if (!owned(replica) && !remaining.has(replica.replicaId)) this.violations.push(`non-owned replica ${replica.name} dropped`)
        }
        const buckets = new Map<string, ReplicaId[]>()
        for (const replica of old.replicas.filter(owned)) {
          const key = shapeKey(replica.shape)
          buckets.set(key, [...(buckets.get(key) ?? []), replica.replicaId])
        }
        for (const [key, ids] of buckets) {
          const survivors = ids.map((replicaId) => remaining.has(replicaId))
          const firstGone = survivors.indexOf(false)
          if (firstGone !== -1 && survivors.slice(firstGone).some(Boolean)) {
            this.violations.push(`cluster ${id} shape ${key}: dropped an older replica while keeping a younger one`)
          }
        }
      }
    }
  }
}

export type PropertyCtx = InstanceType<ReturnType<typeof propertyCtxClass>>

// ---- building and evolving a world -------------------------------------------------------------

export interface Live {
  readonly ctx: PropertyCtx
  /** Ticks each replica (by object identity) has been observed; drives evolving hydration. */
  readonly age: WeakMap<ObservedReplica, number>
  nextId: number
}

export function buildWorld(world: World, Ctx: ReturnType<typeof propertyCtxClass>): Live {
  const ctx = new Ctx()
  ctx.nowMs = NOW0
  ctx.config = world.config
  ctx.witnessCheck = world.witnessCheck
  let nextId = 1
  world.clusters.forEach((spec, index) => {
    const id = `u${index + 1}` as ClusterId
    const realized: ReplicaShape = {size: spec.size, availabilityZones: spec.availabilityZones, logging: spec.logging}
    const replicas: ObservedReplica[] = spec.replicas.map((replica) => {
      const replicaId = `u${nextId++}` as ReplicaId
      if (replica.hydrated) ctx.hydrated.add(replicaId)
      const shape =
        replica.shape === 'realized'
          ? {...realized, availabilityZones: [...realized.availabilityZones].reverse()}
          : replica.shape
      return {replicaId, name: replica.name, shape, internal: replica.internal, billedAs: replica.billedAs, pending: replica.pending}
    })
    ctx.clusters.set(id, {
      clusterId: id,
      name: `c${index + 1}`,
      size: spec.size,
      replicationFactor: spec.replicationFactor,
      availabilityZones: spec.availabilityZones,
      logging: spec.logging,
      schedule: spec.schedule,
      autoScalingPolicy: spec.autoScalingPolicy,
      reconfiguration: spec.reconfiguration,
      burst: spec.burst,
      replicas,
    })
    ctx.hasHydratableObjects.set(id, spec.hasHydratableObjects)
    ctx.refreshInputs.set(id, windowOf(spec.window, id))
  })
  const live: Live = {ctx, age: new WeakMap(), nextId}
  for (const state of ctx.clusters.values()) for (const replica of state.replicas) live.age.set(replica, 0)
  return live
}

/**
 * Between ticks, as an orchestrator would: give every replica the controller created a fresh,
 * never reused id (FakeCtx numbers per cluster and reuses freed numbers), age every replica, and
 * under evolving hydration report replicas hydrated once they are old enough. Monotone.
 */
export function settle(world: World, live: Live): void {
  const {ctx} = live
  for (const [id, state] of ctx.clusters) {
    const replicas = state.replicas.map((replica) => {
      if (live.age.has(replica)) return replica
      const renamed = {...replica, replicaId: `u${live.nextId++}` as ReplicaId}
      live.age.set(renamed, 0)
      return renamed
    })
    for (const replica of replicas) {
      const age = (live.age.get(replica) ?? 0) + 1
      live.age.set(replica, age)
      if (world.hydration.kind === 'evolving' && age >= world.hydration.delay) ctx.hydrated.add(replica.replicaId)
    }
    ctx.clusters.set(id, {...state, replicas})
  }
}

const allHydrated = (ctx: FakeCtx): boolean =>
  [...ctx.clusters.values()].every((state) => state.replicas.every((replica) => ctx.hydrated.has(replica.replicaId)))

// ---- the desired-set oracle ----------------------------------------------------------------------

/**
 * What the strategies desire for one cluster, per shape key, written from the rules of
 * controller-spec §4 (not by calling the strategies): baseline §4.1, graceful reconfiguration §4.2,
 * on-refresh §4.3 (AT schedules, the only kind the generator makes) and hydration burst §4.4,
 * unioned by MAX per shape (§3.3).
 */
export function specDesired(
  state: ClusterState,
  hydrated: ReadonlySet<ReplicaId>,
  window: RefreshWindowInputs | null,
  nowMs: number,
): Map<string, number> {
  const realized: ReplicaShape = {size: state.size, availabilityZones: state.availabilityZones, logging: state.logging}
  const contributions: [ReplicaShape, number][] = []
  // Baseline: a MANUAL cluster wants replication-factor replicas of its realized shape; a
  // scheduled one nothing, whatever replication factor is stored.
  if (state.schedule.kind === 'manual') contributions.push([realized, state.replicationFactor])
  // Graceful: an in-progress record wants target-rf replicas of the target shape, except once its
  // deadline is reached un-hydrated under ROLLBACK. Hydrated = at least target-rf owned,
  // target-shaped replicas reported hydrated; the deadline is reached at now >= deadline.
  const record = state.reconfiguration
  if (record !== null && record.status === 'in-progress') {
    const target: ReplicaShape = {size: record.target.size, availabilityZones: record.target.availabilityZones, logging: record.target.logging}
    const hydratedTargets = state.replicas.filter(
      (replica) => owned(replica) && shapeKey(replica.shape) === shapeKey(target) && hydrated.has(replica.replicaId),
    ).length
    const targetHydrated = hydratedTargets >= record.target.replicationFactor
    const deadlineReached = nowMs >= record.deadlineMs
    if (!(deadlineReached && !targetHydrated && record.onTimeout === 'rollback')) contributions.push([target, record.target.replicationFactor])
  }
  // On-refresh: one replica of the realized shape while the refresh window is open.
  if (state.schedule.kind === 'on-refresh' && window !== null && windowOpen(window, state.schedule.hydrationTimeEstimateMs)) {
    contributions.push([realized, 1])
  }
  // Hydration burst: any burst record wants one replica of its size with the realized AZs and logging.
  if (state.burst !== null) contributions.push([{size: state.burst.burstSize, availabilityZones: state.availabilityZones, logging: state.logging}, 1])
  const desired = new Map<string, number>()
  for (const [shape, count] of contributions) {
    if (count > 0) desired.set(shapeKey(shape), Math.max(desired.get(shapeKey(shape)) ?? 0, count))
  }
  return desired
}

/**
 * The refresh window of controller-spec §4.3 for schedules of AT times only: open when some view's
 * frontier is below read_ts + the hydration estimate (a sealed frontier never is), or when its
 * previous refresh (the last AT below the frontier; for a sealed view the last AT) is still
 * within the compaction estimate of read_ts.
 */
function windowOpen(window: RefreshWindowInputs, hydrationEstimateMs: number): boolean {
  const adjusted = window.readTs + hydrationEstimateMs
  return window.refreshMvs.some((mv) => {
    if (mv.refreshSchedule.everies.length > 0) throw new Error('the oracle covers AT schedules only')
    const ats = mv.refreshSchedule.ats
    if (mv.writeFrontier !== null && mv.writeFrontier < adjusted) return true
    const earlier = mv.writeFrontier === null ? ats : ats.filter((at) => at < (mv.writeFrontier as number))
    const previous = earlier.length > 0 ? Math.max(...earlier) : null
    return previous !== null && previous + window.compactionEstimateMs > window.readTs
  })
}

/**
 * Per cluster, the spec's desired shapes and counts compared with the owned replicas' shapes and
 * counts, under the given hydration reports (by default the context's).
 */
export function desiredMismatches(ctx: FakeCtx, hydrated: ReadonlySet<ReplicaId> = ctx.hydrated): string[] {
  const problems: string[] = []
  for (const state of ctx.clusters.values()) {
    const desired = specDesired(state, hydrated, ctx.refreshInputs.get(state.clusterId) ?? null, ctx.nowMs)
    const actual = new Map<string, number>()
    for (const replica of state.replicas.filter(owned)) {
      const key = shapeKey(replica.shape)
      actual.set(key, (actual.get(key) ?? 0) + 1)
    }
    for (const key of new Set([...desired.keys(), ...actual.keys()])) {
      if ((desired.get(key) ?? 0) !== (actual.get(key) ?? 0)) {
        problems.push(`${state.name}: shape ${key} desired ${desired.get(key) ?? 0}, owned ${actual.get(key) ?? 0}`)
      }
    }
  }
  return problems
}

// ---- the properties ------------------------------------------------------------------------------

export interface Kernel {
  readonly runTick: (ctx: ClusterControllerCtx, options?: TickOptions) => Promise<TickReport>
  readonly strategies: readonly Strategy[]
  readonly FakeCtx: FakeCtxClass
  /** false: a store without ON CONFLICT DO NOTHING (only to show the re-emission property can fail). */
  readonly idempotentCreates?: boolean
}

export interface ConvergenceOutcome {
  readonly ok: boolean
  readonly why: string
}

/**
 * Ticks (advancing `now` by the world's step) until a tick applies nothing once every deadline
 * has passed and no hydration is still to come; then the owned replicas must be exactly the
 * desired set and one further tick must emit nothing. Every apply must keep invariants.
 */
export async function convergence(world: World, kernel: Kernel): Promise<ConvergenceOutcome> {
  const live = buildWorld(world, propertyCtxClass(kernel.FakeCtx, kernel.idempotentCreates))
  const {ctx} = live
  const horizon = NOW0 + MAX_DEADLINE_OFFSET
  for (let tick = 0; tick < MAX_TICKS; tick++) {
    ctx.nowMs = NOW0 + tick * world.stepMs
    const batches = ctx.applied.length
    await kernel.runTick(ctx, {strategies: kernel.strategies})
    const quiet = ctx.applied.length === batches
    if (ctx.violations.length > 0) return {ok: false, why: ctx.violations.join('; ')}
    const pendingHydration = world.hydration.kind === 'evolving' && !allHydrated(ctx)
    const seen = new Set(ctx.hydrated)
    settle(world, live)
    // Every tick leaves each cluster with what the spec desires of the state its phase 1 wrote,
    // under the reports the tick saw (settle gives the replicas it created fresh ids first).
    const afterTick = desiredMismatches(ctx, seen)
    if (afterTick.length > 0) return {ok: false, why: `after tick ${tick} the replicas are not what the spec desires: ${afterTick.join('; ')}`}
    if (!quiet || ctx.nowMs <= horizon || pendingHydration) continue
    const mismatches = desiredMismatches(ctx)
    if (mismatches.length > 0) return {ok: false, why: `fixpoint at tick ${tick} is not the desired set: ${mismatches.join('; ')}`}
    ctx.nowMs += world.stepMs
    await kernel.runTick(ctx, {strategies: kernel.strategies})
    if (ctx.applied.length !== batches) return {ok: false, why: `a tick after the fixpoint emitted ${ctx.applied.length - batches} batch(es)`}
    return {ok: true, why: ''}
  }
  return {ok: false, why: `no fixpoint within ${MAX_TICKS} ticks; last batches: ${JSON.stringify(ctx.applied.slice(-3))}`}
}

/**
 * Runs the world for a few ticks with every batch re-emitted right after it is applied. The
 * re-emission must leave the state exactly as the first application left it; a re-emitted drop
 * and a re-emitted state write that changed the witness are rejected; a re-emitted create-only
 * batch is an accepted no-op; a rejected batch stays rejected.
 */
export async function reemissionProblems(world: World, kernel: Kernel, ticks = 4): Promise<{problems: string[]; checked: number}> {
  const live = buildWorld({...world, witnessCheck: true}, propertyCtxClass(kernel.FakeCtx, kernel.idempotentCreates))
  const {ctx} = live
  ctx.reemit = true
  for (let tick = 0; tick < ticks; tick++) {
    ctx.nowMs = NOW0 + tick * world.stepMs
    await kernel.runTick(ctx, {strategies: kernel.strategies})
    settle(world, live)
  }
  const problems: string[] = []
  for (const r of ctx.reemissions) {
    const kinds = r.batch.map((decision) => decision.kind).join(',')
    if (r.afterSecond !== r.afterFirst) problems.push(`re-emitting [${kinds}] changed the state`)
    if (r.first === 'rejected') {
      if (r.second !== 'rejected') problems.push(`a rejected batch [${kinds}] was accepted when re-emitted`)
      if (r.afterFirst !== r.before) problems.push(`a rejected batch [${kinds}] changed the state`)
      continue
    }
    const hasDrop = r.batch.some((decision) => decision.kind === 'drop')
    const writes = r.batch.some((decision) => decision.kind === 'updateState')
    if (hasDrop && r.second !== 'rejected') problems.push(`re-emitted drop in [${kinds}] was ${r.second}, not rejected`)
    else if (writes && r.witnessChanged && r.second !== 'rejected') {
      problems.push(`re-emitted state write with the old witness was ${r.second}, not rejected`)
    } else if (!hasDrop && !writes && r.second !== 'applied') {
      problems.push(`re-emitted creates [${kinds}] were ${r.second}, not an accepted no-op`)
    }
  }
  return {problems, checked: ctx.reemissions.length}
}

// ---- merged state writes -------------------------------------------------------------------------

export type Merge = (writes: readonly StateWrite[], onConflict?: ConflictHandler) => StateWrite

/** Deep copy with every object's keys in reverse order (equal values must not depend on key order). */
export function reorderKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reorderKeys) as T
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([key, inner]) => [key, reorderKeys(inner)]),
  ) as T
}

const FIELD_VALUES = {
  newSize: fc.constantFrom(...SIZES),
  newReplicationFactor: fc.integer({min: 0, max: 3}),
  newAvailabilityZones: fc.constantFrom(...ZONES).map((zones) => [...zones]),
  newLogging: fc.constantFrom(...LOGGINGS).map((logging) => ({...logging})),
  reconfiguration: fc.record({
    record: fc.option(recordArb, {freq: 3}),
    audit: fc.option(fc.constantFrom({transition: 'timed-out' as const}, {transition: 'finalized' as const, forced: true}), {freq: 2}),
  }),
  burst: fc.record({
    record: fc.option(burstArb, {freq: 3}),
    audit: fc.option(fc.constantFrom({transition: 'started' as const}, {transition: 'finished' as const, cause: 'linger-elapsed' as const}), {freq: 2}),
  }),
}

export const FIELDS = Object.keys(FIELD_VALUES) as (keyof StateWrite)[]

/** One full assignment of every field; writes are subsets of it (so they never conflict). */
export const assignmentArb = fc.record(FIELD_VALUES)

/** `count` writes that each take a random subset of one assignment's fields (deep copies, keys reordered). */
export const compatibleWritesArb: fc.Arbitrary<StateWrite[]> = assignmentArb.chain((assignment) =>
  fc.array(fc.subarray(FIELDS), {minLength: 1, maxLength: 5}).chain((subsets) =>
    fc.array(fc.boolean(), {minLength: subsets.length, maxLength: subsets.length}).map((flips) =>
      subsets.map((fields, i) => {
        const write: Record<string, unknown> = {}
        for (const field of fields) {
          const copy = structuredClone(assignment[field])
          write[field] = flips[i] ? reorderKeys(copy) : copy
        }
        return write as StateWrite
      }),
    ),
  ),
)

/** Writes drawn freely from small pools, so fields often conflict. */
export const freeWritesArb: fc.Arbitrary<StateWrite[]> = fc.array(
  fc.record(FIELD_VALUES, {requiredKeys: []}) as fc.Arbitrary<StateWrite>,
  {minLength: 1, maxLength: 5},
)

export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  )
}

/** Canonical text of a JSON-like value with object keys sorted. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined'
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`
}

/** Problems with `merge` on `writes`, over every permutation. */
export function mergeProblems(writes: readonly StateWrite[], merge: Merge): string[] {
  const problems: string[] = []
  // Expected, computed independently: a field conflicts iff its defined values are not all equal.
  const conflicting = new Set<string>()
  const agreed = new Map<string, string>()
  for (const field of FIELDS) {
    const values = new Set(writes.map((write) => write[field]).filter((value) => value !== undefined).map(canonical))
    if (values.size > 1) conflicting.add(field)
    else if (values.size === 1) agreed.set(field, [...values][0] as string)
  }
  let reference: string | null = null
  for (const order of permutations(writes)) {
    const fired: StateWriteConflict[] = []
    const merged = merge(order, (conflict) => fired.push(conflict))
    const firedFields = new Set(fired.map((conflict) => conflict.field as string))
    if (canonical([...firedFields].sort()) !== canonical([...conflicting].sort()) || fired.length !== firedFields.size) {
      problems.push(`conflicts fired for [${[...firedFields]}] (${fired.length} calls), expected [${[...conflicting]}]`)
    }
    for (const field of FIELDS) {
      const value = merged[field]
      if (conflicting.has(field) && value !== undefined) problems.push(`conflicting field ${field} present in the result`)
      if (agreed.has(field) && (value === undefined || canonical(value) !== agreed.get(field))) {
        problems.push(`agreed field ${field} is ${canonical(value)}, expected ${agreed.get(field)}`)
      }
      if (!conflicting.has(field) && !agreed.has(field) && value !== undefined) problems.push(`unwritten field ${field} appeared`)
    }
    const text = canonical(merged)
    if (reference === null) reference = text
    else if (text !== reference) problems.push(`result depends on order: ${text} vs ${reference}`)
    if (problems.length > 0) break
  }
  return problems
}
