// Renders a TickReport the way `plan`, `tick --dry-run` and `tick` show it: terraform-style
// `+`/`-`/`~` lines per cluster with the reason in an aligned column, outcome notes, and one
// summary line. `clusterLines` and `alignReasons` also serve `simulate`'s timed event lines.

import type {
  BurstAudit,
  BurstRecord,
  Logging,
  ReconfigurationAudit,
  ReconfigurationRecord,
  StateWrite,
} from '../controller/context.js'
import type {AppliedBatch, ClusterTickReport, PlannedCreate, PlannedDrop, TickReport} from '../controller/report.js'
import {createAuditReason} from '../controller/reconcile.js'
import type {PlanMode} from './plan-summary.js'
import {hasChanges, summaryLine} from './plan-summary.js'
import {cutToWidth, displayWidth} from './fit.js'
import {makeStyle, showControls, type Style} from './style.js'
import {formatDuration, formatTimestamp} from './time.js'

export const REJECTED_NOTE = 'rejected: the cluster changed since it was read; the next tick recomputes'
export const RESOURCE_EXHAUSTED_NOTE =
  'resource-exhausted: the new replicas would exceed max_replicas_per_cluster or max_credit_consumption_rate; nothing was written'
export const SKIPPED_NOTE = 'skipped: its state write was rejected'

/** The reason column starts at this column at least, or two spaces after the longest change. */
const REASON_COLUMN = 50

/** Create reasons in the audit log's vocabulary (controller-spec §7.3). */
export const auditReason = createAuditReason

export type Marker = '+' | '-' | '~' | '!'

/** One change line: marker, what changes, and the reason shown in the aligned column. */
export interface PlanLine {
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

/** A cluster's change lines, batch by batch, with outcome notes. */
export function clusterLines(cluster: ClusterTickReport): PlanLine[] {
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

/**
 * Change lines after a fixed-width prefix (two spaces for a plan; a time and cluster column for
 * `simulate`), with every reason starting in one column: at least REASON_COLUMN, or two spaces
 * after the widest line.
 */
export function alignedLines(rows: readonly {readonly prefix: string; readonly line: PlanLine}[], style: Style, fitWidth?: number): string[] {
  const shown = rows.map((row) => ({prefix: row.prefix, line: {...row.line, text: showControls(row.line.text)}}))
  const width = (row: (typeof shown)[number]): number => displayWidth(`${row.prefix}${row.line.marker} ${row.line.text}`)
  const reasonWidths = shown.filter((row) => row.line.reason !== undefined).map(width)
  const reasonColumn = Math.max(REASON_COLUMN, ...reasonWidths.map((w) => w + 2))
  const reasonLength = (row: (typeof shown)[number]) => (row.line.reason === undefined ? 0 : displayWidth(row.line.reason))
  // On a terminal of `fitWidth` cells where the aligned lines would wrap, each reason ends at the
  // terminal's edge instead and the change's text is cut with `…` to leave room for it.
  const fits = fitWidth === undefined || shown.every((row) => (row.line.reason === undefined ? width(row) : reasonColumn + reasonLength(row)) <= fitWidth)
  return shown.map((row) => {
    const {line} = row
    let shownText = line.text
    let column = reasonColumn
    if (!fits && fitWidth !== undefined) {
      const room = line.reason === undefined ? 0 : reasonLength(row) + 2
      shownText = cutToWidth(line.text, Math.max(8, fitWidth - displayWidth(`${row.prefix}${line.marker} `) - room))
      column = fitWidth - reasonLength(row)
    }
    const text = line.marker === '!' ? style.dim(shownText) : shownText
    let rendered = `${row.prefix}${paintMarker(style, line.marker)} ${text}`
    const used = displayWidth(`${row.prefix}${line.marker} ${shownText}`)
    if (line.reason !== undefined) rendered += ' '.repeat(Math.max(2, column - used)) + style.dim(line.reason)
    return rendered
  })
}

/** The plan as text, without a trailing newline. */
export function renderPlan(report: TickReport, options: PlanRenderOptions): string {
  if (!report.controllerEnabled || !hasChanges(report)) return summaryLine(report, options.mode)
  const style = makeStyle(options.color)
  const blocks = report.clusters.map((cluster) => ({
    heading: `cluster ${showControls(cluster.clusterName)} (${cluster.clusterId})`,
    rows: clusterLines(cluster).map((line) => ({prefix: '  ', line})),
  }))
  // One reason column across all clusters.
  const rendered = alignedLines(blocks.flatMap((block) => block.rows), style)
  const out: string[] = []
  let next = 0
  for (const block of blocks) {
    out.push(style.heading(block.heading))
    out.push(...rendered.slice(next, next + block.rows.length))
    next += block.rows.length
  }
  out.push(style.bold(summaryLine(report, options.mode)))
  return out.join('\n')
}
