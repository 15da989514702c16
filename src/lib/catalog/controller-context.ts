// The catalog implementation of the controller's context: the kernel's reads and decisions turned
// into catalog queries. Reads are batched (a constant number of statements per tick, whatever the
// cluster count) and cluster state is read in one snapshot (cluster-state.ts); `applyEach` applies
// a phase's batches in one transaction with per-batch isolation (controller-apply.ts), and falls
// back to one transaction per batch when that transaction fails for a reason no batch decided.

import type {
  ApplyOutcome,
  ClusterControllerCtx,
  ClusterId,
  ClusterState,
  ConfigSignals,
  Decision,
  LiveSignals,
  RefreshMv,
  ReplicaId,
  SignalRequest,
} from '../controller/context.js'
import {objectId} from '../controller/context.js'
import {CatalogError} from '../errors.js'
import {advanceSimulatedFrontier} from '../controller/simulated-frontier.js'
import {managedClusterIds, readClusterStates} from './cluster-state.js'
import type {ApplyHooks} from './controller-apply.js'
import {applyBatches} from './controller-apply.js'
import {replicaKey} from './replica-writes.js'
import type {Db} from './db.js'
import type {CreatedOverride} from './flags.js'
import {SystemParameters} from './parameters.js'
import type {FrontierAdvance, RefreshMvRow, SignalSource} from './signals.js'
import {clustersWithHydratableObjects, hydratedReplicas, refreshMaterializedViews, signalSource} from './signals.js'

export type {FrontierAdvance} from './signals.js'

export interface CatalogContextOptions {
  /** A fixed "now" (`--now`); otherwise the wall clock at each read. */
  readonly nowMs?: number
  /** Restrict the tick to these cluster names (`--cluster`). */
  readonly clusterNames?: readonly string[]
  /** Prepares replicas about to be created (ids and scoped flag rows) before an apply's transaction. */
  readonly replicaCreateHook?: ReplicaCreateHook
}

/** A replica an apply is about to create. */
export interface ReplicaToCreate {
  readonly clusterId: string
  readonly name: string
  readonly size: string
}

/** What an apply writes with the replicas it creates: their ids, allocated ahead, and extra rows. */
export interface PreparedReplicaCreates {
  /** One id per replica, in the order given. */
  readonly ids: readonly string[]
  /** Scoped flag overrides of the new replicas, written in the apply's transaction. */
  readonly overrides: readonly CreatedOverride[]
  /** Why the new replicas get no overrides yet, if so (reported as a tick warning). */
  readonly warning: string | null
}

/** Runs before an apply's transaction opens (no catalog lock is held while it evaluates). */
export interface ReplicaCreateHook {
  prepare(replicas: readonly ReplicaToCreate[]): Promise<PreparedReplicaCreates>
}

export class CatalogControllerCtx implements ClusterControllerCtx {
  private latchedNowMs: number
  private parameters: SystemParameters | null = null
  /** Applies that failed for a reason other than a witness mismatch (reported as warnings). */
  readonly applyErrors: string[] = []
  /** Warnings of the replica create hook, each once. */
  readonly createWarnings = new Set<string>()
  /** Simulated frontiers that moved during this tick's reads (persisted by `tick`, not by `plan`). */
  readonly frontierAdvances = new Map<string, FrontierAdvance>()

  constructor(
    private readonly db: Db,
    private readonly options: CatalogContextOptions = {},
  ) {
    this.latchedNowMs = options.nowMs ?? Date.now()
  }

  now(): number {
    return this.latchedNowMs
  }

  async systemParameters(): Promise<SystemParameters> {
    this.parameters ??= await SystemParameters.read(this.db)
    return this.parameters
  }

  async controllerEnabled(): Promise<boolean> {
    return (await this.systemParameters()).bool('enable_cluster_controller')
  }

  async configSignals(): Promise<ConfigSignals> {
    const parameters = await this.systemParameters()
    return {burstEnabled: parameters.bool('enable_hydration_burst'), defaultBurstLingerMs: parameters.number('default_hydration_burst_linger')}
  }

  async managedClusterIds(): Promise<ClusterId[]> {
    if (!(await this.controllerEnabled())) return []
    // An empty list means no filter, as everywhere else (`--cluster` not given).
    const names = this.options.clusterNames?.length ? this.options.clusterNames : undefined
    return (await managedClusterIds(this.db, names)) as ClusterId[]
  }

  async clusterStates(ids: readonly ClusterId[]): Promise<ClusterState[]> {
    this.latchedNowMs = this.options.nowMs ?? Date.now()
    return readClusterStates(this.db, ids)
  }

  private async signalSource(): Promise<SignalSource> {
    return signalSource(await this.systemParameters(), this.latchedNowMs)
  }

  async liveSignals(
    requests: ReadonlyMap<ClusterId, SignalRequest>,
    states: ReadonlyMap<ClusterId, ClusterState>,
  ): Promise<Map<ClusterId, LiveSignals>> {
    const wanting = (key: keyof SignalRequest) => [...requests].filter(([, request]) => request[key]).map(([id]) => id)
    const hydrationIds = wanting('hydration')
    const objectIds = wanting('hydratableObjects')
    const refreshIds = wanting('refreshWindow').filter((id) => states.get(id)?.schedule.kind === 'on-refresh')
    const source = await this.signalSource()
    // Simulated frontiers advance only on clusters with a hydrated replica, so those need hydration too.
    const hydrationQueryIds = source.kind === 'simulated' ? [...new Set([...hydrationIds, ...refreshIds])] : hydrationIds
    const [hydrated, withObjects, refreshRows] = await Promise.all([
      hydratedReplicas(this.db, hydrationQueryIds, source),
      clustersWithHydratableObjects(this.db, objectIds),
      refreshMaterializedViews(this.db, refreshIds),
    ])
    const compactionEstimateMs = (await this.systemParameters()).number('cluster_refresh_mv_compaction_estimate')
    const refreshByCluster = new Map<string, RefreshMvRow[]>()
    for (const row of refreshRows) {
      let list = refreshByCluster.get(row.cluster_id)
      if (list === undefined) refreshByCluster.set(row.cluster_id, (list = []))
      list.push(row)
    }
    const refreshing = new Set(refreshIds)
    const signals = new Map<ClusterId, LiveSignals>()
    for (const [id, request] of requests) {
      const refreshWindow = request.refreshWindow
        ? refreshing.has(id)
          ? {
              readTs: this.latchedNowMs,
              compactionEstimateMs,
              refreshMvs: (refreshByCluster.get(id) ?? []).map((row) => this.refreshMv(row, source, (hydrated.get(id)?.size ?? 0) > 0)),
            }
          : null
        : undefined
      signals.set(id, {
        hydratedReplicas: request.hydration ? ((hydrated.get(id) ?? new Set()) as Set<ReplicaId>) : undefined,
        hasHydratableObjects: request.hydratableObjects ? withObjects.has(id) : undefined,
        refreshWindow,
      })
    }
    return signals
  }

  /** A refresh MV's frontier: reported, else its creation time; simulated ones advance while hydrated. */
  private refreshMv(row: RefreshMvRow, source: SignalSource, clusterHydrated: boolean): RefreshMv {
    const schedule = {
      everies: row.refresh_schedule.everies.map((every) => ({intervalMs: every.interval_ms, alignedToMs: every.aligned_to})),
      ats: row.refresh_schedule.ats,
    }
    let writeFrontier: number | null = row.sealed ? null : (row.write_frontier ?? row.created_at)
    if (source.kind === 'simulated') {
      const advanced = advanceSimulatedFrontier(schedule, writeFrontier, this.latchedNowMs, clusterHydrated)
      if (advanced !== undefined) {
        writeFrontier = advanced
        this.frontierAdvances.set(row.id, {objectId: row.id, writeFrontier})
      }
    }
    return {id: objectId(row.id), writeFrontier, refreshSchedule: schedule}
  }

  async apply(decisions: readonly Decision[]): Promise<ApplyOutcome> {
    return (await this.applyEach([decisions]))[0] as ApplyOutcome
  }

  async applyEach(batches: readonly (readonly Decision[])[]): Promise<ApplyOutcome[]> {
    const outcomes: ApplyOutcome[] = batches.map(() => 'applied')
    const work = batches.map((batch, i) => ({batch, i})).filter(({batch}) => batch.length > 0)
    if (work.length === 0) return outcomes
    const hooks: ApplyHooks = await this.prepareCreates(work.flatMap(({batch}) => batch))
    try {
      const applied = await this.db.transaction((tx) =>
        applyBatches(
          tx,
          work.map(({batch}) => batch),
          this.latchedNowMs,
          hooks,
        ),
      )
      work.forEach(({i}, k) => (outcomes[i] = applied[k] as ApplyOutcome))
    } catch (error) {
      if (error instanceof CatalogError) throw error
      if (work.length === 1) {
        this.applyErrors.push((error as Error).message)
        outcomes[(work[0] as {i: number}).i] = 'rejected'
      } else {
        // Not any batch's decision: find the failing batch by applying each in its own transaction.
        for (const {batch, i} of work) outcomes[i] = (await this.applyEach([batch]))[0] as ApplyOutcome
      }
    }
    return outcomes
  }

  /** The create hook's preparation of these decisions' creates, before the apply's transaction. */
  private async prepareCreates(decisions: readonly Decision[]): Promise<ApplyHooks> {
    const hook = this.options.replicaCreateHook
    const creates = decisions.filter((d): d is Extract<Decision, {kind: 'create'}> => d.kind === 'create')
    if (!hook || creates.length === 0) return {}
    try {
      const prepared = await hook.prepare(creates.map((c) => ({clusterId: c.clusterId, name: c.name, size: c.shape.size})))
      if (prepared.warning !== null) this.createWarnings.add(prepared.warning)
      const ids = new Map<string, string>()
      creates.forEach((c, i) => {
        const id = prepared.ids[i]
        if (id !== undefined) ids.set(replicaKey(c.clusterId, c.name), id)
      })
      return {replicaIds: ids, overrides: prepared.overrides}
    } catch (error) {
      if (error instanceof CatalogError) throw error
      this.createWarnings.add(`preparing new replicas failed (${(error as Error).message}); created without scoped flag overrides`)
      return {}
    }
  }
}
