// Renders a TickReport the way `plan`, `tick --dry-run` and `tick` show it: terraform-style
// `+`/`-`/`~` lines per cluster with the reason in an aligned column, outcome notes, and one
// summary line; and the `--json` shape of the same report (product.md §5).

import type {
  BurstAudit,
  BurstRecord,
  Logging,
  ReconfigurationAudit,
  ReconfigurationRecord,
  StateWrite,
} from '../controller/context.js'
import type {
  AppliedBatch,
  ClusterTickReport,
  PlannedCreate,
  PlannedDrop,
  TickReport,
} from '../controller/report.js'
import {createAuditReason} from '../controller/reconcile.js'
import {makeStyle, showControls, type Style} from './style.js'
import {formatDuration, formatTimestamp} from './time.js'

/** `plan`: what a tick would do (batches marked applied were planned); `applied`: what a tick did. */
export type PlanMode = 'plan' | 'applied'

export const NO_CHANGES = 'No changes. Every managed cluster matches what its strategies desire.'
export const CONTROLLER_OFF =
  'The cluster controller is off (enable_cluster_controller = off): nothing was done.'
export const REJECTED_NOTE = 'rejected: the cluster changed since it was read; the next tick recomputes'
export const RESOURCE_EXHAUSTED_NOTE =
  'resource-exhausted: the new replicas would exceed max_replicas_per_cluster or max_credit_consumption_rate; nothing was written'
export const SKIPPED_NOTE = 'skipped: its state write was rejected'

/** The reason column starts at this column at least, or two spaces after the longest change. */
const REASON_COLUMN = 50

/** Create reasons in the audit log's vocabulary (controller-spec §7.3). */
export const auditReason = createAuditReason

// ---------------------------------------------------------------------------------------------
// Counting

export interface PlanSummary {
  /** Creates, drops and state writes of batches that were applied (or, for a plan, planned). */
  readonly creates: number
  readonly drops: number
  readonly stateWrites: number
  readonly clustersSkipped: number
  /** Batches whose apply was rejected by compare-and-append. */
  readonly rejected: number
  /** Batches refused by the resource limits. */
  readonly resourceExhausted: number
}

export function summarizePlan(report: TickReport): PlanSummary {
  let creates = 0
  let drops = 0
  let stateWrites = 0
  let clustersSkipped = 0
  let rejected = 0
  let resourceExhausted = 0
  for (const cluster of report.clusters) {
    if (cluster.skipped) clustersSkipped += 1
    for (const batch of cluster.batches) {
      if (batch.outcome === 'rejected') rejected += 1
      else if (batch.outcome === 'resource-exhausted') resourceExhausted += 1
      else {
        creates += batch.creates.length
        drops += batch.drops.length
        if (batch.stateWrite !== null) stateWrites += 1
      }
    }
  }
  return {creates, drops, stateWrites, clustersSkipped, rejected, resourceExhausted}
}

/**
 * For `--detailed-exitcode`: true when the tick had something to do (any batch, whatever its
 * outcome, or a skipped cluster); false when every cluster was steady or the controller is off.
 */
export function hasChanges(report: TickReport): boolean {
  return (
    report.controllerEnabled &&
    report.clusters.some((cluster) => cluster.skipped || cluster.batches.length > 0)
  )
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`

/** The closing line: `Plan: 1 to create, …` / `Applied: 2 created, …` / the no-change sentences. */
export function summaryLine(report: TickReport, mode: PlanMode): string {
  if (!report.controllerEnabled) return CONTROLLER_OFF
  if (!hasChanges(report)) return NO_CHANGES
  const s = summarizePlan(report)
  const parts =
    mode === 'plan'
      ? [`${s.creates} to create`, `${s.drops} to drop`]
      : [`${s.creates} created`, `${s.drops} dropped`]
  parts.push(
    plural(s.stateWrites, 'state write', 'state writes'),
    `${plural(s.clustersSkipped, 'cluster', 'clusters')} skipped`,
  )
  if (s.rejected > 0) parts.push(`${s.rejected} rejected`)
  if (s.resourceExhausted > 0) parts.push(`${s.resourceExhausted} resource-exhausted`)
  return `${mode === 'plan' ? 'Plan' : 'Applied'}: ${parts.join(', ')}.`
}

// ---------------------------------------------------------------------------------------------
// Text rendering

type Marker = '+' | '-' | '~' | '!'

interface PlanLine {
  readonly marker: Marker
  readonly text: string
  readonly reason?: string
}

/** The cluster's realized values as they stand between batches, for `before → after` texts. */
interface Current {
  size: string
  replicationFactor: number
  availabilityZones: readonly string[]
  logging: Logging | null
  reconfigurationStatus: string | null
  burstSize: string | null
}

const zoneList = (zones: readonly string[]): string => `[${zones.join(',')}]`

const loggingText = (logging: Logging): string =>
  logging.intervalMs === null
    ? 'off'
    : `${formatDuration(logging.intervalMs)}${logging.logLogging ? ' with log logging' : ''}`

function reconfigurationAuditLabel(audit: ReconfigurationAudit): string {
  return audit.transition === 'finalized' && audit.forced ? 'finalized (forced)' : audit.transition
}

function reconfigurationLine(
  current: Current,
  change: {readonly record: ReconfigurationRecord | null; readonly audit: ReconfigurationAudit | null},
  phase: AppliedBatch['phase'],
): PlanLine {
  const after = change.record?.status ?? 'none'
  let afterText = after
  if (change.audit !== null) {
    const label = reconfigurationAuditLabel(change.audit)
    // `finalized (forced)` replaces `finalized`; a transition the status does not spell out
    // (`started` for a new in-progress record) follows it in parentheses.
    if (label.startsWith(after)) afterText = label
    else afterText = `${after} (${label})`
  }
  return {
    marker: '~',
    text: `reconfiguration ${current.reconfigurationStatus ?? 'none'} → ${afterText}`,
    // The kernel's shed is not a strategy; everything else on the record is graceful's.
    reason: phase === 'shed' ? 'resource-limits' : 'graceful-reconfiguration',
  }
}

function burstLine(
  current: Current,
  change: {readonly record: BurstRecord | null; readonly audit: BurstAudit | null},
): PlanLine {
  const {record, audit} = change
  if (audit?.transition === 'finished') {
    return {marker: '-', text: `burst ${current.burstSize ?? ''}`.trimEnd(), reason: audit.cause}
  }
  if (record === null)
    return {marker: '-', text: `burst ${current.burstSize ?? ''}`.trimEnd(), reason: 'hydration-burst'}
  if (audit?.transition === 'started' || current.burstSize === null) {
    return {marker: '+', text: `burst ${record.burstSize}`, reason: 'hydration-burst'}
  }
  if (record.burstSize !== current.burstSize) {
    return {marker: '~', text: `burst ${current.burstSize} → ${record.burstSize}`, reason: 'hydration-burst'}
  }
  const text =
    record.steadyHydratedAtMs === null
      ? 'burst steady no longer hydrated'
      : `burst steady hydrated at ${formatTimestamp(record.steadyHydratedAtMs)}`
  return {marker: '~', text, reason: 'hydration-burst'}
}

const sameZones = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((zone, i) => zone === b[i])

/**
 * The lines of one state write. A cut-over writes every shape field; fields it leaves as they were
 * are not shown. `before` carries no logging today, so an introspection change is shown only when
 * the report provides the previous value (the JSON always carries `new_logging`).
 */
function stateWriteLines(current: Current, write: StateWrite, phase: AppliedBatch['phase']): PlanLine[] {
  const lines: PlanLine[] = []
  if (write.reconfiguration !== undefined)
    lines.push(reconfigurationLine(current, write.reconfiguration, phase))
  if (write.newSize !== undefined && write.newSize !== current.size) {
    lines.push({marker: '~', text: `size ${current.size} → ${write.newSize}`})
  }
  if (write.newReplicationFactor !== undefined && write.newReplicationFactor !== current.replicationFactor) {
    lines.push({
      marker: '~',
      text: `replication factor ${current.replicationFactor} → ${write.newReplicationFactor}`,
    })
  }
  if (
    write.newAvailabilityZones !== undefined &&
    !sameZones(write.newAvailabilityZones, current.availabilityZones)
  ) {
    const text = `availability zones ${zoneList(current.availabilityZones)} → ${zoneList(write.newAvailabilityZones)}`
    lines.push({marker: '~', text})
  }
  const logging = write.newLogging
  if (logging !== undefined && current.logging !== null) {
    const before = loggingText(current.logging)
    if (before !== loggingText(logging))
      lines.push({marker: '~', text: `introspection ${before} → ${loggingText(logging)}`})
  }
  if (write.burst !== undefined) lines.push(burstLine(current, write.burst))
  return lines
}

function advance(current: Current, write: StateWrite): void {
  if (write.newSize !== undefined) current.size = write.newSize
  if (write.newReplicationFactor !== undefined) current.replicationFactor = write.newReplicationFactor
  if (write.newAvailabilityZones !== undefined) current.availabilityZones = write.newAvailabilityZones
  if (write.newLogging !== undefined) current.logging = write.newLogging
  if (write.reconfiguration !== undefined)
    current.reconfigurationStatus = write.reconfiguration.record?.status ?? null
  if (write.burst !== undefined) current.burstSize = write.burst.record?.burstSize ?? null
}

const createLine = (create: PlannedCreate): PlanLine => {
  const zones =
    create.shape.availabilityZones.length > 0 ? ` ${zoneList(create.shape.availabilityZones)}` : ''
  return {
    marker: '+',
    text: `replica ${create.name} ${create.shape.size}${zones}`,
    reason: auditReason(create.reason),
  }
}

const dropLine = (drop: PlannedDrop): PlanLine => ({
  marker: '-',
  text: `replica ${drop.name}${drop.size === null ? '' : ` ${drop.size}`}`,
  reason: 'retired',
})

function clusterLines(cluster: ClusterTickReport): PlanLine[] {
  // `before` carries no logging today; use it if the report ever does.
  const beforeLogging = (cluster.before as {readonly logging?: Logging}).logging ?? null
  const current: Current = {...cluster.before, logging: beforeLogging}
  const lines: PlanLine[] = []
  for (const batch of cluster.batches) {
    if (batch.stateWrite !== null) {
      lines.push(...stateWriteLines(current, batch.stateWrite, batch.phase))
      if (batch.outcome === 'applied') advance(current, batch.stateWrite)
    }
    lines.push(...batch.creates.map(createLine), ...batch.drops.map(dropLine))
    if (batch.outcome === 'rejected') lines.push({marker: '!', text: REJECTED_NOTE})
    if (batch.outcome === 'resource-exhausted') lines.push({marker: '!', text: RESOURCE_EXHAUSTED_NOTE})
  }
  if (cluster.skipped) lines.push({marker: '!', text: SKIPPED_NOTE})
  return lines
}

const paintMarker = (style: Style, marker: Marker): string => {
  switch (marker) {
    case '+':
      return style.add(marker)
    case '-':
      return style.remove(marker)
    case '~':
      return style.change(marker)
    case '!':
      return style.warn(marker)
  }
}

export interface PlanRenderOptions {
  readonly mode: PlanMode
  /** The colour decision (style.ts). */
  readonly color: boolean
}

/** The plan as text, without a trailing newline. */
export function renderPlan(report: TickReport, options: PlanRenderOptions): string {
  if (!report.controllerEnabled || !hasChanges(report)) return summaryLine(report, options.mode)
  const style = makeStyle(options.color)
  const blocks = report.clusters.map((cluster) => ({
    heading: `cluster ${showControls(cluster.clusterName)} (${cluster.clusterId})`,
    lines: clusterLines(cluster).map((line) => ({...line, text: showControls(line.text)})),
  }))
  const width = (line: PlanLine): number => [...`  ${line.marker} ${line.text}`].length
  const reasonWidths = blocks.flatMap((block) =>
    block.lines.filter((line) => line.reason !== undefined).map(width),
  )
  const reasonColumn = Math.max(REASON_COLUMN, ...reasonWidths.map((w) => w + 2))

  const out: string[] = []
  for (const block of blocks) {
    out.push(style.heading(block.heading))
    for (const line of block.lines) {
      const text = line.marker === '!' ? style.dim(line.text) : line.text
      let rendered = `  ${paintMarker(style, line.marker)} ${text}`
      if (line.reason !== undefined)
        rendered += ' '.repeat(reasonColumn - width(line)) + style.dim(line.reason)
      out.push(rendered)
    }
  }
  out.push(style.bold(summaryLine(report, options.mode)))
  return out.join('\n')
}

// ---------------------------------------------------------------------------------------------
// JSON

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
  reason: auditReason(create.reason),
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
