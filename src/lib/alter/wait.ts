// Waiting for a reconfiguration to settle (controller-spec §5.4): poll the durable record every
// `cluster_alter_check_ready_interval`; never judge the deadline here (that would race an ON TIMEOUT
// COMMIT cut-over); succeed iff the record settled finalized or cancelled with the realized config
// at the awaited target. While waiting, optionally drive the controller for this cluster so the
// wait needs no daemon; every apply is guarded, so driving alongside `mzcluster run` is safe.

import type {ClusterRow, TargetJson} from '../catalog/cluster-rows.js'
import {loggingFromJson} from '../catalog/cluster-rows.js'
import type {Db} from '../catalog/db.js'
import {SystemParameters} from '../catalog/parameters.js'
import {hydratedReplicas, signalSource} from '../catalog/signals.js'
import {jsonEqual} from '../controller/shape.js'
import {UsageError} from '../errors.js'
import {tick} from '../ops/tick.js'

export type WaitOutcome =
  | {readonly kind: 'succeeded'; readonly how: 'finalized' | 'cancelled' | 'dropped' | 'realized'; readonly row: ClusterRow | null}
  | {readonly kind: 'failed'; readonly why: 'timed-out' | 'superseded' | 'resource-exhausted' | 'not-realized'; readonly message: string; readonly row: ClusterRow}
  | {readonly kind: 'still-waiting'; readonly why: 'interrupted' | 'wait-timeout'; readonly row: ClusterRow | null}

export interface WaitProgress {
  readonly target: TargetJson
  readonly hydratedTargetReplicas: number
  readonly deadlineMs: number
  readonly nowMs: number
}

export interface WaitOptions {
  readonly clusterId: string
  readonly awaited: TargetJson
  /** Tick this cluster while waiting (default true). */
  readonly drive?: boolean
  /** Bound on how long to wait (`cluster wait --timeout`); the reconfiguration goes on. */
  readonly maxWaitMs?: number
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: WaitProgress) => void
  /** Called with warnings from driven ticks. */
  readonly onWarning?: (warning: string) => void
}

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

async function readRow(db: Db, clusterId: string): Promise<ClusterRow | null> {
  const [row] = await db.query<ClusterRow>('SELECT * FROM mzcluster.clusters WHERE id = $1', [clusterId])
  return row ?? null
}

async function hydratedTargetCount(db: Db, row: ClusterRow, target: TargetJson, parameters: SystemParameters, nowMs: number): Promise<number> {
  const source = signalSource(parameters, nowMs)
  const hydrated = (await hydratedReplicas(db, [row.id], source)).get(row.id) ?? new Set()
  const replicas = await db.query<{id: string; size: string; availability_zones: string[]; logging: unknown}>(
    'SELECT id, size, availability_zones, logging FROM mzcluster.replicas WHERE cluster_id = $1',
    [row.id],
  )
  const zones = (list: string[]) => [...list].sort()
  return replicas.filter(
    (r) => hydrated.has(r.id) && r.size === target.size && jsonEqual(zones(r.availability_zones), zones(target.availability_zones)) && jsonEqual(r.logging, target.logging),
  ).length
}

export async function waitForReconfiguration(db: Db, options: WaitOptions): Promise<WaitOutcome> {
  const started = Date.now()
  const drive = options.drive ?? true
  let parameters = await SystemParameters.read(db)
  let lastTick = -Infinity
  for (;;) {
    if (options.signal?.aborted) return {kind: 'still-waiting', why: 'interrupted', row: await readRow(db, options.clusterId)}
    const tickIntervalMs = Math.max(parameters.number('cluster_controller_tick_interval'), 1)
    if (drive && Date.now() - lastTick >= tickIntervalMs) {
      lastTick = Date.now()
      const row = await readRow(db, options.clusterId)
      if (row?.managed) {
        try {
          const {warnings} = await tick(db, {clusterNames: [row.name]})
          for (const warning of warnings) options.onWarning?.(warning)
        } catch (error) {
          // Dropped (or made unmanaged) since the read above: the judge below sees why.
          if (!(error instanceof UsageError && (error.code === 'CLUSTER_NOT_FOUND' || error.code === 'NOT_CONTROLLED'))) throw error
        }
      }
    }
    const row = await readRow(db, options.clusterId)
    const outcome = judge(row, options.awaited)
    if (outcome) return outcome
    if (row?.reconfiguration && options.onProgress) {
      const nowMs = Date.now()
      options.onProgress({
        target: options.awaited,
        hydratedTargetReplicas: await hydratedTargetCount(db, row, options.awaited, parameters, nowMs),
        deadlineMs: row.reconfiguration.deadline,
        nowMs,
      })
    }
    if (options.maxWaitMs !== undefined && Date.now() - started >= options.maxWaitMs) {
      return {kind: 'still-waiting', why: 'wait-timeout', row}
    }
    const checkMs = Math.max(parameters.number('cluster_alter_check_ready_interval'), 10)
    const untilTick = drive ? Math.max(0, lastTick + tickIntervalMs - Date.now()) : Infinity
    const untilLimit = options.maxWaitMs === undefined ? Infinity : Math.max(0, started + options.maxWaitMs - Date.now())
    await sleep(Math.min(checkMs, untilTick, untilLimit), options.signal)
    parameters = await SystemParameters.read(db)
  }
}
