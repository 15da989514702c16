// Human rendering of the DDL read results: the `cluster show` key/value block and the row shapes
// and columns of `cluster list`, `replica list` and `audit`. Pure; commands print the result.

import type {LoggingJson, TargetJson} from '../catalog/cluster-rows.js'
import type {Column} from '../output/table.js'
import type {Style} from '../output/style.js'
import {showControls} from '../output/style.js'
import {formatDuration, formatRelative, formatTimestamp} from '../output/time.js'
import type {AuditEntry} from './audit-log.js'
import {summarizeAuditDetails} from './audit-log.js'
import type {ClusterDropResult} from './clusters.js'
import type {ReplicaDropResult} from './replicas.js'
import type {ClusterView, Planned, ReplicaListItem, ReplicaView} from './show.js'
import {compareNames} from './show.js'

/** SHOW CLUSTERS' columns first (name, replicas, activity), so scripts can rely on positions. */
export const CLUSTER_LIST_COLUMNS: readonly Column[] = [
  {key: 'name', header: 'NAME'},
  {key: 'replicas', header: 'REPLICAS'},
  {key: 'activity', header: 'ACTIVITY'},
  {key: 'size', header: 'SIZE'},
  {key: 'replication_factor', header: 'RF', align: 'right'},
  {key: 'builtin', header: 'BUILTIN'},
]

export function clusterListRows(views: readonly ClusterView[]): Record<string, unknown>[] {
  return views.map((view) => ({
    name: view.name,
    // As SHOW CLUSTERS: `name (size)` by replica name.
    replicas: [...view.replicas]
      .sort((a, b) => compareNames(a.name, b.name))
      .map((replica) => `${replica.name} (${replica.size ?? 'unmanaged'})`)
      .join(', '),
    activity: view.activity,
    size: view.size,
    replication_factor: view.replication_factor,
    builtin: view.builtin,
  }))
}

export const CLUSTER_REPLICA_COLUMNS: readonly Column[] = [
  {key: 'name', header: 'REPLICA'},
  {key: 'id', header: 'ID'},
  {key: 'size', header: 'SIZE'},
  {key: 'availability_zones', header: 'ZONES'},
  {key: 'online', header: 'ONLINE'},
  {key: 'hydrated', header: 'HYDRATED'},
]

export const REPLICA_LIST_COLUMNS: readonly Column[] = [
  {key: 'cluster_name', header: 'CLUSTER'},
  ...CLUSTER_REPLICA_COLUMNS,
]

export const replicaRows = (
  replicas: readonly (ReplicaView | ReplicaListItem)[],
): Record<string, unknown>[] => replicas.map((replica) => ({...replica}))

export const AUDIT_COLUMNS: readonly Column[] = [
  {key: 'id', header: 'ID', align: 'right'},
  {key: 'time', header: 'TIME'},
  {key: 'event_type', header: 'EVENT'},
  {key: 'object_type', header: 'OBJECT'},
  {key: 'summary', header: 'DETAILS'},
]

export const auditRows = (entries: readonly AuditEntry[]): Record<string, unknown>[] =>
  entries.map((entry) => ({
    id: entry.id,
    time: formatTimestamp(entry.occurred_at),
    event_type: entry.event_type,
    object_type: entry.object_type,
    summary: summarizeAuditDetails(entry.details),
  }))

const zones = (list: readonly string[]): string => (list.length === 0 ? 'any' : list.join(', '))

const introspection = (logging: LoggingJson): string =>
  `${logging.interval_ms === null ? 'off' : `every ${formatDuration(logging.interval_ms)}`}, debugging ${logging.log_logging ? 'on' : 'off'}`

const target = (t: TargetJson): string =>
  `size ${t.size}, replication factor ${t.replication_factor}, zones ${zones(t.availability_zones)}, introspection ${introspection(t.logging)}`

const when = (ms: number, nowMs: number): string => `${formatTimestamp(ms)} (${formatRelative(ms, nowMs)})`

/** The `cluster show` block (without the replicas table, which is printed as rows). */
export function clusterShowLines(view: ClusterView, nowMs: number, style: Style): string[] {
  const fields: [string, string][] = []
  const add = (key: string, value: string) => fields.push([key, value])
  add('id', view.id)
  add('managed', view.managed ? 'yes' : 'no')
  if (view.builtin) add('builtin', 'yes')
  if (view.managed) {
    add('size', view.size ?? '')
    add('replication factor', String(view.replication_factor))
    add('availability zones', zones(view.availability_zones ?? []))
    if (view.logging) add('introspection', introspection(view.logging))
    const schedule = view.schedule
    add(
      'schedule',
      schedule?.kind === 'on-refresh'
        ? `on-refresh (hydration time estimate ${formatDuration(schedule.hydration_time_estimate_ms)})`
        : 'manual',
    )
    const onHydration = view.auto_scaling_strategy?.on_hydration
    add(
      'auto scaling',
      onHydration
        ? `on hydration at ${onHydration.hydration_size}, linger ${onHydration.linger_duration_ms === null ? 'default' : formatDuration(onHydration.linger_duration_ms)}`
        : 'none',
    )
  }
  add('activity', view.activity ?? 'steady')
  const record = view.reconfiguration
  if (record) {
    add('reconfiguration', `${record.status}: ${target(record.target)}`)
    add('', `deadline ${when(record.deadline, nowMs)}, on timeout ${record.on_timeout}`)
  } else if (view.managed) {
    add('reconfiguration', 'none')
  }
  const burst = view.burst
  if (burst) {
    const steady =
      burst.steady_hydrated_at === null
        ? 'not yet hydrated'
        : `hydrated ${when(burst.steady_hydrated_at, nowMs)}`
    add(
      'burst',
      `${burst.burst_size}, linger ${formatDuration(burst.linger_duration_ms)}, steady replicas ${steady}`,
    )
  } else if (view.managed) {
    add('burst', 'none')
  }
  const pins = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ') || 'none'
  add('features', pins(view.features))
  add('synced flags', pins(view.synced_parameters))
  add('created', when(view.created_at, nowMs))
  const width = Math.max(...fields.map(([key]) => key.length))
  return [
    style.heading(`cluster ${showControls(view.name)}`),
    ...fields.map(([key, value]) => `  ${style.dim(key.padEnd(width))}  ${showControls(value)}`),
  ]
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/** A dry run of `cluster create`: the `cluster show` block the new cluster would have. */
export function clusterCreateLines(view: Planned<ClusterView>, style: Style): string[] {
  const [heading, ...fields] = clusterShowLines(
    {...view, id: '(allocated on create)'},
    view.created_at,
    style,
  )
  const what = view.managed
    ? 'its replicas are created by the controller on its next tick'
    : 'add replicas with `mzcluster replica create`'
  return [`Would create ${heading ?? ''} (${what}):`, ...fields]
}

/**
 * What a cluster drop removes: one confirmation line after the drop; in a dry run, the same line
 * as "Would drop …" followed by each replica and object that would go with it.
 */
export function clusterDropLines(
  result: ClusterDropResult,
  options: {dryRun: boolean},
  style: Style,
): string[] {
  const parts = [count(result.dropped_replicas.length, 'replica')]
  if (result.dropped_objects.length > 0) parts.push(count(result.dropped_objects.length, 'object'))
  const subject = `cluster ${JSON.stringify(result.cluster_name)} (${result.cluster_id}) with ${parts.join(' and ')}`
  if (!options.dryRun) return [`Dropped ${subject}.`]
  return [
    `Would drop ${subject}${result.dropped_replicas.length + result.dropped_objects.length > 0 ? ':' : '.'}`,
    ...result.dropped_replicas.map((replica) =>
      `  ${style.remove('-')} replica ${showControls(replica.name)} (${replica.id}) ${replica.size ?? ''}`.trimEnd(),
    ),
    ...result.dropped_objects.map(
      (object) => `  ${style.remove('-')} ${object.type} ${showControls(object.name)} (${object.id})`,
    ),
  ]
}

/** A dry run of `replica create`. */
export function replicaCreateLines(replica: Planned<ReplicaListItem>, style: Style): string[] {
  return [
    `Would create replica ${JSON.stringify(replica.name)} in cluster ${JSON.stringify(replica.cluster_name)} (${replica.cluster_id}):`,
    `  ${style.add('+')} replica ${showControls(replica.name)} ${replica.size ?? ''}, zones ${zones(replica.availability_zones)}`,
  ]
}

/** A dry run of `replica drop`. */
export function replicaDropLines(result: ReplicaDropResult, style: Style): string[] {
  return [
    `Would drop replica ${JSON.stringify(result.replica_name)} (${result.replica_id}) of cluster ${JSON.stringify(result.cluster_name)} (${result.cluster_id}):`,
    `  ${style.remove('-')} replica ${showControls(result.replica_name)} (${result.replica_id}) ${result.size ?? ''}`.trimEnd(),
  ]
}
