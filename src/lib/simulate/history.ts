// `history`: the timeline of the past, rebuilt from the audit log. A replica lives from its create
// event to its drop event (created before the window: alive at its start); reconfigurations and
// bursts are spans from `started` to their settling transition. Credits are lifetime × credits
// per hour, as Materialize's replica history computes them.

import type {TimelineAuditRow} from '../catalog/audit-history.js'
import type {HistorySource} from '../catalog/audit-history.js'
import {SystemParameters} from '../catalog/parameters.js'
import type {PlanLine} from '../output/plan-text.js'
import {formatDuration} from '../output/time.js'
import type {Timeline, TimelineEventKind} from './timeline.js'
import {TimelineBuilder} from './timeline.js'

export interface HistoryWindow {
  readonly sinceMs: number
  readonly untilMs: number
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

const CREATE_FIELDS = ['size', 'replication_factor'] as const
const CHANGE_ORDER: readonly string[] = ['managed', 'size', 'replication_factor', 'availability_zones', 'logging', 'schedule', 'auto_scaling_strategy', 'features']

/** One configuration value as a person reads it: `none`, `a,b`, `on-refresh (hydration 5m)`. */
function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'none'
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(showValue).join(',')
  if (typeof value !== 'object') return String(value)
  const record = value as Record<string, unknown>
  if (typeof record.kind === 'string' && Object.keys(record).every((key) => key === 'kind' || key === 'hydration_time_estimate_ms')) {
    const estimate = record.hydration_time_estimate_ms
    return typeof estimate === 'number' && estimate > 0 ? `${record.kind} (hydration ${formatDuration(estimate)})` : record.kind
  }
  return JSON.stringify(value)
}

/** `cluster alter prod: size 100cc → 200cc, …`, `cluster create reports: size 100cc, …`, `cluster drop x`; null for other rows. */
function clusterAction(row: TimelineAuditRow, cluster: string): string | null {
  const details = row.details
  if (row.event_type === 'drop') return `cluster drop ${cluster}`
  if (row.event_type === 'create') {
    const fields = CREATE_FIELDS.filter((key) => details[key] !== undefined).map((key) => `${key} ${showValue(details[key])}`)
    return `cluster create ${cluster}${details.managed === false ? ' (unmanaged)' : ''}${fields.length === 0 ? '' : `: ${fields.join(', ')}`}`
  }
  const changes = details.changes
  if (changes === null || typeof changes !== 'object') return null
  // The catalog's JSON keeps keys in its own order; show them in the order `cluster show` uses.
  const rank = (key: string) => (CHANGE_ORDER.indexOf(key) + CHANGE_ORDER.length + 1) % (CHANGE_ORDER.length + 1)
  const entries = Object.entries(changes as Record<string, unknown>).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
  const edits = entries.map(([key, pair]) => {
    const [from, to] = Array.isArray(pair) ? pair : [undefined, pair]
    return `${key} ${showValue(from)} → ${showValue(to)}`
  })
  return edits.length === 0 ? null : `cluster alter ${cluster}: ${edits.join(', ')}`
}

export function buildHistory(source: HistorySource, window: HistoryWindow): Timeline {
  const builder = new TimelineBuilder()
  for (const name of source.clusterNames) builder.lane(name)
  const emit = (row: TimelineAuditRow, kind: TimelineEventKind, replica: string | null, size: string | null, reason: string, line: PlanLine) => {
    if (row.occurred_at < window.sinceMs) return
    builder.event({at: row.occurred_at, cluster: text(row.details.cluster_name) ?? '', kind, replica, size, reason, line})
  }
  for (const row of source.events) {
    const details = row.details
    const cluster = text(details.cluster_name) ?? text(details.cluster_id) ?? ''
    const at = row.occurred_at
    if (row.object_type === 'cluster-replica') {
      const replica = text(details.replica_name) ?? text(details.replica_id) ?? '?'
      const size = text(details.logical_size) ?? text(details.size)
      const reason = text(details.reason) ?? (row.event_type === 'drop' ? 'dropped' : 'manual')
      const sized = `replica ${replica}${size === null ? '' : ` ${size}`}`
      if (row.event_type === 'create') {
        builder.openReplica({cluster, replica, size, reason, from: at})
        emit(row, 'create', replica, size, reason, {marker: '+', text: sized, reason})
      } else if (row.event_type === 'drop') {
        builder.closeReplica(cluster, replica, at)
        emit(row, 'drop', replica, size, reason, {marker: '-', text: sized, reason})
      }
      continue
    }
    const transition = text(details.transition)
    if (transition === null) {
      // What an operator did to the cluster itself: created, dropped, or its configuration edited
      // (an alter whose changes start no reconfiguration shows only here).
      const action = clusterAction(row, cluster)
      if (action !== null) emit(row, 'event', null, null, action, {marker: '~', text: action, reason: 'event'})
      if (row.event_type === 'drop') builder.closeCluster(cluster, at)
      continue
    }
    if (details.kind === 'hydration-burst') {
      const size = text(details.burst_size)
      const reason = transition === 'finished' ? (text(details.finish_cause) ?? 'finished') : 'started'
      if (transition === 'started') builder.openSpan(cluster, 'burst', size, at)
      else builder.closeSpan(cluster, 'burst', at, reason)
      const line: PlanLine = transition === 'started' ? {marker: '+', text: `burst ${size ?? ''}`.trimEnd(), reason: 'hydration-burst'} : {marker: '-', text: `burst ${size ?? ''}`.trimEnd(), reason}
      emit(row, 'burst', null, size, reason, line)
    } else {
      const size = text(details.target_size)
      const label = transition === 'finalized' && details.forced === true ? 'finalized (forced)' : transition
      if (transition === 'started') builder.openSpan(cluster, 'reconfiguration', size, at)
      else builder.closeSpan(cluster, 'reconfiguration', at, label)
      emit(row, 'reconfiguration', null, size, label, {marker: '~', text: `reconfiguration → ${label}${size === null ? '' : ` (target ${size})`}`, reason: 'graceful-reconfiguration'})
    }
  }
  const parameters = new SystemParameters(source.parameters)
  // Lifetimes that ended before the window are not part of it.
  const replicas = builder.replicas.filter((span) => span.until === null || span.until > window.sinceMs)
  const spans = builder.spans.filter((span) => span.until === null || span.until > window.sinceMs)
  const clusters = builder.clusters.filter(
    (name) => source.clusterNames.includes(name) || replicas.some((span) => span.cluster === name) || builder.events.some((event) => event.cluster === name && event.at >= window.sinceMs),
  )
  return {
    command: 'history',
    from: window.sinceMs,
    until: window.untilMs,
    clusters,
    events: builder.events,
    replicas,
    spans,
    limits: {
      maxReplicasPerCluster: parameters.number('max_replicas_per_cluster'),
      maxCreditsPerHour: parameters.number('max_credit_consumption_rate'),
    },
    otherCreditsPerHour: 0,
    creditsBySize: source.creditsBySize,
  }
}
