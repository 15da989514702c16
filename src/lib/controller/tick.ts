// One reconcile tick: phase 1 merges each cluster's state writes and applies them (one batch per
// cluster, so one racing ALTER stalls only its own cluster); phase 2 re-reads if phase 1 wrote, then
// applies each cluster's replica diff as one batch, shedding an in-progress reconfiguration on
// resource exhaustion. A phase hands all its batches to the context at once (`applyEach`), which
// may apply them in bulk but keeps each batch atomic and independent.

import type {
  ApplyOutcome,
  ClusterControllerCtx,
  ClusterId,
  ClusterState,
  ConfigSignals,
  Decision,
  LiveSignals,
  SignalRequest,
  TimestampMs,
} from './context.js'
import type {ConflictHandler} from './merge.js'
import {isEmptyStateWrite, mergeStateWrites, throwOnConflict} from './merge.js'
import {reconcileReplicas} from './reconcile.js'
import type {AppliedBatch, ClusterTickReport, TickReport} from './report.js'
import {witnessOf} from './shape.js'
import {DEFAULT_STRATEGIES, inProgressReconfiguration} from './strategies/index.js'
import type {Strategy} from './strategy.js'
import {combinedSignalRequest, requestsAnything} from './strategy.js'

export type TickPhases = 'all' | 'state' | 'replicas'

export interface TickOptions {
  readonly strategies?: readonly Strategy[]
  /** `state`: phase 1 only; `replicas`: phase 2 only, on a fresh read. */
  readonly phases?: TickPhases
  /** Called on conflicting state writes (the field is left unchanged); throws by default. */
  readonly onConflict?: ConflictHandler
}

/** The report of a tick that did nothing because the controller is disabled. */
export function disabledTickReport(nowMs: TimestampMs): TickReport {
  return {nowMs, controllerEnabled: false, clusters: [], clustersExamined: 0}
}

interface ClusterRead {
  readonly states: readonly ClusterState[]
  readonly signals: ReadonlyMap<ClusterId, LiveSignals>
  readonly nowMs: TimestampMs
}

const NO_LIVE_SIGNALS: LiveSignals = {}

/** Apply independent batches through `applyEach` when the context has it, else one `apply` each. */
async function applyEach(ctx: ClusterControllerCtx, batches: readonly (readonly Decision[])[]): Promise<ApplyOutcome[]> {
  if (batches.length === 0) return []
  if (ctx.applyEach) {
    const outcomes = await ctx.applyEach(batches)
    if (outcomes.length !== batches.length) throw new Error(`applyEach returned ${outcomes.length} outcomes for ${batches.length} batches`)
    return outcomes
  }
  const outcomes: ApplyOutcome[] = []
  for (const batch of batches) outcomes.push(await ctx.apply(batch))
  return outcomes
}

/** Reads the clusters and fetches, in one call, only the signals some strategy asked for. */
async function readClusters(
  ctx: ClusterControllerCtx,
  ids: readonly ClusterId[],
  strategies: readonly Strategy[],
  config: ConfigSignals,
): Promise<ClusterRead> {
  const states = await ctx.clusterStates(ids)
  const requests = new Map<ClusterId, SignalRequest>()
  for (const state of states) {
    const request = combinedSignalRequest(strategies, state, config)
    if (requestsAnything(request)) requests.set(state.clusterId, request)
  }
  const byId = new Map(states.map((state) => [state.clusterId, state]))
  const signals =
    requests.size === 0 ? new Map<ClusterId, LiveSignals>() : await ctx.liveSignals(requests, byId)
  return {states, signals, nowMs: ctx.now()}
}

function describeBatch(
  phase: AppliedBatch['phase'],
  state: ClusterState,
  decisions: readonly Decision[],
  outcome: ApplyOutcome,
): AppliedBatch {
  const replicaOf = (id: string) => state.replicas.find((replica) => replica.replicaId === id)
  return {
    phase,
    stateWrite: decisions.find((d) => d.kind === 'updateState')?.write ?? null,
    creates: decisions.flatMap((d) =>
      d.kind === 'create'
        ? [{name: d.name, shape: d.shape, reason: d.reason, attribution: d.attribution}]
        : [],
    ),
    drops: decisions.flatMap((d) =>
      d.kind === 'drop'
        ? [
            {
              replicaId: d.replicaId,
              name: replicaOf(d.replicaId)?.name ?? d.replicaId,
              size: replicaOf(d.replicaId)?.shape?.size ?? null,
            },
          ]
        : [],
    ),
    outcome,
  }
}

type MutableClusterReport = {-readonly [K in keyof ClusterTickReport]: ClusterTickReport[K]} & {
  batches: AppliedBatch[]
}

/** Per-cluster report entries, created on first batch or skip; `before` is the phase-1 state. */
class TickRecorder {
  private readonly entries = new Map<ClusterId, MutableClusterReport>()
  constructor(private readonly before: ReadonlyMap<ClusterId, ClusterState>) {}

  entry(state: ClusterState): MutableClusterReport {
    let entry = this.entries.get(state.clusterId)
    if (entry === undefined) {
      const before = this.before.get(state.clusterId) ?? state
      entry = {
        clusterId: state.clusterId,
        clusterName: state.name,
        before: {
          size: before.size,
          replicationFactor: before.replicationFactor,
          availabilityZones: before.availabilityZones,
          logging: before.logging,
          reconfigurationStatus: before.reconfiguration?.status ?? null,
          burstSize: before.burst?.burstSize ?? null,
        },
        batches: [],
        skipped: false,
      }
      this.entries.set(state.clusterId, entry)
    }
    return entry
  }

  /** Apply one batch per cluster (independently, possibly in bulk) and record each outcome. */
  async applyAll(
    ctx: ClusterControllerCtx,
    phase: AppliedBatch['phase'],
    work: readonly {readonly state: ClusterState; readonly decisions: Decision[]}[],
  ): Promise<ApplyOutcome[]> {
    const outcomes = await applyEach(
      ctx,
      work.map((item) => item.decisions),
    )
    work.forEach(({state, decisions}, i) => {
      this.entry(state).batches.push(describeBatch(phase, state, decisions, outcomes[i] as ApplyOutcome))
    })
    return outcomes
  }

  /** In the order of the phase-1 read. */
  clusters(): ClusterTickReport[] {
    const order = new Map([...this.before.keys()].map((id, i) => [id, i]))
    const rank = (id: ClusterId) => order.get(id) ?? order.size
    return [...this.entries.values()].sort((a, b) => rank(a.clusterId) - rank(b.clusterId))
  }
}

interface TickRun {
  readonly ctx: ClusterControllerCtx
  readonly strategies: readonly Strategy[]
  readonly config: ConfigSignals
  readonly recorder: TickRecorder
  readonly onConflict: ConflictHandler
}

/** Phase 1; returns the clusters whose write was rejected, or null when nothing was written. */
async function updateStates(run: TickRun, read: ClusterRead): Promise<Set<ClusterId> | null> {
  const work: {state: ClusterState; decisions: Decision[]}[] = []
  for (const state of read.states) {
    const signals = read.signals.get(state.clusterId) ?? NO_LIVE_SIGNALS
    const writes = run.strategies.map((strategy) =>
      strategy.updateState(state, signals, run.config, read.nowMs),
    )
    const write = mergeStateWrites(writes, run.onConflict, state.clusterId)
    if (isEmptyStateWrite(write)) continue
    const decision: Decision = {
      kind: 'updateState',
      clusterId: state.clusterId,
      expected: witnessOf(state),
      write,
    }
    work.push({state, decisions: [decision]})
  }
  if (work.length === 0) return null
  const outcomes = await run.recorder.applyAll(run.ctx, 'state', work)
  return new Set(work.filter((_, i) => outcomes[i] === 'rejected').map(({state}) => state.clusterId))
}

/** Phase 2: one batch per cluster, no retry within the tick (a rejection is reconciled next tick). */
async function reconcileClusters(run: TickRun, read: ClusterRead, rejected: ReadonlySet<ClusterId>) {
  const work: {state: ClusterState; decisions: Decision[]}[] = []
  for (const state of read.states) {
    if (rejected.has(state.clusterId)) {
      run.recorder.entry(state).skipped = true
      continue
    }
    const signals = read.signals.get(state.clusterId) ?? NO_LIVE_SIGNALS
    const contributions = run.strategies.map((strategy) => ({
      strategy: strategy.name,
      desired: strategy.desiredReplicas(state, signals, run.config, read.nowMs),
    }))
    const decisions = reconcileReplicas(state, contributions)
    if (decisions.length > 0) work.push({state, decisions})
  }
  const outcomes = await run.recorder.applyAll(run.ctx, 'replicas', work)
  // Retrying cannot shrink the transient peak: shed the reconfiguration under the same witness.
  const sheds: {state: ClusterState; decisions: Decision[]}[] = []
  work.forEach(({state}, i) => {
    const record = inProgressReconfiguration(state)
    if (outcomes[i] !== 'resource-exhausted' || record === null) return
    const shed: Decision = {
      kind: 'updateState',
      clusterId: state.clusterId,
      expected: witnessOf(state),
      write: {
        reconfiguration: {
          record: {...record, status: 'resource-exhausted'},
          audit: {transition: 'resource-exhausted'},
        },
      },
    }
    sheds.push({state, decisions: [shed]})
  })
  await run.recorder.applyAll(run.ctx, 'shed', sheds)
}

export async function runTick(ctx: ClusterControllerCtx, options: TickOptions = {}): Promise<TickReport> {
  const strategies = options.strategies ?? DEFAULT_STRATEGIES
  const phases = options.phases ?? 'all'
  const config = await ctx.configSignals()
  const ids = await ctx.managedClusterIds()
  if (ids.length === 0) return {nowMs: ctx.now(), controllerEnabled: true, clusters: [], clustersExamined: 0}

  const first = await readClusters(ctx, ids, strategies, config)
  const recorder = new TickRecorder(new Map(first.states.map((state) => [state.clusterId, state])))
  const run: TickRun = {ctx, strategies, config, recorder, onConflict: options.onConflict ?? throwOnConflict}
  if (phases === 'replicas') {
    await reconcileClusters(run, first, new Set())
  } else {
    const rejected = await updateStates(run, first)
    if (phases === 'all') {
      // Re-read only if phase 1 wrote, so a cut-over is visible before the replica diff.
      const second = rejected === null ? first : await readClusters(ctx, ids, strategies, config)
      await reconcileClusters(run, second, rejected ?? new Set())
    }
  }
  return {
    nowMs: first.nowMs,
    controllerEnabled: true,
    clusters: recorder.clusters(),
    clustersExamined: first.states.length,
  }
}
