// `cluster alter`: route the request (route.ts), validate what needs the catalog (sizes, the
// replication-factor limit, the reshape's transient peak against the resource limits), and write
// the config, the record and the audit events in one transaction that notifies the controller.

import type {AuditEvent} from '../catalog/audit.js'
import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {ClusterRow, ReconfigurationJson, TargetJson} from '../catalog/cluster-rows.js'
import type {Db, Queryable} from '../catalog/db.js'
import {findCluster, requireSize} from '../catalog/lookup.js'
import {SystemParameters} from '../catalog/parameters.js'
import {lockedResourceUsage} from '../catalog/resource-limits.js'
import {jsonEqual} from '../controller/shape.js'
import {UsageError} from '../errors.js'
import type {AlterRequest, AlterRoute} from './route.js'
import {routeAlter} from './route.js'

export interface AlterResult {
  readonly clusterId: string
  readonly clusterName: string
  readonly route: AlterRoute['kind']
  /** The reconfiguration transition this alter declared, if it wrote a record. */
  readonly transition: 'started' | 'cancelled' | null
  /** The target a waiting alter awaits (reshape only). */
  readonly awaited: TargetJson | null
  readonly row: ClusterRow
}

const MANAGED_ONLY: readonly (keyof AlterRequest)[] = [
  'size',
  'replicationFactor',
  'availabilityZones',
  'logLogging',
  'intervalMs',
  'schedule',
  'hydrationTimeEstimateMs',
  'autoScaling',
]

function refuseOptions(row: ClusterRow, request: AlterRequest, why: string): void {
  const given = MANAGED_ONLY.filter((key) => request[key] !== undefined)
  if (given.length > 0 || request.timing.kind !== 'default') {
    throw new UsageError(`cannot change ${given.length > 0 ? given.join(', ') : 'the wait options'} of ${why} ${JSON.stringify(row.name)}`, {
      code: 'INVALID_OPTIONS',
      hint: row.builtin ? 'builtin clusters accept only --feature pins' : 'an unmanaged cluster accepts only --feature pins; manage its replicas with `mzcluster replica`',
    })
  }
}

/** The realized set plus the target set must fit the limits while both run (§5.5). */
async function checkReshapePeak(q: Queryable, current: ClusterRow, record: ReconfigurationJson, parameters: SystemParameters): Promise<void> {
  const realizedRf = current.replication_factor ?? 0
  const peakReplicas = realizedRf + record.target.replication_factor
  const maxReplicas = parameters.number('max_replicas_per_cluster')
  if (peakReplicas > maxReplicas) {
    throw new UsageError(
      `this reconfiguration needs ${peakReplicas} replicas while the old and new shapes overlap, above max_replicas_per_cluster (${maxReplicas})`,
      {code: 'RESOURCE_LIMIT', hint: 'raise max_replicas_per_cluster, or use --timeout 0s --on-timeout commit for a non-graceful cut-over'},
    )
  }
  // Under the resource-limit lock until commit, so the check and this alter cannot race a tick's creates.
  const usage = await lockedResourceUsage(q, {excludeClusterId: current.id})
  const peakCredits =
    usage.credits + usage.creditsPerHour(record.target.size) * record.target.replication_factor + usage.creditsPerHour(current.size) * realizedRf
  const maxCredits = usage.maxCredits
  if (peakCredits > maxCredits) {
    throw new UsageError(
      `this reconfiguration would consume ${peakCredits} credits per hour at its peak, above max_credit_consumption_rate (${maxCredits})`,
      {code: 'RESOURCE_LIMIT'},
    )
  }
}

async function validate(q: Queryable, current: ClusterRow, request: AlterRequest, route: AlterRoute, parameters: SystemParameters): Promise<void> {
  if (request.size !== undefined) await requireSize(q, request.size)
  const hydrationSize = request.autoScaling?.onHydration?.hydrationSize
  if (hydrationSize !== undefined) await requireSize(q, hydrationSize, '--hydration-size')
  if (route.kind === 'direct') {
    const rf = route.next.replication_factor ?? 0
    const limit = parameters.number('max_replicas_per_cluster')
    if (rf > (current.replication_factor ?? 0) && rf > limit) {
      throw new UsageError(`replication factor ${rf} is above max_replicas_per_cluster (${limit})`, {code: 'RESOURCE_LIMIT'})
    }
  }
  if (route.kind === 'reshape' && route.transition === 'started') await checkReshapePeak(q, current, route.record, parameters)
}

function auditEvents(current: ClusterRow, route: Exclude<AlterRoute, {kind: 'unchanged'}>): AuditEvent[] {
  const base = {cluster_id: current.id, cluster_name: current.name}
  const events: AuditEvent[] = []
  const next = route.next
  const changes: Record<string, [unknown, unknown]> = {}
  for (const key of ['managed', 'size', 'replication_factor', 'availability_zones', 'logging', 'schedule', 'auto_scaling_strategy', 'features'] as const) {
    if (!jsonEqual(current[key], next[key])) changes[key] = [current[key], next[key]]
  }
  if (Object.keys(changes).length > 0) events.push({eventType: 'alter', objectType: 'cluster', details: {...base, changes}})
  const lifecycle = (transition: string, record: ReconfigurationJson): AuditEvent => ({
    eventType: 'alter',
    objectType: 'cluster',
    details: {
      ...base,
      transition,
      forced: null,
      target_size: record.target.size,
      target_replication_factor: record.target.replication_factor,
      target_availability_zones: record.target.availability_zones,
      target_logging: record.target.logging,
      deadline: record.deadline,
    },
  })
  if (route.kind === 'reshape') events.push(lifecycle(route.transition, route.record))
  if (route.kind === 'direct' && route.retiredRecord && next.reconfiguration) events.push(lifecycle('cancelled', next.reconfiguration))
  if ((route.kind === 'direct' || route.kind === 'reshape') && route.burstRetired && current.burst) {
    events.push({
      eventType: 'alter',
      objectType: 'cluster',
      details: {...base, kind: 'hydration-burst', transition: 'finished', finish_cause: 'no-longer-warranted', burst_size: current.burst.burst_size},
    })
  }
  return events
}

export async function alterCluster(db: Db, name: string, request: AlterRequest, nowMs = Date.now()): Promise<AlterResult> {
  return db.transaction(async (tx) => {
    const current = await findCluster(tx, name, {forUpdate: true})
    const parameters = await SystemParameters.read(tx)
    if (current.builtin) refuseOptions(current, request, 'builtin cluster')
    let route: AlterRoute
    if (!current.managed) {
      refuseOptions(current, request, 'unmanaged cluster')
      const features = {...current.features, ...request.features}
      route = jsonEqual(features, current.features) ? {kind: 'unchanged'} : {kind: 'direct', next: {...current, features}, retiredRecord: false, burstRetired: false}
    } else {
      const owns = parameters.bool('enable_cluster_controller') && !current.builtin
      route = routeAlter(current, request, {owns, nowMs, defaultTimeoutMs: parameters.number('default_cluster_reconfiguration_timeout')})
    }
    if (route.kind === 'unchanged') {
      return {clusterId: current.id, clusterName: current.name, route: 'unchanged', transition: null, awaited: null, row: current}
    }
    await validate(tx, current, request, route, parameters)
    const next = route.next
    await tx.query(
      `UPDATE mzcluster.clusters SET managed = $2, size = $3, replication_factor = $4, availability_zones = $5::jsonb, logging = $6::jsonb,
         schedule = $7::jsonb, auto_scaling_strategy = $8::jsonb, reconfiguration = $9::jsonb, burst = $10::jsonb, features = $11::jsonb,
         version = version + 1 WHERE id = $1`,
      [
        current.id,
        next.managed,
        next.size,
        next.replication_factor,
        JSON.stringify(next.availability_zones),
        JSON.stringify(next.logging),
        JSON.stringify(next.schedule),
        next.auto_scaling_strategy === null ? null : JSON.stringify(next.auto_scaling_strategy),
        next.reconfiguration === null ? null : JSON.stringify(next.reconfiguration),
        next.burst === null ? null : JSON.stringify(next.burst),
        JSON.stringify(next.features),
      ],
    )
    await appendAudit(tx, auditEvents(current, route), nowMs)
    await notifyCatalogChange(tx, `alter ${current.id}`)
    return {
      clusterId: current.id,
      clusterName: current.name,
      route: route.kind,
      transition: route.kind === 'reshape' ? route.transition : null,
      awaited: route.kind === 'reshape' ? route.record.target : null,
      row: {...next, version: current.version + 1},
    }
  })
}
