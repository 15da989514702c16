// The `--json` document of `plan`, `tick --dry-run` and `tick` (product.md §5): per cluster its
// state write, creates, drops and outcome, the batches apart, and the summary figures.

import type {BurstAudit, BurstRecord, Logging, ReconfigurationAudit, ReconfigurationRecord, StateWrite} from '../controller/context.js'
import type {AppliedBatch, ClusterTickReport, PlannedCreate, PlannedDrop, TickReport} from '../controller/report.js'
import {createAuditReason} from '../controller/reconcile.js'
import type {PlanMode} from './plan-summary.js'
import {summarizePlan} from './plan-summary.js'

export type PlanOutcomeJson = 'applied' | 'planned' | 'rejected' | 'resource_exhausted'

const loggingJson = (logging: Logging) => ({log_logging: logging.logLogging, interval_ms: logging.intervalMs})

const reconfigurationRecordJson = (record: ReconfigurationRecord) => ({
  target: {
    size: record.target.size,
    replication_factor: record.target.replicationFactor,
    availability_zones: [...record.target.availabilityZones],
    logging: loggingJson(record.target.logging),
  },
  deadline: record.deadlineMs,
  on_timeout: record.onTimeout,
  status: record.status,
})

const reconfigurationAuditJson = (audit: ReconfigurationAudit) =>
  audit.transition === 'finalized'
    ? {transition: audit.transition, forced: audit.forced}
    : {transition: audit.transition}

const burstRecordJson = (record: BurstRecord) => ({
  burst_size: record.burstSize,
  linger_duration_ms: record.lingerMs,
  steady_hydrated_at: record.steadyHydratedAtMs,
})

const burstAuditJson = (audit: BurstAudit) =>
  audit.transition === 'finished'
    ? {transition: audit.transition, finish_cause: audit.cause}
    : {transition: audit.transition}

/** A state write with snake_case keys; a field is present only when the write sets it. */
export function stateWriteJson(write: StateWrite): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (write.newSize !== undefined) out.new_size = write.newSize
  if (write.newReplicationFactor !== undefined) out.new_replication_factor = write.newReplicationFactor
  if (write.newAvailabilityZones !== undefined) out.new_availability_zones = [...write.newAvailabilityZones]
  if (write.newLogging !== undefined) out.new_logging = loggingJson(write.newLogging)
  if (write.reconfiguration !== undefined) {
    const {record, audit} = write.reconfiguration
    out.reconfiguration = {
      record: record === null ? null : reconfigurationRecordJson(record),
      audit: audit === null ? null : reconfigurationAuditJson(audit),
    }
  }
  if (write.burst !== undefined) {
    const {record, audit} = write.burst
    out.burst = {
      record: record === null ? null : burstRecordJson(record),
      audit: audit === null ? null : burstAuditJson(audit),
    }
  }
  return out
}

const createJson = (create: PlannedCreate) => ({
  name: create.name,
  size: create.shape.size,
  availability_zones: [...create.shape.availabilityZones],
  logging: loggingJson(create.shape.logging),
  reason: createAuditReason(create.reason),
  attribution: [...create.attribution],
  ...(create.reason.kind === 'on-refresh'
    ? {
        scheduling_policies: {
          on_refresh: {
            decision: 'on',
            hydration_time_estimate_ms: create.reason.decision.hydrationTimeEstimateMs,
            objects_needing_refresh: [...create.reason.decision.objectsNeedingRefresh],
            objects_needing_compaction: [...create.reason.decision.objectsNeedingCompaction],
          },
        },
      }
    : {}),
})

const dropJson = (drop: PlannedDrop) => ({replica_id: drop.replicaId, name: drop.name, size: drop.size})

function outcomeJson(outcomes: readonly AppliedBatch['outcome'][], mode: PlanMode): PlanOutcomeJson {
  if (outcomes.includes('rejected')) return 'rejected'
  if (outcomes.includes('resource-exhausted')) return 'resource_exhausted'
  return mode === 'plan' ? 'planned' : 'applied'
}

function clusterJson(cluster: ClusterTickReport, mode: PlanMode) {
  const writes = cluster.batches.flatMap((batch) => (batch.stateWrite === null ? [] : [batch.stateWrite]))
  return {
    cluster_id: cluster.clusterId,
    cluster_name: cluster.clusterName,
    // Every batch's write merged in order (a shed follows phase 1); `batches` keeps them apart.
    state_write: writes.length === 0 ? null : Object.assign({}, ...writes.map(stateWriteJson)),
    creates: cluster.batches.flatMap((batch) => batch.creates.map(createJson)),
    drops: cluster.batches.flatMap((batch) => batch.drops.map(dropJson)),
    outcome: outcomeJson(
      cluster.batches.map((batch) => batch.outcome),
      mode,
    ),
    skipped: cluster.skipped,
    batches: cluster.batches.map((batch) => ({
      phase: batch.phase,
      state_write: batch.stateWrite === null ? null : stateWriteJson(batch.stateWrite),
      creates: batch.creates.map(createJson),
      drops: batch.drops.map(dropJson),
      outcome: outcomeJson([batch.outcome], mode),
    })),
  }
}

export type ClusterPlanJson = ReturnType<typeof clusterJson>

export interface PlanJson {
  readonly mode: PlanMode
  /** The tick's time, ms since the epoch. */
  readonly now: number
  readonly controller_enabled: boolean
  readonly clusters_examined: number
  readonly clusters: ClusterPlanJson[]
  readonly summary: {
    readonly creates: number
    readonly drops: number
    readonly state_writes: number
    readonly clusters_skipped: number
    readonly rejected: number
    readonly resource_exhausted: number
  }
}

/** The `--json` document of `plan`, `tick --dry-run` and `tick`. */
export function planJson(report: TickReport, mode: PlanMode): PlanJson {
  const s = summarizePlan(report)
  return {
    mode,
    now: report.nowMs,
    controller_enabled: report.controllerEnabled,
    clusters_examined: report.clustersExamined,
    clusters: report.clusters.map((cluster) => clusterJson(cluster, mode)),
    summary: {
      creates: s.creates,
      drops: s.drops,
      state_writes: s.stateWrites,
      clusters_skipped: s.clustersSkipped,
      rejected: s.rejected,
      resource_exhausted: s.resourceExhausted,
    },
  }
}
