// Waiting for a reconfiguration to settle (controller-spec §5.4): poll the durable record every
// `cluster_alter_check_ready_interval`; never judge the deadline here (that would race an ON TIMEOUT
// COMMIT cut-over); succeed iff the record settled finalized or cancelled with the realized config
// at the awaited target. A cancel waits instead for the cancelled target's replicas to be dropped.
// While waiting, the caller may drive the controller for this cluster (`drive`) so the wait needs
// no daemon; every apply is guarded, so driving alongside `mzcluster run` is safe.

import type {ClusterRow, TargetJson} from '../catalog/cluster-rows.js'
import {clusterState, loggingFromJson, targetFromJson} from '../catalog/cluster-rows.js'
import type {Db} from '../catalog/db.js'
import {SystemParameters} from '../catalog/parameters.js'
import {clusterById, replicasOfCluster} from '../catalog/reconfigurations.js'
import {hydratedReplicas, replicasWithReports, signalSource} from '../catalog/signals.js'
import type {ClusterState, ReplicaId, ReplicaShape} from '../controller/context.js'
import type {OwnedReplica} from '../controller/shape.js'
import {hydratedReplicasMatching, isOwned, jsonEqual, realizedShape, shapesMatch} from '../controller/shape.js'
import {UsageError} from '../errors.js'

export type WaitOutcome =
  | {readonly kind: 'succeeded'; readonly how: 'finalized' | 'cancelled' | 'dropped' | 'realized'; readonly row: ClusterRow | null}
  | {readonly kind: 'failed'; readonly why: 'timed-out' | 'superseded' | 'resource-exhausted' | 'not-realized'; readonly message: string; readonly row: ClusterRow}
  | {readonly kind: 'still-waiting'; readonly why: 'interrupted' | 'wait-timeout'; readonly row: ClusterRow | null}

/** What a wait is waiting for, as of one poll. */
export type WaitProgress =
  | {
      readonly awaiting: 'hydration'
      readonly target: TargetJson
      /** Names of the replicas of the target shape that exist so far. */
      readonly targetReplicas: readonly string[]
      readonly hydratedTargetReplicas: number
      readonly deadlineMs: number
      readonly nowMs: number
      readonly elapsedMs: number
    }
  | {
      readonly awaiting: 'retirement'
      /** Replicas of the cancelled target still to be dropped. */
      readonly remainingReplicas: readonly string[]
      readonly nowMs: number
      readonly elapsedMs: number
    }

/** Target replicas exist but nothing has reported on any of them, and signals come from the catalog. */
export interface NoReports {
  readonly clusterName: string
  readonly replicaNames: readonly string[]
}

export interface WaitOptions {
  readonly clusterId: string
  /** Tick this cluster while waiting (returns the tick's warnings); absent: only poll. */
  readonly drive?: (clusterName: string) => Promise<readonly string[]>
  /** Bound on how long to wait (`cluster wait --timeout`); the reconfiguration goes on. */
  readonly maxWaitMs?: number
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: WaitProgress) => void
  /** Called with warnings from driven ticks. */
  readonly onWarning?: (warning: string) => void
  /**
   * Called once when target replicas have existed without any report for a few tick intervals
   * while `signal_source` is `catalog`: nothing is reporting hydration, so nothing will progress.
   */
  readonly onNoReports?: (stall: NoReports) => void
}

/** Tick intervals that target replicas may go unreported before `onNoReports` fires. */
export const NO_REPORT_TICKS = 3

const realized = (row: ClusterRow): TargetJson => ({
  size: row.size as string,
  replication_factor: row.replication_factor as number,
  availability_zones: row.availability_zones,
  logging: row.logging,
})

export function describeTarget(target: TargetJson): string {
  const parts = [`${target.size} × ${target.replication_factor}`]
  if (target.availability_zones.length > 0) parts.push(`zones ${target.availability_zones.join(',')}`)
  const logging = loggingFromJson(target.logging)
  parts.push(`introspection ${logging.intervalMs === null ? 'off' : `${logging.intervalMs}ms`}${logging.logLogging ? ' (debugging)' : ''}`)
  return parts.join(', ')
}

/** Judge a settled (or absent) record against the awaited target; null while still in progress. */
export function judge(row: ClusterRow | null, awaited: TargetJson): WaitOutcome | null {
  if (row === null) return {kind: 'succeeded', how: 'dropped', row: null}
  const record = row.reconfiguration
  const atTarget = row.managed && jsonEqual(realized(row), awaited)
  if (record === null) {
    return atTarget
      ? {kind: 'succeeded', how: 'realized', row}
      : {kind: 'failed', why: 'not-realized', message: 'the reconfiguration record is gone and the cluster is not at the awaited target', row}
  }
  if (record.status === 'in-progress') {
    if (jsonEqual(record.target, awaited)) return null
    return {kind: 'failed', why: 'superseded', message: `superseded by a later alter, now targeting ${describeTarget(record.target)}`, row}
  }
  if ((record.status === 'finalized' || record.status === 'cancelled') && atTarget) {
    return {kind: 'succeeded', how: record.status, row}
  }
  if (record.status === 'timed-out') {
    return {
      kind: 'failed',
      why: 'timed-out',
      message: `timed out at ${new Date(record.deadline).toISOString()} before the target hydrated and rolled back; the cluster stays at ${describeTarget(realized(row))}`,
      row,
    }
  }
  if (record.status === 'resource-exhausted') {
    return {kind: 'failed', why: 'resource-exhausted', message: 'the reconfiguration could not provision its target within the resource limits and was abandoned', row}
  }
  return {kind: 'failed', why: 'superseded', message: `superseded by a later alter (record ${record.status}, targeting ${describeTarget(record.target)})`, row}
}

const shapeOfTarget = (target: TargetJson): ReplicaShape => {
  const {size, availabilityZones, logging} = targetFromJson(target)
  return {size, availabilityZones, logging}
}

/** Owned replicas of `shape` (the kernel's shape rule: zones as a set, logging, ownership). */
const replicasOfShape = (state: ClusterState, shape: ReplicaShape): OwnedReplica[] =>
  state.replicas.filter((replica): replica is OwnedReplica => isOwned(replica) && shapesMatch(replica.shape, shape))

/** The replicas of a cancelled target that the controller still has to drop (none of the realized shape). */
export function inFlightReplicas(state: ClusterState, cancelled: TargetJson): string[] {
  const realizedNow = realizedShape(state)
  return replicasOfShape(state, shapeOfTarget(cancelled))
    .filter((replica) => !shapesMatch(replica.shape, realizedNow))
    .map((replica) => replica.name)
}

/** Judge a cancel's wait: done once the cancelled target's replicas are gone; null while they remain. */
export function judgeRetirement(row: ClusterRow | null, state: ClusterState | null, cancelled: TargetJson): WaitOutcome | null {
  if (row === null) return {kind: 'succeeded', how: 'dropped', row: null}
  if (row.reconfiguration?.status === 'in-progress') {
    return {kind: 'failed', why: 'superseded', message: `a later alter started a new reconfiguration, targeting ${describeTarget(row.reconfiguration.target)}`, row}
  }
  if (state === null || inFlightReplicas(state, cancelled).length === 0) return {kind: 'succeeded', how: 'cancelled', row}
  return null
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })

interface Observation {
  readonly row: ClusterRow | null
  /** The kernel's view of the cluster (null when dropped or unmanaged). */
  readonly state: ClusterState | null
}

async function observe(db: Db, clusterId: string): Promise<Observation> {
  const row = await clusterById(db, clusterId)
  if (row === null || !row.managed || row.size === null || row.replication_factor === null) return {row, state: null}
  return {row, state: clusterState(row, await replicasOfCluster(db, clusterId))}
}

type Step = (observation: Observation, parameters: SystemParameters, nowMs: number, elapsedMs: number) => Promise<WaitOutcome | null>

/** The shared poll loop: drive (optionally), observe, judge, report, sleep; until judged or stopped. */
async function pollUntilSettled(db: Db, options: WaitOptions, step: Step): Promise<WaitOutcome> {
  const started = Date.now()
  let parameters = await SystemParameters.read(db)
  let lastTick = -Infinity
  for (;;) {
    if (options.signal?.aborted) return {kind: 'still-waiting', why: 'interrupted', row: await clusterById(db, options.clusterId)}
    const tickIntervalMs = Math.max(parameters.number('cluster_controller_tick_interval'), 1)
    if (options.drive && Date.now() - lastTick >= tickIntervalMs) {
      lastTick = Date.now()
      const row = await clusterById(db, options.clusterId)
      if (row?.managed) {
        try {
          for (const warning of await options.drive(row.name)) options.onWarning?.(warning)
        } catch (error) {
          // Dropped (or made unmanaged) since the read above: the judge below sees why.
          if (!(error instanceof UsageError && (error.code === 'CLUSTER_NOT_FOUND' || error.code === 'NOT_CONTROLLED'))) throw error
        }
      }
    }
    const observation = await observe(db, options.clusterId)
    const outcome = await step(observation, parameters, Date.now(), Date.now() - started)
    if (outcome) return outcome
    if (options.maxWaitMs !== undefined && Date.now() - started >= options.maxWaitMs) {
      return {kind: 'still-waiting', why: 'wait-timeout', row: observation.row}
    }
    const checkMs = Math.max(parameters.number('cluster_alter_check_ready_interval'), 10)
    const untilTick = options.drive ? Math.max(0, lastTick + tickIntervalMs - Date.now()) : Infinity
    const untilLimit = options.maxWaitMs === undefined ? Infinity : Math.max(0, started + options.maxWaitMs - Date.now())
    await sleep(Math.min(checkMs, untilTick, untilLimit), options.signal)
    parameters = await SystemParameters.read(db)
  }
}

/** Wait until the reconfiguration to `awaited` settles (or the wait is bounded or aborted). */
export async function waitForReconfiguration(db: Db, options: WaitOptions & {readonly awaited: TargetJson}): Promise<WaitOutcome> {
  const shape = shapeOfTarget(options.awaited)
  let unreportedSinceMs: number | null = null
  let stallReported = false
  return pollUntilSettled(db, options, async ({row, state}, parameters, nowMs, elapsedMs) => {
    const outcome = judge(row, options.awaited)
    if (outcome || row?.reconfiguration == null || state === null) return outcome
    const targetReplicas = replicasOfShape(state, shape)
    const source = signalSource(parameters, nowMs)
    const hydrated = (await hydratedReplicas(db, [state.clusterId], source)).get(state.clusterId) as ReadonlySet<ReplicaId> | undefined
    const hydratedTargetReplicas = hydratedReplicasMatching(state, shape, hydrated)
    options.onProgress?.({
      awaiting: 'hydration',
      target: options.awaited,
      targetReplicas: targetReplicas.map((replica) => replica.name),
      hydratedTargetReplicas,
      deadlineMs: row.reconfiguration.deadline,
      nowMs,
      elapsedMs,
    })
    if (!stallReported && options.onNoReports && source.kind === 'catalog' && targetReplicas.length > 0) {
      const reported = await replicasWithReports(db, targetReplicas.map((replica) => replica.replicaId))
      if (reported.size > 0) unreportedSinceMs = null
      else {
        unreportedSinceMs ??= nowMs
        if (nowMs - unreportedSinceMs >= NO_REPORT_TICKS * parameters.number('cluster_controller_tick_interval')) {
          stallReported = true
          options.onNoReports({clusterName: state.name, replicaNames: targetReplicas.map((replica) => replica.name)})
        }
      }
    }
    return null
  })
}

/** After a cancel: wait until the controller has dropped the cancelled target's replicas. */
export async function waitForRetirement(db: Db, options: WaitOptions & {readonly cancelled: TargetJson}): Promise<WaitOutcome> {
  return pollUntilSettled(db, options, async ({row, state}, _parameters, nowMs, elapsedMs) => {
    const outcome = judgeRetirement(row, state, options.cancelled)
    if (outcome || state === null) return outcome
    options.onProgress?.({awaiting: 'retirement', remainingReplicas: inFlightReplicas(state, options.cancelled), nowMs, elapsedMs})
    return null
  })
}
