// The audit events of the controller's writes (controller-spec §7): replica creates and drops, and
// the events a state write declares (reconfiguration transitions, burst start and finish).

import type {CreateReason, StateWrite} from '../controller/context.js'
import {createAuditReason} from '../controller/reconcile.js'
import type {AuditEvent} from './audit.js'
import type {ClusterRow} from './cluster-rows.js'
import {reconfigurationToJson} from './cluster-rows.js'

interface ReplicaRef {
  readonly id: string
  readonly name: string
  readonly size: string | null
}

/** A replica the controller dropped (always `retired`). */
export function replicaDropEvent(cluster: Pick<ClusterRow, 'id' | 'name'>, replica: ReplicaRef): AuditEvent {
  return {
    eventType: 'drop',
    objectType: 'cluster-replica',
    details: {cluster_id: cluster.id, cluster_name: cluster.name, replica_id: replica.id, replica_name: replica.name, logical_size: replica.size, reason: 'retired'},
  }
}

/** A replica the controller created, with its reason (and the on-refresh decision behind it). */
export function replicaCreateEvent(cluster: Pick<ClusterRow, 'id' | 'name'>, replica: ReplicaRef, reason: CreateReason): AuditEvent {
  const details: Record<string, unknown> = {
    cluster_id: cluster.id,
    cluster_name: cluster.name,
    replica_id: replica.id,
    replica_name: replica.name,
    logical_size: replica.size,
    reason: createAuditReason(reason),
  }
  if (reason.kind === 'on-refresh') {
    const decision = reason.decision
    details.scheduling_policies = {
      on_refresh: {
        decision: 'on',
        hydration_time_estimate: formatInterval(decision.hydrationTimeEstimateMs),
        objects_needing_refresh: decision.objectsNeedingRefresh,
        objects_needing_compaction: decision.objectsNeedingCompaction,
      },
    }
  }
  return {eventType: 'create', objectType: 'cluster-replica', details}
}

/** The audit events a state write declares (controller-spec §7.1, §7.2); `row` is the row before it. */
export function stateWriteEvents(row: ClusterRow, write: StateWrite): AuditEvent[] {
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

/** `hh:mm:ss`, as the seed renders the hydration time estimate in scheduling policies. */
export function formatInterval(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`
}
