// `cluster alter` and `cluster cancel`: decide (route.ts, then the checks that need catalog facts:
// sizes, the replication-factor limit, the reshape's transient peak against the resource limits),
// then write the config, the record and the audit events in one transaction that notifies the
// controller. The decision is a pure function of the cluster, the request and an AlterEnvironment,
// so a dry run, a simulation and the real write all take the same path up to the write.

import type {AuditEvent} from '../catalog/audit.js'
import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {ClusterRow, TargetJson} from '../catalog/cluster-rows.js'
import {clusterState, loggingToJson, policyToJson, reconfigurationToJson, burstToJson, scheduleToJson, targetToJson} from '../catalog/cluster-rows.js'
import type {Db, Queryable} from '../catalog/db.js'
import {findCluster} from '../catalog/lookup.js'
import {SystemParameters} from '../catalog/parameters.js'
import {lockedResourceUsage} from '../catalog/resource-limits.js'
import type {ClusterConfigColumns, SizePrice} from '../catalog/reconfigurations.js'
import {otherClustersCreditsPerHour, replicasOfCluster, sizePrices, writeClusterConfig} from '../catalog/reconfigurations.js'
import type {ReconfigurationRecord} from '../controller/context.js'
import {jsonEqual} from '../controller/shape.js'
import {UsageError} from '../errors.js'
import type {AlterRequest, AlterRoute, ClusterConfig} from './route.js'
import {routeAlter, routeCancel} from './route.js'
import {inFlightReplicas} from './wait.js'

/** A cluster as alter sees it: managed clusters carry their config; any cluster takes feature pins. */
export type AlterSubject =
  | {readonly managed: true; readonly builtin: boolean; readonly config: ClusterConfig}
  | {readonly managed: false; readonly builtin: boolean; readonly clusterId: string; readonly name: string; readonly features: Readonly<Record<string, string>>}

/** The catalog facts an alter is validated against, read once (in the alter's transaction). */
export interface AlterEnvironment {
  readonly nowMs: number
  /** enable_cluster_controller. */
  readonly controllerEnabled: boolean
  readonly defaultTimeoutMs: number
  readonly maxReplicasPerCluster: number
  readonly maxCreditsPerHour: number
  readonly sizes: ReadonlyMap<string, SizePrice>
  /** Live credits per hour of every other user cluster's replicas. */
  readonly otherClustersCreditsPerHour: number
}

/** What the operator asked for, in the words of product.md §11.1. */
export type AlterAction = 'graceful' | 'direct' | 'no-op' | 'cancel' | 'to-unmanaged'

/** The transient peak of a graceful reconfiguration: realized and target sets running together. */
export interface AlterPeak {
  readonly replicas: number
  readonly maxReplicasPerCluster: number
  readonly creditsPerHour: number
  readonly maxCreditsPerHour: number
}

/** The routes of a managed cluster, and new feature pins on an unmanaged one. */
export type DecidedRoute = AlterRoute | {readonly kind: 'pins'; readonly features: Readonly<Record<string, string>>}

export interface AlterDecision {
  readonly clusterId: string
  readonly clusterName: string
  readonly route: DecidedRoute
  readonly action: AlterAction
  /** Checked against both limits (a started reshape only; a cancel is always allowed). */
  readonly peak: AlterPeak | null
  /** The resulting (target) replication factor is 0 on a manual schedule: no replicas will run. */
  readonly turnsOff: boolean
}

export interface AlterResult {
  readonly clusterId: string
  readonly clusterName: string
  /** `pins` (an unmanaged cluster's feature pins) reads as `direct`. */
  readonly route: Exclude<DecidedRoute['kind'], 'pins'>
  readonly action: AlterAction
  /** The reconfiguration transition this alter declared, if it wrote a record. */
  readonly transition: 'started' | 'cancelled' | null
  /** The target a waiting alter awaits (reshape only). */
  readonly awaited: TargetJson | null
  readonly peak: AlterPeak | null
  readonly turnsOff: boolean
  /** The cluster as written (or, for a dry run, as it would be written). */
  readonly row: ClusterRow
  readonly dryRun: boolean
}

export interface CancelResult extends AlterResult {
  /** The target of the reconfiguration that was cancelled; its replicas are dropped by the next tick. */
  readonly cancelledTarget: TargetJson
  /** Names of the cancelled target's replicas that exist now (the next tick drops them). */
  readonly inFlightReplicas: readonly string[]
}

const MANAGED_ONLY = [
  'size',
  'replicationFactor',
  'availabilityZones',
  'logLogging',
  'intervalMs',
  'schedule',
  'hydrationTimeEstimateMs',
  'autoScaling',
] as const satisfies readonly (keyof AlterRequest)[]

/** The flag that sets each managed-only field, for refusals in the CLI's words. */
const FLAG_OF: Readonly<Record<(typeof MANAGED_ONLY)[number], string>> = {
  size: '--size',
  replicationFactor: '--replication-factor',
  availabilityZones: '--availability-zones',
  logLogging: '--introspection-debugging',
  intervalMs: '--introspection-interval',
  schedule: '--schedule',
  hydrationTimeEstimateMs: '--hydration-time-estimate',
  autoScaling: '--hydration-size/--linger/--no-auto-scaling',
}

function refuseOptions(name: string, builtin: boolean, request: AlterRequest, why: string): void {
  const given = MANAGED_ONLY.filter((key) => request[key] !== undefined).map((key) => FLAG_OF[key])
  if (given.length > 0 || request.timing.kind !== 'default' || request.wait) {
    throw new UsageError(`cannot change ${given.length > 0 ? given.join(', ') : 'the wait options'} of ${why} ${JSON.stringify(name)}`, {
      code: 'INVALID_OPTIONS',
      hint: builtin ? 'builtin clusters accept only --feature pins' : 'an unmanaged cluster accepts only --feature pins; manage its replicas with `mzcluster replica`',
    })
  }
}

function requireSize(environment: AlterEnvironment, name: string, option: string): SizePrice {
  const price = environment.sizes.get(name)
  if (!price) throw new UsageError(`unknown cluster replica size ${JSON.stringify(name)} (${option})`, {code: 'UNKNOWN_SIZE', hint: 'list sizes with `mzcluster size list`'})
  if (price.disabled) throw new UsageError(`replica size ${JSON.stringify(name)} is not allowed (${option})`, {code: 'SIZE_NOT_ALLOWED'})
  return price
}

/** The realized set plus the target set must fit the limits while both run (controller-spec §5.5). */
export function reshapePeak(current: ClusterConfig, record: ReconfigurationRecord, environment: AlterEnvironment): AlterPeak {
  const credits = (size: string) => environment.sizes.get(size)?.creditsPerHour ?? 0
  return {
    replicas: current.replicationFactor + record.target.replicationFactor,
    maxReplicasPerCluster: environment.maxReplicasPerCluster,
    creditsPerHour:
      environment.otherClustersCreditsPerHour +
      credits(record.target.size) * record.target.replicationFactor +
      credits(current.size) * current.replicationFactor,
    maxCreditsPerHour: environment.maxCreditsPerHour,
  }
}

function checkPeak(peak: AlterPeak, currentReplicas: number): void {
  if (peak.replicas > peak.maxReplicasPerCluster) {
    throw new UsageError(
      `would need ${peak.replicas} replicas while the shapes overlap; max_replicas_per_cluster is ${peak.maxReplicasPerCluster} (the cluster has ${currentReplicas})`,
      {code: 'RESOURCE_LIMIT', hint: 'raise max_replicas_per_cluster, or use --timeout 0s --on-timeout commit for a non-graceful cut-over'},
    )
  }
  if (peak.creditsPerHour > peak.maxCreditsPerHour) {
    throw new UsageError(
      `this reconfiguration would consume ${peak.creditsPerHour} credits per hour at its peak, above max_credit_consumption_rate (${peak.maxCreditsPerHour})`,
      {code: 'RESOURCE_LIMIT'},
    )
  }
}

function actionOf(route: DecidedRoute): AlterAction {
  switch (route.kind) {
    case 'unchanged':
      return 'no-op'
    case 'pins':
      return 'direct'
    case 'to-unmanaged':
      return 'to-unmanaged'
    case 'direct':
      return 'direct'
    case 'reshape':
      return route.transition === 'cancelled' ? 'cancel' : 'graceful'
  }
}

/** The alter leaves a running manual cluster (or one told rf 0) with no replicas. */
function turnsOff(current: ClusterConfig, request: AlterRequest, route: DecidedRoute): boolean {
  const targetRf = route.kind === 'direct' ? route.next.replicationFactor : route.kind === 'reshape' && route.transition === 'started' ? route.record.target.replicationFactor : null
  if (targetRf !== 0 || (route.kind !== 'direct' && route.kind !== 'reshape') || route.next.schedule.kind !== 'manual') return false
  return current.replicationFactor > 0 || request.replicationFactor === 0
}

/**
 * Route and validate an alter against the cluster and the catalog facts; throws a UsageError
 * (exit 2) for anything the alter must refuse. Pure: the write is `applyAlterDecision`.
 */
export function decideAlter(subject: AlterSubject, request: AlterRequest, environment: AlterEnvironment): AlterDecision {
  if (!subject.managed) {
    refuseOptions(subject.name, subject.builtin, request, subject.builtin ? 'builtin cluster' : 'unmanaged cluster')
    const features = {...subject.features, ...request.features}
    const route: DecidedRoute = jsonEqual(features, subject.features) ? {kind: 'unchanged'} : {kind: 'pins', features}
    return {clusterId: subject.clusterId, clusterName: subject.name, route, action: route.kind === 'unchanged' ? 'no-op' : 'direct', peak: null, turnsOff: false}
  }
  const current = subject.config
  if (subject.builtin) refuseOptions(current.name, true, request, 'builtin cluster')
  const owns = environment.controllerEnabled && !subject.builtin
  const route = routeAlter(current, request, {owns, nowMs: environment.nowMs, defaultTimeoutMs: environment.defaultTimeoutMs})
  const decision = {clusterId: current.clusterId, clusterName: current.name, route, action: actionOf(route), peak: null, turnsOff: turnsOff(current, request, route)}
  if (route.kind === 'unchanged') return decision
  if (request.size !== undefined) requireSize(environment, request.size, '--size')
  const hydrationSize = request.autoScaling?.onHydration?.hydrationSize
  if (hydrationSize !== undefined) requireSize(environment, hydrationSize, '--hydration-size')
  if (route.kind === 'direct') {
    const rf = route.next.replicationFactor
    const limit = environment.maxReplicasPerCluster
    if (rf > current.replicationFactor && rf > limit) {
      throw new UsageError(`--replication-factor ${rf} would need ${rf} replicas; max_replicas_per_cluster is ${limit} (the cluster has ${current.replicationFactor})`, {code: 'RESOURCE_LIMIT'})
    }
  }
  if (route.kind === 'reshape' && route.transition === 'started') {
    const peak = reshapePeak(current, route.record, environment)
    checkPeak(peak, current.replicationFactor)
    return {...decision, peak}
  }
  return decision
}

/** `cluster cancel`: always allowed while a reconfiguration is in progress (even under a shrunken limit). */
export function decideCancel(subject: AlterSubject): AlterDecision {
  if (!subject.managed) {
    throw new UsageError(`cluster ${JSON.stringify(subject.name)} has no reconfiguration in progress`, {code: 'NO_RECONFIGURATION', hint: 'an unmanaged cluster is never reconfigured'})
  }
  const route = routeCancel(subject.config)
  return {clusterId: subject.config.clusterId, clusterName: subject.config.name, route, action: 'cancel', peak: null, turnsOff: false}
}

/** The alter's view of a catalog row. */
export function alterSubject(row: ClusterRow): AlterSubject {
  if (!row.managed || row.size === null || row.replication_factor === null) {
    return {managed: false, builtin: row.builtin, clusterId: row.id, name: row.name, features: row.features}
  }
  const {replicas: _replicas, ...state} = clusterState(row, [])
  return {managed: true, builtin: row.builtin, config: {...state, features: row.features}}
}

/** The config columns of a managed config. */
export function configColumns(config: ClusterConfig): ClusterConfigColumns {
  return {
    managed: true,
    size: config.size,
    replication_factor: config.replicationFactor,
    availability_zones: [...config.availabilityZones],
    logging: loggingToJson(config.logging),
    schedule: scheduleToJson(config.schedule),
    auto_scaling_strategy: policyToJson(config.autoScalingPolicy),
    reconfiguration: reconfigurationToJson(config.reconfiguration),
    burst: burstToJson(config.burst),
    features: config.features,
  }
}

function rowColumns(row: ClusterRow): ClusterConfigColumns {
  return {
    managed: row.managed,
    size: row.size,
    replication_factor: row.replication_factor,
    availability_zones: row.availability_zones,
    logging: row.logging,
    schedule: row.schedule,
    auto_scaling_strategy: row.auto_scaling_strategy,
    reconfiguration: row.reconfiguration,
    burst: row.burst,
    features: row.features,
  }
}

/** The columns the decision writes (null: nothing to write). */
export function nextColumns(current: ClusterRow, route: DecidedRoute): ClusterConfigColumns | null {
  switch (route.kind) {
    case 'unchanged':
      return null
    case 'pins':
      return {...rowColumns(current), features: route.features}
    case 'to-unmanaged':
      return {...rowColumns(current), managed: false, size: null, replication_factor: null, auto_scaling_strategy: null, features: route.features}
    case 'direct':
    case 'reshape':
      return configColumns(route.next)
  }
}

function auditEvents(current: ClusterRow, next: ClusterConfigColumns, route: DecidedRoute): AuditEvent[] {
  const base = {cluster_id: current.id, cluster_name: current.name}
  const events: AuditEvent[] = []
  const before = rowColumns(current)
  const changes: Record<string, [unknown, unknown]> = {}
  for (const key of ['managed', 'size', 'replication_factor', 'availability_zones', 'logging', 'schedule', 'auto_scaling_strategy', 'features'] as const) {
    if (!jsonEqual(before[key], next[key])) changes[key] = [before[key], next[key]]
  }
  if (Object.keys(changes).length > 0) events.push({eventType: 'alter', objectType: 'cluster', details: {...base, changes}})
  const lifecycle = (transition: string, record: ReconfigurationRecord): AuditEvent => ({
    eventType: 'alter',
    objectType: 'cluster',
    details: {
      ...base,
      transition,
      forced: null,
      target_size: record.target.size,
      target_replication_factor: record.target.replicationFactor,
      target_availability_zones: [...record.target.availabilityZones],
      target_logging: loggingToJson(record.target.logging),
      deadline: record.deadlineMs,
    },
  })
  if (route.kind === 'reshape') events.push(lifecycle(route.transition, route.record))
  if (route.kind === 'direct' && route.retiredRecord && route.next.reconfiguration) events.push(lifecycle('cancelled', route.next.reconfiguration))
  if ((route.kind === 'direct' || route.kind === 'reshape') && route.burstRetired && current.burst) {
    events.push({
      eventType: 'alter',
      objectType: 'cluster',
      details: {...base, kind: 'hydration-burst', transition: 'finished', finish_cause: 'no-longer-warranted', burst_size: current.burst.burst_size},
    })
  }
  return events
}

/** Read the catalog facts an alter of `clusterId` is checked against. */
export async function readAlterEnvironment(q: Queryable, clusterId: string, nowMs: number, options: {lockLimits?: boolean} = {}): Promise<AlterEnvironment> {
  // A real alter reads the limits and the usage under the resource-limit lock (held to commit, taken
  // after the cluster's row), so its transient-peak check cannot race a tick's creates.
  const usage = options.lockLimits ? await lockedResourceUsage(q, {excludeClusterId: clusterId}) : null
  const parameters = await SystemParameters.read(q)
  return {
    nowMs,
    controllerEnabled: parameters.bool('enable_cluster_controller'),
    defaultTimeoutMs: parameters.number('default_cluster_reconfiguration_timeout'),
    maxReplicasPerCluster: usage?.maxReplicas ?? parameters.number('max_replicas_per_cluster'),
    maxCreditsPerHour: usage?.maxCredits ?? parameters.number('max_credit_consumption_rate'),
    sizes: await sizePrices(q),
    otherClustersCreditsPerHour: usage?.credits ?? (await otherClustersCreditsPerHour(q, clusterId)),
  }
}

/** Write a decision: config, record and audit events, and the change notification. */
export async function applyAlterDecision(tx: Queryable, current: ClusterRow, decision: AlterDecision, nowMs: number): Promise<ClusterRow> {
  const next = nextColumns(current, decision.route)
  if (next === null) return current
  const row = await writeClusterConfig(tx, current.id, next)
  await appendAudit(tx, auditEvents(current, next, decision.route), nowMs)
  await notifyCatalogChange(tx, `alter ${current.id}`)
  return row
}

function resultOf(current: ClusterRow, decision: AlterDecision, row: ClusterRow, dryRun: boolean): AlterResult {
  const {route} = decision
  return {
    clusterId: current.id,
    clusterName: current.name,
    route: route.kind === 'pins' ? 'direct' : route.kind,
    action: decision.action,
    transition: route.kind === 'reshape' ? route.transition : null,
    awaited: route.kind === 'reshape' ? targetToJson(route.record.target) : null,
    peak: decision.peak,
    turnsOff: decision.turnsOff,
    row,
    dryRun,
  }
}

/** The row a decision would write, without writing it (a dry run). */
function wouldWrite(current: ClusterRow, decision: AlterDecision): ClusterRow {
  const next = nextColumns(current, decision.route)
  return next === null ? current : {...current, ...next, availability_zones: [...next.availability_zones], features: {...next.features}}
}

export interface AlterOptions {
  readonly nowMs?: number
  /** Validate fully and describe the write, but write nothing. */
  readonly dryRun?: boolean
}

async function alterOrCancel(db: Db, name: string, options: AlterOptions, decide: (subject: AlterSubject, environment: AlterEnvironment) => AlterDecision): Promise<{current: ClusterRow; result: AlterResult}> {
  const nowMs = options.nowMs ?? Date.now()
  return db.transaction(async (tx) => {
    const current = await findCluster(tx, name, {forUpdate: !options.dryRun})
    const decision = decide(alterSubject(current), await readAlterEnvironment(tx, current.id, nowMs, {lockLimits: !options.dryRun}))
    if (options.dryRun) return {current, result: resultOf(current, decision, wouldWrite(current, decision), true)}
    return {current, result: resultOf(current, decision, await applyAlterDecision(tx, current, decision, nowMs), false)}
  })
}

export async function alterCluster(db: Db, name: string, request: AlterRequest, options: AlterOptions | number = {}): Promise<AlterResult> {
  const resolved = typeof options === 'number' ? {nowMs: options} : options
  return (await alterOrCancel(db, name, resolved, (subject, environment) => decideAlter(subject, request, environment))).result
}

export async function cancelReconfiguration(db: Db, name: string, options: AlterOptions = {}): Promise<CancelResult> {
  const {current, result} = await alterOrCancel(db, name, options, (subject) => decideCancel(subject))
  // decideCancel succeeded, so the row had an in-progress record.
  const cancelledTarget = (current.reconfiguration as NonNullable<ClusterRow['reconfiguration']>).target
  const state = clusterState(result.row, await replicasOfCluster(db, current.id))
  return {...result, cancelledTarget, inFlightReplicas: inFlightReplicas(state, cancelledTarget)}
}
