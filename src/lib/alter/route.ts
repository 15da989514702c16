// Routing an ALTER of a managed cluster (controller-spec §5.2, final stack), as a pure function of
// the current row, the parsed request and the time: refuse what the seed refuses, take the no-op
// shortcut, write or fold the reconfiguration record for a shape change (the realized shape stays
// in place until the controller cuts over), or update the realized config directly.

import type {
  AutoScalingPolicy,
  ClusterState,
  Logging,
  OnTimeout,
  ReconfigurationRecord,
  ReconfigurationTarget,
  Schedule,
} from '../controller/context.js'
import {jsonEqual} from '../controller/shape.js'
import {burstRecordWarranted} from '../controller/strategies/hydration-burst.js'
import {UsageError} from '../errors.js'
import {foldReconfigurationTarget} from './fold.js'
import {AUTO_SCALING_WITH_SCHEDULE_MESSAGE, hydrationSizeEqualsSizeMessage, REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE} from '../input/cluster-refusals.js'

/**
 * A managed cluster's durable config as alter reads and writes it: the kernel's ClusterState
 * without its replicas, plus the manual feature pins.
 */
export type ClusterConfig = Omit<ClusterState, 'replicas'> & {readonly features: Readonly<Record<string, string>>}

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
  /** `--wait`: block until the record settles (refused where there is nothing to wait for). */
  readonly wait?: boolean
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
  | {readonly kind: 'to-unmanaged'; readonly features: Readonly<Record<string, string>>}
  | {
      readonly kind: 'direct'
      readonly next: ClusterConfig
      /** Gate off: a carried in-progress record is retired as cancelled. */
      readonly retiredRecord: boolean
      readonly burstRetired: boolean
    }
  | {
      readonly kind: 'reshape'
      readonly next: ClusterConfig
      readonly record: ReconfigurationRecord
      readonly transition: ReconfigurationTransition
      readonly burstRetired: boolean
    }

const MAX_TIMESTAMP_MS = Number.MAX_SAFE_INTEGER

// Refusals in the words of the command line (the seed's rules, controller-spec §5.5).
export const WAIT_ON_SCHEDULE_MESSAGE = 'waiting is not supported when the cluster schedule is not manual'
export {AUTO_SCALING_WITH_SCHEDULE_MESSAGE, hydrationSizeEqualsSizeMessage, REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE}
export const hydrationSizeEqualsTargetMessage = (size: string): string =>
  `--hydration-size must differ from the target size ('${size}') of the in-progress reconfiguration`

const IN_FLIGHT_HINT = (name: string) =>
  `wait for it with \`mzcluster cluster wait ${shellWord(name)}\`, or cancel it with \`mzcluster cluster cancel ${shellWord(name)}\``

/** A name as one shell word (single-quoted unless plainly safe). */
export function shellWord(name: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(name) ? name : `'${name.replaceAll("'", `'\\''`)}'`
}

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

/** The realized shape and rf as a reconfiguration target. */
export const realizedTarget = (config: ClusterConfig): ReconfigurationTarget => ({
  size: config.size,
  replicationFactor: config.replicationFactor,
  availabilityZones: config.availabilityZones,
  logging: config.logging,
})

/** A burst record that the new config no longer warrants is retired in the same write. */
function retireStaleBurst(next: ClusterConfig): {next: ClusterConfig; retired: boolean} {
  if (next.burst === null) return {next, retired: false}
  const hydrationSize = next.autoScalingPolicy?.onHydration?.hydrationSize ?? null
  const warranted = burstRecordWarranted(next.burst.burstSize, next.replicationFactor, hydrationSize)
  return warranted ? {next, retired: false} : {next: {...next, burst: null}, retired: true}
}

/**
 * `cluster cancel`: end the in-progress reconfiguration exactly as an alter back to the realized
 * shape does — record `cancelled` with the realized shape and rf as its target, config at the
 * realized shape — whatever the in-flight target's rf. The record keeps its deadline and on-timeout.
 */
export function routeCancel(current: ClusterConfig): Extract<AlterRoute, {kind: 'reshape'}> {
  const record = current.reconfiguration
  if (record?.status !== 'in-progress') {
    throw new UsageError(`cluster ${JSON.stringify(current.name)} has no reconfiguration in progress`, {
      code: 'NO_RECONFIGURATION',
      hint: `see its latest reconfiguration with \`mzcluster cluster show ${shellWord(current.name)}\``,
    })
  }
  const cancelled: ReconfigurationRecord = {...record, target: realizedTarget(current), status: 'cancelled'}
  const {next, retired} = retireStaleBurst({...current, reconfiguration: cancelled})
  return {kind: 'reshape', next, record: cancelled, transition: 'cancelled', burstRetired: retired}
}

export function routeAlter(current: ClusterConfig, request: AlterRequest, context: RouteContext): AlterRoute {
  const inFlight = current.reconfiguration?.status === 'in-progress'
  const mentionsShape = shapeMentioned(request)

  if (request.unmanaged) {
    const others = Object.entries(request).filter(([key, value]) => !['unmanaged', 'timing', 'features', 'wait'].includes(key) && value !== undefined)
    if (others.length > 0 || timingMentioned(request) || request.wait) {
      throw new UsageError('--unmanaged cannot be combined with other cluster options', {code: 'INVALID_OPTIONS'})
    }
    if (inFlight) throw new UsageError('cannot convert cluster to unmanaged while a reconfiguration is in progress', {code: 'RECONFIGURATION_IN_PROGRESS', hint: IN_FLIGHT_HINT(current.name)})
    if (current.burst !== null) throw new UsageError('cannot convert cluster to unmanaged while a hydration burst is in progress', {code: 'BURST_IN_PROGRESS'})
    return {kind: 'to-unmanaged', features: {...current.features, ...request.features}}
  }

  if (context.owns && inFlight && (request.schedule !== undefined || request.hydrationTimeEstimateMs !== undefined)) {
    throw new UsageError('cannot change the cluster schedule while a reconfiguration is in progress', {
      code: 'RECONFIGURATION_IN_PROGRESS',
      hint: IN_FLIGHT_HINT(current.name),
    })
  }
  if (context.owns && inFlight && request.replicationFactor !== undefined) {
    throw new UsageError('cannot change replication factor while a reconfiguration is in progress', {
      code: 'RECONFIGURATION_IN_PROGRESS',
      hint: IN_FLIGHT_HINT(current.name),
    })
  }

  const currentSchedule = current.schedule
  let schedule: Schedule = request.schedule ?? currentSchedule
  if (request.schedule === undefined && request.hydrationTimeEstimateMs !== undefined) {
    if (currentSchedule.kind !== 'on-refresh') {
      throw new UsageError('--hydration-time-estimate only applies to an on-refresh cluster (add --schedule on-refresh)', {code: 'INVALID_OPTIONS'})
    }
    schedule = {kind: 'on-refresh', hydrationTimeEstimateMs: request.hydrationTimeEstimateMs}
  }
  // A scheduled cluster takes every change directly: there is no record to wait for or bound.
  if (schedule.kind !== 'manual' && (timingMentioned(request) || request.wait)) {
    throw new UsageError(WAIT_ON_SCHEDULE_MESSAGE, {
      code: 'INVALID_OPTIONS',
      hint: 'a change to a scheduled cluster applies directly; drop --wait, --timeout, --wait-for and --on-timeout',
    })
  }
  if (timingMentioned(request) && !mentionsShape) {
    throw new UsageError('--wait-for and --timeout apply only to a change of size, availability zones or introspection settings', {
      code: 'INVALID_OPTIONS',
      hint: 'nothing would overlap: a replication factor, schedule or strategy change applies directly',
    })
  }
  if (request.replicationFactor !== undefined && schedule.kind !== 'manual') {
    throw new UsageError(REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE, {
      code: 'INVALID_OPTIONS',
      hint: 'an on-refresh cluster runs one replica only while a refresh is due',
    })
  }
  // ON REFRESH holds rf at 0; leaving it for MANUAL without a count brings one replica back.
  const replicationFactor =
    schedule.kind !== 'manual' ? 0 : (request.replicationFactor ?? (currentSchedule.kind !== 'manual' ? 1 : current.replicationFactor))

  const policy = request.autoScaling !== undefined ? request.autoScaling : current.autoScalingPolicy
  if (policy?.onHydration && schedule.kind !== 'manual') {
    throw new UsageError(AUTO_SCALING_WITH_SCHEDULE_MESSAGE, {code: 'INVALID_OPTIONS'})
  }
  const size = request.size ?? current.size
  const hydrationSize = policy?.onHydration?.hydrationSize
  if (hydrationSize !== undefined && hydrationSize === size) {
    throw new UsageError(hydrationSizeEqualsSizeMessage(size), {code: 'INVALID_OPTIONS'})
  }
  const policyChanged = request.autoScaling !== undefined && !jsonEqual(request.autoScaling, current.autoScalingPolicy)
  if (inFlight && policyChanged && hydrationSize !== undefined && hydrationSize === current.reconfiguration?.target.size) {
    throw new UsageError(hydrationSizeEqualsTargetMessage(hydrationSize), {code: 'INVALID_OPTIONS'})
  }

  const logging: Logging = {
    logLogging: request.logLogging ?? current.logging.logLogging,
    intervalMs: request.intervalMs !== undefined ? request.intervalMs : current.logging.intervalMs,
  }
  const newConfig: ClusterConfig = {
    ...current,
    size,
    replicationFactor,
    availabilityZones: request.availabilityZones ? [...request.availabilityZones] : current.availabilityZones,
    logging,
    schedule,
    autoScalingPolicy: policy,
    features: request.features ? {...current.features, ...request.features} : current.features,
  }

  const configFields = (config: ClusterConfig) => [
    config.size,
    config.replicationFactor,
    config.availabilityZones,
    config.logging,
    config.schedule,
    config.autoScalingPolicy,
    config.features,
  ]
  if (jsonEqual(configFields(newConfig), configFields(current)) && !(context.owns && inFlight && mentionsShape)) {
    return {kind: 'unchanged'}
  }

  // Shapes compare with ordered zone lists: a reorder is a change a reconfiguration carries out.
  const shapeOf = (config: ClusterConfig) => [config.size, config.availabilityZones, config.logging]
  const needsRecord = inFlight ? mentionsShape : !jsonEqual(shapeOf(newConfig), shapeOf(current))
  const scheduledDirect = schedule.kind !== 'manual' && !inFlight

  if (context.owns && needsRecord && !scheduledDirect) {
    const inFlightTarget = inFlight && current.reconfiguration ? current.reconfiguration.target : null
    const target = foldReconfigurationTarget(inFlightTarget, realizedTarget(newConfig), {
      size: request.size !== undefined,
      replicationFactor: request.replicationFactor !== undefined,
      availabilityZones: request.availabilityZones !== undefined,
      logLogging: request.logLogging !== undefined,
      intervalMs: request.intervalMs !== undefined,
    })
    const cancels = jsonEqual(target, realizedTarget(current))
    const {deadline, onTimeout} = deadlineOf(request.timing, context.nowMs, context.defaultTimeoutMs)
    const record: ReconfigurationRecord = {
      target: {...target, availabilityZones: [...target.availabilityZones]},
      deadlineMs: deadline,
      onTimeout,
      status: cancels ? 'cancelled' : 'in-progress',
    }
    // Shape dimensions and rf stay realized; non-shape changes (strategy, pins) apply now.
    const {next, retired} = retireStaleBurst({
      ...newConfig,
      size: current.size,
      replicationFactor: current.replicationFactor,
      availabilityZones: current.availabilityZones,
      logging: current.logging,
      reconfiguration: record,
    })
    return {kind: 'reshape', next, record, transition: cancels ? 'cancelled' : 'started', burstRetired: retired}
  }

  const retiredRecord = !context.owns && inFlight
  const {next, retired} = retireStaleBurst({
    ...newConfig,
    reconfiguration: retiredRecord && current.reconfiguration ? {...current.reconfiguration, status: 'cancelled'} : current.reconfiguration,
  })
  return {kind: 'direct', next, retiredRecord, burstRetired: retired}
}
