// Routing an ALTER of a managed cluster (controller-spec §5.2, final stack), as a pure function of
// the current row, the parsed request and the time: refuse what the seed refuses, take the no-op
// shortcut, write or fold the reconfiguration record for a shape change (the realized shape stays
// in place until the controller cuts over), or update the realized config directly.

import type {AutoScalingPolicy, Logging, OnTimeout, ReconfigurationTarget, Schedule} from '../controller/context.js'
import {jsonEqual} from '../controller/shape.js'
import {burstRecordWarranted} from '../controller/strategies/hydration-burst.js'
import type {BurstJson, ClusterRow, ReconfigurationJson} from '../catalog/cluster-rows.js'
import {
  loggingFromJson,
  loggingToJson,
  policyFromJson,
  policyToJson,
  scheduleFromJson,
  scheduleToJson,
  targetFromJson,
  targetToJson,
} from '../catalog/cluster-rows.js'
import {UsageError} from '../errors.js'
import {
  AUTO_SCALING_WITH_SCHEDULE_MESSAGE,
  hydrationSizeEqualsSizeMessage,
  REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE,
} from '../ddl/cluster-options.js'
import {foldReconfigurationTarget} from './fold.js'

/** How the alter bounds the reconfiguration (product.md §6). */
export type AlterTiming =
  | {readonly kind: 'default'}
  | {readonly kind: 'wait-for'; readonly timeoutMs: number}
  | {readonly kind: 'until-ready'; readonly timeoutMs: number; readonly onTimeout: OnTimeout}

/** A parsed `cluster alter`; an undefined field was not mentioned. */
export interface AlterRequest {
  readonly size?: string
  readonly replicationFactor?: number
  readonly availabilityZones?: readonly string[]
  readonly logLogging?: boolean
  /** null: introspection off (INTERVAL 0). */
  readonly intervalMs?: number | null
  readonly schedule?: Schedule
  /** `--hydration-time-estimate` without `--schedule`: re-estimate an on-refresh cluster. */
  readonly hydrationTimeEstimateMs?: number
  /** null: `--no-auto-scaling` (RESET). */
  readonly autoScaling?: AutoScalingPolicy | null
  readonly features?: Readonly<Record<string, string>>
  readonly unmanaged?: boolean
  readonly timing: AlterTiming
}

export interface RouteContext {
  /** enable_cluster_controller ∧ user cluster: the controller owns the replica set. */
  readonly owns: boolean
  readonly nowMs: number
  readonly defaultTimeoutMs: number
}

export type ReconfigurationTransition = 'started' | 'cancelled'

export type AlterRoute =
  | {readonly kind: 'unchanged'}
  | {readonly kind: 'to-unmanaged'; readonly next: ClusterRow}
  | {
      readonly kind: 'direct'
      readonly next: ClusterRow
      /** Gate off: a carried in-progress record is retired as cancelled. */
      readonly retiredRecord: boolean
      readonly burstRetired: boolean
    }
  | {
      readonly kind: 'reshape'
      readonly next: ClusterRow
      readonly record: ReconfigurationJson
      readonly transition: ReconfigurationTransition
      readonly burstRetired: boolean
    }

const MAX_TIMESTAMP_MS = Number.MAX_SAFE_INTEGER

function shapeMentioned(request: AlterRequest): boolean {
  return (
    request.size !== undefined ||
    request.availabilityZones !== undefined ||
    request.logLogging !== undefined ||
    request.intervalMs !== undefined
  )
}

function timingMentioned(request: AlterRequest): boolean {
  return request.timing.kind !== 'default'
}

/** The deadline and on-timeout action of a reshape, replaced wholesale by every alter. */
export function deadlineOf(timing: AlterTiming, nowMs: number, defaultTimeoutMs: number): {deadline: number; onTimeout: OnTimeout} {
  const [timeoutMs, onTimeout]: [number, OnTimeout] =
    timing.kind === 'default'
      ? [defaultTimeoutMs, 'rollback']
      : timing.kind === 'wait-for'
        ? [timing.timeoutMs, 'commit']
        : [timing.timeoutMs, timing.onTimeout]
  return {deadline: Math.min(nowMs + timeoutMs, MAX_TIMESTAMP_MS), onTimeout}
}

const targetOfRow = (row: ClusterRow): ReconfigurationTarget => ({
  size: row.size as string,
  replicationFactor: row.replication_factor as number,
  availabilityZones: row.availability_zones,
  logging: loggingFromJson(row.logging),
})

/** A burst record that the new config no longer warrants is retired in the same write. */
function retireStaleBurst(next: ClusterRow): {burst: BurstJson | null; retired: boolean} {
  if (next.burst === null) return {burst: null, retired: false}
  const hydrationSize = next.auto_scaling_strategy?.on_hydration?.hydration_size ?? null
  const warranted = burstRecordWarranted(next.burst.burst_size, next.replication_factor ?? 0, hydrationSize)
  return warranted ? {burst: next.burst, retired: false} : {burst: null, retired: true}
}

export function routeAlter(current: ClusterRow, request: AlterRequest, context: RouteContext): AlterRoute {
  const inFlight = current.reconfiguration?.status === 'in-progress'
  const mentionsShape = shapeMentioned(request)
  if (timingMentioned(request) && !mentionsShape) {
    throw new UsageError('--wait-for and --timeout apply only to a change of size, availability zones or introspection settings', {
      code: 'INVALID_OPTIONS',
      hint: 'nothing would overlap: a replication factor, schedule or strategy change applies directly',
    })
  }

  if (request.unmanaged) {
    const others = Object.entries(request).filter(([key, value]) => !['unmanaged', 'timing', 'features'].includes(key) && value !== undefined)
    if (others.length > 0 || timingMentioned(request)) {
      throw new UsageError('--unmanaged cannot be combined with other cluster options', {code: 'INVALID_OPTIONS'})
    }
    if (inFlight) throw new UsageError('cannot convert cluster to unmanaged while a reconfiguration is in progress', {code: 'RECONFIGURATION_IN_PROGRESS'})
    if (current.burst !== null) throw new UsageError('cannot convert cluster to unmanaged while a hydration burst is in progress', {code: 'BURST_IN_PROGRESS'})
    return {
      kind: 'to-unmanaged',
      next: {...current, managed: false, size: null, replication_factor: null, auto_scaling_strategy: null, features: {...current.features, ...request.features}},
    }
  }

  if (context.owns && inFlight && (request.schedule !== undefined || request.hydrationTimeEstimateMs !== undefined)) {
    throw new UsageError('cannot change the cluster schedule while a reconfiguration is in progress', {
      code: 'RECONFIGURATION_IN_PROGRESS',
      hint: 'wait for it with `mzcluster cluster wait`, or alter back to the realized shape to cancel it',
    })
  }
  if (context.owns && inFlight && request.replicationFactor !== undefined) {
    throw new UsageError('cannot change replication factor while a reconfiguration is in progress', {
      code: 'RECONFIGURATION_IN_PROGRESS',
      hint: 'wait for it with `mzcluster cluster wait`, or alter back to the realized shape to cancel it',
    })
  }

  const currentSchedule = scheduleFromJson(current.schedule)
  let schedule: Schedule = request.schedule ?? currentSchedule
  if (request.schedule === undefined && request.hydrationTimeEstimateMs !== undefined) {
    if (currentSchedule.kind !== 'on-refresh') {
      throw new UsageError('--hydration-time-estimate only applies to an on-refresh cluster (add --schedule on-refresh)', {code: 'INVALID_OPTIONS'})
    }
    schedule = {kind: 'on-refresh', hydrationTimeEstimateMs: request.hydrationTimeEstimateMs}
  }
  if (request.replicationFactor !== undefined && schedule.kind !== 'manual') {
    throw new UsageError(REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE, {code: 'INVALID_OPTIONS'})
  }
  // ON REFRESH holds rf at 0; leaving it for MANUAL without a count brings one replica back.
  const replicationFactor =
    schedule.kind !== 'manual'
      ? 0
      : (request.replicationFactor ??
        (currentSchedule.kind !== 'manual' ? 1 : (current.replication_factor as number)))

  const policy = request.autoScaling !== undefined ? request.autoScaling : policyFromJson(current.auto_scaling_strategy)
  if (policy?.onHydration && schedule.kind !== 'manual') {
    throw new UsageError(AUTO_SCALING_WITH_SCHEDULE_MESSAGE, {code: 'INVALID_OPTIONS'})
  }
  const size = request.size ?? (current.size as string)
  const hydrationSize = policy?.onHydration?.hydrationSize
  if (hydrationSize !== undefined && hydrationSize === size) {
    throw new UsageError(hydrationSizeEqualsSizeMessage(size), {code: 'INVALID_OPTIONS'})
  }
  const policyChanged = request.autoScaling !== undefined && !jsonEqual(policyToJson(request.autoScaling), current.auto_scaling_strategy)
  if (inFlight && policyChanged && hydrationSize !== undefined && hydrationSize === current.reconfiguration?.target.size) {
    throw new UsageError(
      `--hydration-size must differ from the target size (${hydrationSize}) of the reconfiguration in progress`,
      {code: 'INVALID_OPTIONS'},
    )
  }

  const currentLogging = loggingFromJson(current.logging)
  const logging: Logging = {
    logLogging: request.logLogging ?? currentLogging.logLogging,
    intervalMs: request.intervalMs !== undefined ? request.intervalMs : currentLogging.intervalMs,
  }
  const newConfig: ClusterRow = {
    ...current,
    size,
    replication_factor: replicationFactor,
    availability_zones: request.availabilityZones ? [...request.availabilityZones] : current.availability_zones,
    logging: loggingToJson(logging),
    schedule: scheduleToJson(schedule),
    auto_scaling_strategy: policyToJson(policy),
    features: request.features ? {...current.features, ...request.features} : current.features,
  }

  const configFields = (row: ClusterRow) => [
    row.size,
    row.replication_factor,
    row.availability_zones,
    row.logging,
    row.schedule,
    row.auto_scaling_strategy,
    row.features,
  ]
  if (jsonEqual(configFields(newConfig), configFields(current)) && !(context.owns && inFlight && mentionsShape)) {
    return {kind: 'unchanged'}
  }

  const shapeOf = (row: ClusterRow) => [row.size, row.availability_zones, row.logging]
  const needsRecord = inFlight ? mentionsShape : !jsonEqual(shapeOf(newConfig), shapeOf(current))
  const scheduledDirect = schedule.kind !== 'manual' && !inFlight

  if (context.owns && needsRecord && !scheduledDirect) {
    const inFlightTarget = inFlight && current.reconfiguration ? targetFromJson(current.reconfiguration.target) : null
    const target = foldReconfigurationTarget(inFlightTarget, targetOfRow(newConfig), {
      size: request.size !== undefined,
      replicationFactor: request.replicationFactor !== undefined,
      availabilityZones: request.availabilityZones !== undefined,
      logLogging: request.logLogging !== undefined,
      intervalMs: request.intervalMs !== undefined,
    })
    const cancels = jsonEqual(targetToJson(target), targetToJson(targetOfRow(current)))
    const {deadline, onTimeout} = deadlineOf(request.timing, context.nowMs, context.defaultTimeoutMs)
    const record: ReconfigurationJson = {
      target: targetToJson(target),
      deadline,
      on_timeout: onTimeout,
      status: cancels ? 'cancelled' : 'in-progress',
    }
    // Shape dimensions and rf stay realized; non-shape changes (strategy, pins) apply now.
    const next: ClusterRow = {
      ...newConfig,
      size: current.size,
      replication_factor: current.replication_factor,
      availability_zones: current.availability_zones,
      logging: current.logging,
      reconfiguration: record,
    }
    const {burst, retired} = retireStaleBurst(next)
    return {kind: 'reshape', next: {...next, burst}, record, transition: cancels ? 'cancelled' : 'started', burstRetired: retired}
  }

  const retiredRecord = !context.owns && inFlight
  const next: ClusterRow = {
    ...newConfig,
    reconfiguration: retiredRecord && current.reconfiguration ? {...current.reconfiguration, status: 'cancelled'} : current.reconfiguration,
  }
  const {burst, retired} = retireStaleBurst(next)
  return {kind: 'direct', next: {...next, burst}, retiredRecord, burstRetired: retired}
}
