// The catalog implementation of the controller's context: the only code that turns the kernel's
// reads and decisions into SQL. Reads are batched (a constant number of queries per tick, whatever
// the cluster count); `apply` is one transaction that locks every cluster in the batch, checks its
// compare-and-append witness, and then writes configs, records, replicas and audit events together
// — or nothing.

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
  StateWrite,
} from '../controller/context.js'
import {objectId} from '../controller/context.js'
import {roundUp} from '../controller/refresh-schedule.js'
import {createAuditReason} from '../controller/reconcile.js'
import {witnessEqual, witnessOf} from '../controller/shape.js'
import {CatalogError} from '../errors.js'
import type {AuditEvent} from './audit.js'
import {appendAudit, notifyCatalogChange} from './audit.js'
import type {ClusterRow, ReplicaRow} from './cluster-rows.js'
import {burstToJson, clusterState, loggingToJson, reconfigurationToJson} from './cluster-rows.js'
import type {Db, Queryable} from './db.js'
import {insertCreatedOverrides, type CreatedOverride} from './flags.js'
import {SystemParameters} from './parameters.js'
import type {RefreshMvRow, SignalSource} from './signals.js'
import {clustersWithHydratableObjects, hydratedReplicas, refreshMaterializedViews, signalSource} from './signals.js'

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

/** A simulated frontier that moved because its cluster had a hydrated replica (persisted by `tick`). */
export interface FrontierAdvance {
  readonly objectId: string
  /** null: sealed (no refresh left). */
  readonly writeFrontier: number | null
}

class Rejected extends Error {
  constructor(readonly outcome: 'rejected' | 'resource-exhausted') {
    super(outcome)
  }
}

export class CatalogControllerCtx implements ClusterControllerCtx {
  private latchedNowMs: number
  private parameters: SystemParameters | null = null
  /** Credits per hour of all user replicas, read once per tick and kept current by our applies. */
  private credits: {usage: number; bySize: Map<string, number>} | null = null
  /** Applies that failed for a reason other than a witness mismatch (reported as warnings). */
  readonly applyErrors: string[] = []
  /** Warnings of the replica create hook, each once. */
  readonly createWarnings = new Set<string>()
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
    const rows = await this.db.query<{id: string}>(
      `SELECT id FROM mzcluster.clusters WHERE managed AND NOT builtin${names ? ' AND name = ANY($1)' : ''} ORDER BY ord`,
      names ? [names] : [],
    )
    return rows.map((row) => row.id as ClusterId)
  }

  async clusterStates(ids: readonly ClusterId[]): Promise<ClusterState[]> {
    this.latchedNowMs = this.options.nowMs ?? Date.now()
    if (ids.length === 0) return []
    const [clusters, replicas] = await Promise.all([
      this.db.query<ClusterRow>(
        'SELECT * FROM mzcluster.clusters WHERE id = ANY($1) AND managed AND NOT builtin ORDER BY ord',
        [ids],
      ),
      // Default zones and logging come back as null: decoding two JSON documents for each of tens
      // of thousands of replicas costs more than the query itself.
      this.db.query<ReplicaRow>(
        `SELECT id, ord, cluster_id, name, size, NULLIF(availability_zones, '[]'::jsonb) AS availability_zones,
           NULLIF(logging, '{"log_logging": false, "interval_ms": 1000}'::jsonb) AS logging,
           internal, billed_as, pending, created_at
         FROM mzcluster.replicas WHERE cluster_id = ANY($1) ORDER BY ord, id`,
        [ids],
      ),
    ])
    const byCluster = new Map<string, ReplicaRow[]>()
    for (const replica of replicas) {
      const list = byCluster.get(replica.cluster_id) ?? []
      list.push(replica)
      byCluster.set(replica.cluster_id, list)
    }
    return clusters.map((row) => clusterState(row, byCluster.get(row.id) ?? []))
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
    const signals = new Map<ClusterId, LiveSignals>()
    for (const [id, request] of requests) {
      const refreshWindow = request.refreshWindow
        ? refreshIds.includes(id)
          ? {
              readTs: this.latchedNowMs,
              compactionEstimateMs,
              refreshMvs: refreshRows
                .filter((row) => row.cluster_id === id)
                .map((row) => this.refreshMv(row, source, (hydrated.get(id)?.size ?? 0) > 0)),
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
    if (source.kind === 'simulated' && clusterHydrated && writeFrontier !== null && writeFrontier <= this.latchedNowMs) {
      // Every refresh up to now completed: the frontier moves to the next refresh (sealed if none).
      writeFrontier = roundUp(schedule, this.latchedNowMs + 1)
      this.frontierAdvances.set(row.id, {objectId: row.id, writeFrontier})
    }
    return {id: objectId(row.id), writeFrontier, refreshSchedule: schedule}
  }

  async apply(decisions: readonly Decision[]): Promise<ApplyOutcome> {
    if (decisions.length === 0) return 'applied'
    const prepared = await this.prepareCreates(decisions)
    try {
      const creditDelta = await this.db.transaction((tx) => this.applyInTransaction(tx, decisions, prepared))
      if (this.credits) this.credits.usage += creditDelta
      return 'applied'
    } catch (error) {
      if (error instanceof Rejected) return error.outcome
      if (error instanceof CatalogError) throw error
      this.applyErrors.push((error as Error).message)
      return 'rejected'
    }
  }

  /** The hook's preparation of this apply's creates (before its transaction); null without a hook. */
  private async prepareCreates(decisions: readonly Decision[]): Promise<PreparedReplicaCreates | null> {
    const hook = this.options.replicaCreateHook
    const creates = decisions.filter((d): d is Extract<Decision, {kind: 'create'}> => d.kind === 'create')
    if (!hook || creates.length === 0) return null
    try {
      const prepared = await hook.prepare(creates.map((c) => ({clusterId: c.clusterId, name: c.name, size: c.shape.size})))
      if (prepared.warning !== null) this.createWarnings.add(prepared.warning)
      return prepared
    } catch (error) {
      if (error instanceof CatalogError) throw error
      this.createWarnings.add(`preparing new replicas failed (${(error as Error).message}); created without scoped flag overrides`)
      return null
    }
  }

  /** Apply in one transaction; returns the change in credits per hour it committed. */
  private async applyInTransaction(tx: Queryable, decisions: readonly Decision[], prepared: PreparedReplicaCreates | null): Promise<number> {
    const clusterIds = [...new Set(decisions.map((decision) => decision.clusterId as string))].sort()
    // Lock in id order so concurrent appliers cannot deadlock; the witness is checked under the lock.
    const rows = await tx.query<ClusterRow>(
      'SELECT * FROM mzcluster.clusters WHERE id = ANY($1) ORDER BY id FOR UPDATE',
      [clusterIds],
    )
    const current = new Map(rows.map((row) => [row.id, row]))
    for (const decision of decisions) {
      const row = current.get(decision.clusterId)
      if (!row || !row.managed || row.builtin) throw new Rejected('rejected')
      if (!witnessEqual(witnessOf(clusterState(row, [])), decision.expected)) throw new Rejected('rejected')
    }
    const events: AuditEvent[] = []
    const nowMs = this.latchedNowMs

    const drops = decisions.filter((d): d is Extract<Decision, {kind: 'drop'}> => d.kind === 'drop')
    const droppedSizes: (string | null)[] = []
    if (drops.length > 0) {
      const dropped = await tx.query<{id: string; name: string; size: string | null; cluster_id: string}>(
        'DELETE FROM mzcluster.replicas WHERE id = ANY($1) AND cluster_id = ANY($2) RETURNING id, name, size, cluster_id',
        [drops.map((d) => d.replicaId), clusterIds],
      )
      if (dropped.length !== drops.length) throw new Rejected('rejected')
      for (const replica of dropped) {
        droppedSizes.push(replica.size)
        const cluster = current.get(replica.cluster_id) as ClusterRow
        events.push({
          eventType: 'drop',
          objectType: 'cluster-replica',
          details: {cluster_id: cluster.id, cluster_name: cluster.name, replica_id: replica.id, replica_name: replica.name, logical_size: replica.size, reason: 'retired'},
        })
      }
    }

    const creates = decisions.filter((d): d is Extract<Decision, {kind: 'create'}> => d.kind === 'create')
    let creditDelta = 0
    if (creates.length > 0) {
      const params: unknown[] = []
      const values = creates.map((create, i) => {
        params.push(create.clusterId, create.name, create.shape.size, JSON.stringify(create.shape.availabilityZones), JSON.stringify(loggingToJson(create.shape.logging)), nowMs, prepared?.ids[i] ?? null)
        const p = (k: number) => `$${7 * i + k}`
        return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}::jsonb, ${p(6)}, ${p(7)}::text)`
      })
      // Deterministic names make a re-emitted create a no-op (ON CONFLICT DO NOTHING). An id allocated
      // ahead (by the create hook) is used as is; otherwise one is drawn here.
      const inserted = await tx.query<{id: string; name: string; cluster_id: string; size: string}>(
        `WITH wanted (cluster_id, name, size, availability_zones, logging, created_at, id) AS (VALUES ${values.join(', ')}),
              numbered AS (SELECT w.*, CASE WHEN w.id IS NULL THEN nextval('mzcluster.user_replica_ids') ELSE substr(w.id, 2)::bigint END AS n FROM wanted w)
         INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, logging, created_at)
         SELECT 'u' || n, n, cluster_id, name, size, availability_zones, logging, created_at::bigint FROM numbered
         ON CONFLICT (cluster_id, name) DO NOTHING
         RETURNING id, name, cluster_id, size`,
        params,
      )
      creditDelta = await this.checkResourceLimits(
        tx,
        [...new Set(creates.map((c) => c.clusterId as string))],
        inserted.map((r) => r.size),
        droppedSizes,
      )
      for (const replica of inserted) {
        const cluster = current.get(replica.cluster_id) as ClusterRow
        const create = creates.find((c) => c.clusterId === replica.cluster_id && c.name === replica.name)
        if (!create) continue
        const details: Record<string, unknown> = {
          cluster_id: cluster.id,
          cluster_name: cluster.name,
          replica_id: replica.id,
          replica_name: replica.name,
          logical_size: replica.size,
          reason: createAuditReason(create.reason),
        }
        if (create.reason.kind === 'on-refresh') {
          const decision = create.reason.decision
          details.scheduling_policies = {
            on_refresh: {
              decision: 'on',
              hydration_time_estimate: formatInterval(decision.hydrationTimeEstimateMs),
              objects_needing_refresh: decision.objectsNeedingRefresh,
              objects_needing_compaction: decision.objectsNeedingCompaction,
            },
          }
        }
        events.push({eventType: 'create', objectType: 'cluster-replica', details})
      }
      if (prepared && prepared.overrides.length > 0) await insertCreatedOverrides(tx, prepared.overrides)
    }

    for (const decision of decisions) {
      if (decision.kind !== 'updateState') continue
      const row = current.get(decision.clusterId) as ClusterRow
      const next = overlay(row, decision.write)
      await tx.query(
        `UPDATE mzcluster.clusters SET size = $2, replication_factor = $3, availability_zones = $4::jsonb, logging = $5::jsonb,
           reconfiguration = $6::jsonb, burst = $7::jsonb, version = version + 1 WHERE id = $1`,
        [
          row.id,
          next.size,
          next.replication_factor,
          JSON.stringify(next.availability_zones),
          JSON.stringify(next.logging),
          next.reconfiguration === null ? null : JSON.stringify(next.reconfiguration),
          next.burst === null ? null : JSON.stringify(next.burst),
        ],
      )
      events.push(...stateWriteEvents(row, decision.write))
      current.set(row.id, next)
    }

    const replicaChanged = [...new Set([...drops, ...creates].map((d) => d.clusterId as string))]
    if (replicaChanged.length > 0) {
      await tx.query('UPDATE mzcluster.clusters SET version = version + 1 WHERE id = ANY($1)', [replicaChanged])
    }
    await appendAudit(tx, events, nowMs)
    await notifyCatalogChange(tx, 'controller')
    return creditDelta
  }

  /**
   * max_replicas_per_cluster for each cluster that gained replicas (counted in the transaction);
   * max_credit_consumption_rate over all user replicas. The environment's credit usage is read once
   * per tick (inside the first transaction that creates) and then advanced by this controller's own
   * applies, instead of summing every replica on every apply. Returns the apply's credit change.
   */
  private async checkResourceLimits(
    tx: Queryable,
    clusterIds: readonly string[],
    createdSizes: readonly string[],
    droppedSizes: readonly (string | null)[],
  ): Promise<number> {
    const parameters = await this.systemParameters()
    const [counts] = await tx.query<{max_replicas: number}>(
      `SELECT COALESCE(max(n), 0) AS max_replicas
       FROM (SELECT count(*)::int AS n FROM mzcluster.replicas WHERE cluster_id = ANY($1) GROUP BY cluster_id) c`,
      [clusterIds],
    )
    if ((counts?.max_replicas ?? 0) > parameters.number('max_replicas_per_cluster')) throw new Rejected('resource-exhausted')
    if (!this.credits) {
      const sizes = await tx.query<{name: string; credits: number}>(
        'SELECT name, credits_per_hour::float8 AS credits FROM mzcluster.replica_sizes',
      )
      const [usage] = await tx.query<{credits: number}>(
        `SELECT COALESCE(sum(s.credits_per_hour), 0)::float8 AS credits FROM mzcluster.replicas r
         JOIN mzcluster.clusters c ON c.id = r.cluster_id AND NOT c.builtin
         JOIN mzcluster.replica_sizes s ON s.name = r.size`,
      )
      // Read after this apply's own inserts and deletes: subtract them so usage is the pre-apply figure.
      const bySize = new Map(sizes.map((row) => [row.name, Number(row.credits)]))
      const own = sum(createdSizes, bySize) - sum(droppedSizes, bySize)
      this.credits = {usage: Number(usage?.credits ?? 0) - own, bySize}
    }
    const delta = sum(createdSizes, this.credits.bySize) - sum(droppedSizes, this.credits.bySize)
    if (this.credits.usage + delta > parameters.number('max_credit_consumption_rate')) throw new Rejected('resource-exhausted')
    return delta
  }
}

function sum(sizes: readonly (string | null)[], bySize: ReadonlyMap<string, number>): number {
  return sizes.reduce((total, size) => total + (size === null ? 0 : (bySize.get(size) ?? 0)), 0)
}

/** The row with a state write's non-absent fields overlaid (other fields untouched). */
function overlay(row: ClusterRow, write: StateWrite): ClusterRow {
  return {
    ...row,
    size: write.newSize ?? row.size,
    replication_factor: write.newReplicationFactor ?? row.replication_factor,
    availability_zones: write.newAvailabilityZones ? [...write.newAvailabilityZones] : row.availability_zones,
    logging: write.newLogging ? loggingToJson(write.newLogging) : row.logging,
    reconfiguration: write.reconfiguration ? reconfigurationToJson(write.reconfiguration.record) : row.reconfiguration,
    burst: write.burst ? burstToJson(write.burst.record) : row.burst,
  }
}

/** The audit events a state write declares (controller-spec §7.1, §7.2). */
function stateWriteEvents(row: ClusterRow, write: StateWrite): AuditEvent[] {
  const events: AuditEvent[] = []
  const base = {cluster_id: row.id, cluster_name: row.name}
  const reconfiguration = write.reconfiguration
  if (reconfiguration?.audit) {
    const record = reconfiguration.record ? reconfigurationToJson(reconfiguration.record) : row.reconfiguration
    events.push({
      eventType: 'alter',
      objectType: 'cluster',
      details: {
        ...base,
        transition: reconfiguration.audit.transition,
        forced: reconfiguration.audit.transition === 'finalized' ? reconfiguration.audit.forced : null,
        target_size: record?.target.size ?? null,
        target_replication_factor: record?.target.replication_factor ?? null,
        target_availability_zones: record?.target.availability_zones ?? [],
        target_logging: record?.target.logging ?? null,
        deadline: record?.deadline ?? null,
      },
    })
  }
  const burst = write.burst
  if (burst?.audit) {
    const size = burst.record?.burstSize ?? row.burst?.burst_size ?? null
    events.push({
      eventType: 'alter',
      objectType: 'cluster',
      details: {
        ...base,
        kind: 'hydration-burst',
        transition: burst.audit.transition,
        finish_cause: burst.audit.transition === 'finished' ? burst.audit.cause : null,
        burst_size: size,
      },
    })
  }
  return events
}

/** `hh:mm:ss` as the seed renders the hydration time estimate in scheduling policies. */
function formatInterval(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`
}

/** Persist simulated frontier advances observed during a tick (not during a plan). */
export async function persistFrontierAdvances(db: Db, advances: Iterable<FrontierAdvance>, nowMs: number): Promise<void> {
  const list = [...advances]
  if (list.length === 0) return
  await db.transaction(async (tx) => {
    for (const advance of list) {
      await tx.query(
        `INSERT INTO mzcluster.object_frontiers (object_id, write_frontier, sealed, reported_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (object_id) DO UPDATE SET write_frontier = $2, sealed = $3, reported_at = $4`,
        [advance.objectId, advance.writeFrontier, advance.writeFrontier === null, nowMs],
      )
    }
  })
}
