// The mapping between catalog rows (snake_case JSON documents in jsonb columns) and the
// controller's domain values, used where cluster state becomes domain values or is written back
// (the controller context, alter, ddl, lookups). A few statements read or write the documented
// JSON shapes (docs/catalog.md) directly: the catalog status counts and the demo seed.

import type {
  AutoScalingPolicy,
  BurstRecord,
  ClusterId,
  ClusterState,
  Logging,
  ObservedReplica,
  ReconfigurationRecord,
  ReconfigurationTarget,
  ReplicaId,
  Schedule,
} from '../controller/context.js'
import {DEFAULT_LOGGING} from '../controller/context.js'

export interface LoggingJson {
  log_logging: boolean
  interval_ms: number | null
}
export type ScheduleJson = {kind: 'manual'} | {kind: 'on-refresh'; hydration_time_estimate_ms: number}
export interface AutoScalingJson {
  on_hydration: {hydration_size: string; linger_duration_ms: number | null} | null
}
export interface TargetJson {
  size: string
  replication_factor: number
  availability_zones: string[]
  logging: LoggingJson
}
export interface ReconfigurationJson {
  target: TargetJson
  deadline: number
  on_timeout: 'commit' | 'rollback'
  status: ReconfigurationRecord['status']
}
export interface BurstJson {
  burst_size: string
  linger_duration_ms: number
  steady_hydrated_at: number | null
}

/** A `mzcluster.clusters` row as selected with `SELECT *`. */
export interface ClusterRow {
  id: string
  ord: number
  name: string
  builtin: boolean
  managed: boolean
  size: string | null
  replication_factor: number | null
  availability_zones: string[]
  logging: LoggingJson
  schedule: ScheduleJson
  auto_scaling_strategy: AutoScalingJson | null
  reconfiguration: ReconfigurationJson | null
  burst: BurstJson | null
  features: Record<string, string>
  owner: string
  version: number
  created_at: number
}

/** A `mzcluster.replicas` row as selected with `SELECT *`. */
export interface ReplicaRow {
  id: string
  ord: number
  cluster_id: string
  name: string
  size: string | null
  availability_zones: string[]
  logging: LoggingJson
  internal: boolean
  billed_as: string | null
  pending: boolean
  created_at: number
}

/** One shared empty zone list for the (many) clusters and replicas without zones. */
const NO_ZONES: readonly string[] = Object.freeze([])

export const loggingFromJson = (json: LoggingJson | null | undefined): Logging =>
  json ? {logLogging: json.log_logging, intervalMs: json.interval_ms} : DEFAULT_LOGGING
export const loggingToJson = (logging: Logging): LoggingJson => ({log_logging: logging.logLogging, interval_ms: logging.intervalMs})

const MANUAL: Schedule = Object.freeze({kind: 'manual'})

/** null (a reader that elides the default) is the manual schedule. */
export const scheduleFromJson = (json: ScheduleJson | null): Schedule =>
  json?.kind === 'on-refresh' ? {kind: 'on-refresh', hydrationTimeEstimateMs: json.hydration_time_estimate_ms} : MANUAL
export const scheduleToJson = (schedule: Schedule): ScheduleJson =>
  schedule.kind === 'on-refresh' ? {kind: 'on-refresh', hydration_time_estimate_ms: schedule.hydrationTimeEstimateMs} : {kind: 'manual'}

export const policyFromJson = (json: AutoScalingJson | null): AutoScalingPolicy | null =>
  json === null
    ? null
    : {onHydration: json.on_hydration ? {hydrationSize: json.on_hydration.hydration_size, lingerMs: json.on_hydration.linger_duration_ms} : null}
export const policyToJson = (policy: AutoScalingPolicy | null): AutoScalingJson | null =>
  policy === null
    ? null
    : {
        on_hydration: policy.onHydration
          ? {hydration_size: policy.onHydration.hydrationSize, linger_duration_ms: policy.onHydration.lingerMs}
          : null,
      }

export const targetFromJson = (json: TargetJson): ReconfigurationTarget => ({
  size: json.size,
  replicationFactor: json.replication_factor,
  availabilityZones: json.availability_zones,
  logging: loggingFromJson(json.logging),
})
export const targetToJson = (target: ReconfigurationTarget): TargetJson => ({
  size: target.size,
  replication_factor: target.replicationFactor,
  availability_zones: [...target.availabilityZones],
  logging: loggingToJson(target.logging),
})

export const reconfigurationFromJson = (json: ReconfigurationJson | null): ReconfigurationRecord | null =>
  json === null
    ? null
    : {target: targetFromJson(json.target), deadlineMs: json.deadline, onTimeout: json.on_timeout, status: json.status}
export const reconfigurationToJson = (record: ReconfigurationRecord | null): ReconfigurationJson | null =>
  record === null
    ? null
    : {target: targetToJson(record.target), deadline: record.deadlineMs, on_timeout: record.onTimeout, status: record.status}

export const burstFromJson = (json: BurstJson | null): BurstRecord | null =>
  json === null
    ? null
    : {burstSize: json.burst_size, lingerMs: json.linger_duration_ms, steadyHydratedAtMs: json.steady_hydrated_at}
export const burstToJson = (record: BurstRecord | null): BurstJson | null =>
  record === null
    ? null
    : {burst_size: record.burstSize, linger_duration_ms: record.lingerMs, steady_hydrated_at: record.steadyHydratedAtMs}

export function observedReplica(row: ReplicaRow): ObservedReplica {
  return {
    replicaId: row.id as ReplicaId,
    name: row.name,
    // Readers may elide default zones and logging as null (see readClusterStates).
    shape: row.size === null ? null : {size: row.size, availabilityZones: row.availability_zones ?? NO_ZONES, logging: loggingFromJson(row.logging)},
    internal: row.internal,
    billedAs: row.billed_as,
    pending: row.pending,
  }
}

/** A managed cluster row and its replicas (ascending id order) as the controller sees them. */
export function clusterState(row: ClusterRow, replicas: readonly ReplicaRow[]): ClusterState {
  if (!row.managed || row.size === null || row.replication_factor === null) {
    throw new Error(`cluster ${row.id} is not managed`)
  }
  return {
    clusterId: row.id as ClusterId,
    name: row.name,
    size: row.size,
    replicationFactor: row.replication_factor,
    // Readers may elide default zones, logging and schedule as null (see readClusterStates).
    availabilityZones: row.availability_zones ?? NO_ZONES,
    logging: loggingFromJson(row.logging),
    schedule: scheduleFromJson(row.schedule),
    autoScalingPolicy: policyFromJson(row.auto_scaling_strategy),
    reconfiguration: reconfigurationFromJson(row.reconfiguration),
    burst: burstFromJson(row.burst),
    replicas: replicas.map(observedReplica),
  }
}

/** Stable replica order: ascending numeric id (creation order), builtin before user. */
export function byReplicaOrder(a: ReplicaRow, b: ReplicaRow): number {
  return a.ord - b.ord || a.id.localeCompare(b.id)
}

/** The configuration columns a cluster is created with and an alter rewrites. */
export interface ClusterSettingsColumns {
  readonly managed: boolean
  readonly size: string | null
  readonly replication_factor: number | null
  readonly availability_zones: readonly string[]
  readonly logging: LoggingJson
  readonly schedule: ScheduleJson
  readonly auto_scaling_strategy: AutoScalingJson | null
  readonly features: Readonly<Record<string, string>>
}
