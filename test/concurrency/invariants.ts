// The invariant checker of the concurrency and fault suites. One consistent read of the whole
// catalog (a REPEATABLE READ, READ ONLY transaction on a plain pg.Client), then checks that need no
// knowledge of what the test did:
//
//   structure   replica rows only for existing clusters, replica names unique per cluster, managed
//               clusters have a known size and rf ≥ 0, reconfiguration records are well formed
//               with a valid status;
//   audit ⇔ rows every replica of a user cluster has exactly one `create` event (same id, name and
//               size) and no `drop` event; every `drop` event's replica is gone and was created
//               before; every created replica that is gone has its `drop` event; builtin replicas
//               are never touched;
//   replay      the audit log replayed per cluster in id order (= commit order: every writer locks
//               the cluster row first) — cluster create, direct `changes`, reconfiguration
//               transitions — must (a) follow the record state machine: `started` from anything,
//               `cancelled` only from in-progress, `finalized`/`timed-out`/`resource-exhausted`
//               only from the in-progress record with the very same target and deadline (a stale
//               cut-over of a record an alter has re-targeted shows up here); (b) never contradict
//               a direct change's old value (a lost update); (c) admit every controller create as a
//               decision of the config it committed on (a `manual` create has the realized size, a
//               `reconfiguration` create the in-flight target size, and never more replicas of a
//               size than the config desires); (d) end exactly at the stored row (size, rf, record)
//               — no record lost or overwritten without its event;
//   time        audit ids increase with occurred_at (up to a tolerance for the time a writer holds
//               its latched clock before committing);
//   limits      the replica create and drop events replayed in id order — the order in which the
//               applies that create replicas commit, since each holds the resource-limit lock from
//               its check to its commit — never take the user replicas' credits per hour above
//               max_credit_consumption_rate, nor a cluster's replica count above
//               max_replicas_per_cluster, as in force when the events were written (the limits of
//               the snapshot that first sees them: a test changes limits only between checks);
//   graceful    (between two snapshots) a cluster's serving capacity — hydrated replicas of its
//               realized or in-flight target size — never drops below min(rf, what it had), unless
//               a forced cut-over (`finalized` with forced = true) happened in between.
//
// `fixpointViolations` adds what must hold once `plan` has nothing left to do: every managed
// cluster holds exactly the replicas its config desires (realized shape × rf, plus the in-flight
// target shape × target rf) and nothing else.

import pg from 'pg'

export interface ClusterSnap {
  id: string
  name: string
  builtin: boolean
  managed: boolean
  size: string | null
  replication_factor: number | null
  availability_zones: string[]
  logging: {log_logging: boolean; interval_ms: number | null}
  schedule: {kind: string}
  reconfiguration: RecordSnap | null
  burst: unknown
}

export interface RecordSnap {
  target: {size: string; replication_factor: number; availability_zones: string[]; logging: {log_logging: boolean; interval_ms: number | null}}
  deadline: number
  on_timeout: string
  status: string
}

export interface ReplicaSnap {
  id: string
  ord: number
  cluster_id: string
  name: string
  size: string | null
  availability_zones: string[]
  logging: {log_logging: boolean; interval_ms: number | null}
  internal: boolean
  billed_as: string | null
  pending: boolean
}

export interface AuditSnap {
  id: number
  occurred_at: number
  event_type: string
  object_type: string
  details: Record<string, unknown>
}

export interface Snapshot {
  readonly takenAt: number
  readonly clusters: ClusterSnap[]
  readonly replicas: ReplicaSnap[]
  readonly audit: AuditSnap[]
  readonly sizes: Set<string>
  /** Credits per hour of each size. */
  readonly credits: Map<string, number>
  /** Environment-wide system parameters as stored (raw text). */
  readonly parameters: Map<string, string>
  /** Replica ids hydrated by the catalog rule (or the simulated one, per signal_source). */
  readonly hydrated: Set<string>
}

export interface CheckResult {
  readonly violations: string[]
  readonly checks: number
  readonly snapshot: Snapshot
}

export const RECORD_STATUSES = new Set(['in-progress', 'finalized', 'timed-out', 'cancelled', 'resource-exhausted'])
const HYDRATABLE = `('index', 'materialized-view', 'source', 'sink')`

/** One consistent read of everything the checks need. */
export async function readSnapshot(url: string): Promise<Snapshot> {
  const client = new pg.Client({connectionString: url, application_name: 'mzcluster-test'})
  client.setTypeParser(20, (value: string) => Number(value))
  await client.connect()
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const [{now}] = (await client.query<{now: number}>(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`)).rows as [
      {now: number},
    ]
    const clusters = (await client.query<ClusterSnap>('SELECT * FROM mzcluster.clusters ORDER BY ord, id')).rows
    const replicas = (await client.query<ReplicaSnap>('SELECT * FROM mzcluster.replicas ORDER BY ord, id')).rows
    const audit = (await client.query<AuditSnap>('SELECT id, occurred_at, event_type, object_type, details FROM mzcluster.audit_events ORDER BY id'))
      .rows
    const sizeRows = (await client.query<{name: string; credits: string}>('SELECT name, credits_per_hour::text AS credits FROM mzcluster.replica_sizes')).rows
    const sizes = new Set(sizeRows.map((row) => row.name))
    const credits = new Map(sizeRows.map((row) => [row.name, Number(row.credits)]))
    const parameters = new Map(
      (await client.query<{name: string; value: string}>('SELECT name, value FROM mzcluster.system_parameters')).rows.map((row) => [row.name, row.value]),
    )
    let hydratedRows: {id: string}[]
    if (parameters.get('signal_source') === 'simulated') {
      const delayMs = parseSimpleDuration(parameters.get('simulated_hydration_delay') ?? '30s')
      hydratedRows = (await client.query<{id: string}>('SELECT id FROM mzcluster.replicas WHERE created_at + $1 <= $2', [delayMs, now])).rows
    } else {
      // product.md §4: online, and every hydratable object of its cluster (not pinned elsewhere) hydrated on it.
      hydratedRows = (
        await client.query<{id: string}>(
          `SELECT r.id FROM mzcluster.replicas r
           JOIN mzcluster.replica_status s ON s.replica_id = r.id AND s.online
           WHERE NOT EXISTS (
             SELECT 1 FROM mzcluster.objects o
             WHERE o.cluster_id = r.cluster_id AND o.type IN ${HYDRATABLE} AND (o.replica_id IS NULL OR o.replica_id = r.id)
               AND NOT EXISTS (SELECT 1 FROM mzcluster.object_hydration h WHERE h.replica_id = r.id AND h.object_id = o.id AND h.hydrated))`,
        )
      ).rows
    }
    await client.query('COMMIT')
    return {takenAt: now, clusters, replicas, audit, sizes, credits, parameters, hydrated: new Set(hydratedRows.map((row) => row.id))}
  } finally {
    await client.end().catch(() => {})
  }
}

function parseSimpleDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim())
  if (!match) return 30_000
  const unit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Number(match[1]) * unit
}

interface Replayed {
  name: string
  exists: boolean
  managed: boolean
  size: string | null
  rf: number | null
  record: {target: RecordSnap['target']; deadline: number; status: string} | null
  /** Live replicas by id (from create/drop events): their sizes. */
  live: Map<string, string | null>
}

const jsonEqual = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function targetOfEvent(details: Record<string, unknown>): RecordSnap['target'] {
  return {
    size: details.target_size as string,
    replication_factor: details.target_replication_factor as number,
    availability_zones: (details.target_availability_zones as string[] | undefined) ?? [],
    logging: details.target_logging as RecordSnap['target']['logging'],
  }
}

/** How many replicas of `size` the replayed config desires (baseline ∪ graceful, max per shape). */
function desiredOfSize(state: Replayed, size: string): number {
  const baseline = state.managed && state.size === size ? (state.rf ?? 0) : 0
  const graceful = state.record?.status === 'in-progress' && state.record.target.size === size ? state.record.target.replication_factor : 0
  return Math.max(baseline, graceful)
}

export interface CheckOptions {
  /** How far occurred_at may go backwards in id order (a writer's clock is latched before it commits). */
  readonly clockToleranceMs?: number
}

/** Every check over one snapshot (and, for the graceful floor, the previous one). */
export function checkSnapshot(snapshot: Snapshot, previous: Snapshot | null = null, options: CheckOptions = {}): {violations: string[]; checks: number} {
  const violations: string[] = []
  let checks = 0
  const check = (ok: boolean, message: () => string) => {
    checks++
    if (!ok) violations.push(message())
  }
  const clusters = new Map(snapshot.clusters.map((cluster) => [cluster.id, cluster]))
  const replicasById = new Map(snapshot.replicas.map((replica) => [replica.id, replica]))

  // --- structure
  const names = new Set<string>()
  for (const replica of snapshot.replicas) {
    check(clusters.has(replica.cluster_id), () => `replica ${replica.id} (${replica.name}) belongs to missing cluster ${replica.cluster_id}`)
    const key = `${replica.cluster_id}/${replica.name}`
    check(!names.has(key), () => `replica name ${replica.name} appears twice in cluster ${replica.cluster_id}`)
    names.add(key)
  }
  for (const cluster of snapshot.clusters) {
    if (!cluster.managed) continue
    check(cluster.size !== null && snapshot.sizes.has(cluster.size), () => `cluster ${cluster.name}: unknown size ${cluster.size}`)
    check(Number.isInteger(cluster.replication_factor) && (cluster.replication_factor ?? -1) >= 0, () => `cluster ${cluster.name}: bad rf ${cluster.replication_factor}`)
    const record = cluster.reconfiguration
    if (record !== null) {
      check(RECORD_STATUSES.has(record.status), () => `cluster ${cluster.name}: invalid record status ${JSON.stringify(record.status)}`)
      check(snapshot.sizes.has(record.target?.size), () => `cluster ${cluster.name}: record target size ${record.target?.size} unknown`)
      check(Number.isInteger(record.target?.replication_factor) && record.target.replication_factor >= 0, () => `cluster ${cluster.name}: bad target rf`)
      check(['commit', 'rollback'].includes(record.on_timeout), () => `cluster ${cluster.name}: bad on_timeout ${record.on_timeout}`)
      check(typeof record.deadline === 'number' && Number.isFinite(record.deadline), () => `cluster ${cluster.name}: bad deadline ${record.deadline}`)
    }
  }

  // --- audit ⇔ replica rows
  const replicaEvents = snapshot.audit.filter((event) => event.object_type === 'cluster-replica')
  const creates = new Map<string, AuditSnap[]>()
  const drops = new Map<string, AuditSnap[]>()
  for (const event of replicaEvents) {
    const id = String(event.details.replica_id)
    const map = event.event_type === 'create' ? creates : event.event_type === 'drop' ? drops : null
    check(map !== null, () => `audit ${event.id}: replica event of type ${event.event_type}`)
    if (map) map.set(id, [...(map.get(id) ?? []), event])
  }
  for (const replica of snapshot.replicas) {
    const cluster = clusters.get(replica.cluster_id)
    if (!cluster || cluster.builtin) {
      check(!creates.has(replica.id) && !drops.has(replica.id), () => `builtin replica ${replica.id} has replica audit events`)
      continue
    }
    const made = creates.get(replica.id) ?? []
    check(made.length === 1, () => `live replica ${cluster.name}.${replica.name} (${replica.id}) has ${made.length} create events`)
    const event = made[0]
    if (event) {
      check(
        event.details.cluster_id === replica.cluster_id && event.details.replica_name === replica.name && event.details.logical_size === replica.size,
        () => `live replica ${cluster.name}.${replica.name} (${replica.id}) does not match its create event ${JSON.stringify(event.details)}`,
      )
    }
    check(!drops.has(replica.id), () => `live replica ${cluster.name}.${replica.name} (${replica.id}) has a drop event (audit ${drops.get(replica.id)?.[0]?.id})`)
  }
  for (const [id, events] of drops) {
    check(!replicasById.has(id), () => `replica ${id} has a drop event (audit ${events[0]?.id}) but still exists`)
    check(events.length === 1, () => `replica ${id} has ${events.length} drop events`)
    const created = creates.get(id)?.[0]
    check(created !== undefined && created.id < (events[0]?.id ?? 0), () => `replica ${id} dropped (audit ${events[0]?.id}) without an earlier create event`)
  }
  for (const [id, events] of creates) {
    check(events.length === 1, () => `replica ${id} has ${events.length} create events`)
    if (!replicasById.has(id)) check(drops.has(id), () => `replica ${id} (${String(events[0]?.details.replica_name)}) is gone without a drop event`)
  }

  // --- time: ids increase with occurred_at
  const tolerance = options.clockToleranceMs ?? 30_000
  let latest = -Infinity
  for (const event of snapshot.audit) {
    check(event.occurred_at >= latest - tolerance, () => `audit ${event.id} occurred_at ${event.occurred_at} is ${latest - event.occurred_at}ms before an earlier id's`)
    latest = Math.max(latest, event.occurred_at)
  }

  // --- replay per cluster, in id (commit) order
  const replayed = new Map<string, Replayed>()
  const builtinIds = new Set(snapshot.clusters.filter((cluster) => cluster.builtin).map((cluster) => cluster.id))
  for (const event of snapshot.audit) {
    const clusterId = event.details.cluster_id as string | undefined
    if (clusterId === undefined || builtinIds.has(clusterId)) continue
    if (event.object_type !== 'cluster' && event.object_type !== 'cluster-replica') continue
    const where = `cluster ${String(event.details.cluster_name)} (${clusterId}), audit ${event.id}`
    let state = replayed.get(clusterId)
    if (event.object_type === 'cluster' && event.event_type === 'create') {
      check(state === undefined || !state.exists, () => `${where}: cluster created twice`)
      state = {
        name: String(event.details.cluster_name),
        exists: true,
        managed: Boolean(event.details.managed),
        size: (event.details.size as string | null) ?? null,
        rf: (event.details.replication_factor as number | null) ?? null,
        record: null,
        live: new Map(),
      }
      replayed.set(clusterId, state)
      continue
    }
    check(state !== undefined && state.exists, () => `${where}: ${event.event_type} ${event.object_type} event for a cluster with no create event`)
    if (!state || !state.exists) continue

    if (event.object_type === 'cluster' && event.event_type === 'drop') {
      state.exists = false
      continue
    }
    if (event.object_type === 'cluster' && event.event_type === 'alter') {
      const changes = event.details.changes as Record<string, [unknown, unknown]> | undefined
      if (changes) {
        const fields: [string, 'size' | 'rf' | 'managed'][] = [
          ['size', 'size'],
          ['replication_factor', 'rf'],
          ['managed', 'managed'],
        ]
        for (const [key, field] of fields) {
          const change = changes[key]
          if (!change) continue
          const current = state[field]
          check(jsonEqual(change[0], current), () => `${where}: change of ${key} from ${JSON.stringify(change[0])}, but the replayed value was ${JSON.stringify(current)} (lost update)`)
          ;(state as unknown as Record<string, unknown>)[field] = change[1]
        }
      }
      if (event.details.kind === 'hydration-burst') continue
      const transition = event.details.transition as string | undefined
      if (transition === undefined) continue
      const target = targetOfEvent(event.details)
      const deadline = event.details.deadline as number
      const prior = state.record
      const sameRecord = prior !== null && jsonEqual(prior.target, target) && prior.deadline === deadline
      switch (transition) {
        case 'started':
          state.record = {target, deadline, status: 'in-progress'}
          break
        case 'cancelled':
          check(prior?.status === 'in-progress', () => `${where}: cancelled with no in-flight record (was ${prior?.status ?? 'none'})`)
          state.record = {target, deadline, status: 'cancelled'}
          break
        case 'finalized':
        case 'timed-out':
        case 'resource-exhausted':
          check(
            prior?.status === 'in-progress' && sameRecord,
            () =>
              `${where}: ${transition} of target ${JSON.stringify(target)} deadline ${deadline}, but the record in force was ${JSON.stringify(prior)} (stale write)`,
          )
          state.record = {target, deadline, status: transition}
          if (transition === 'finalized') {
            state.size = target.size
            state.rf = target.replication_factor
          }
          break
        default:
          check(false, () => `${where}: unknown transition ${transition}`)
      }
      continue
    }
    if (event.object_type === 'cluster-replica') {
      const replicaId = String(event.details.replica_id)
      const size = (event.details.logical_size as string | null) ?? null
      if (event.event_type === 'drop') {
        check(state.live.has(replicaId), () => `${where}: drop of replica ${replicaId} that was not live`)
        check(event.details.reason === 'retired' || event.details.reason === 'manual', () => `${where}: drop reason ${String(event.details.reason)}`)
        state.live.delete(replicaId)
        continue
      }
      if (event.event_type !== 'create') continue
      state.live.set(replicaId, size)
      const reason = event.details.reason
      if (reason === 'manual' && state.managed) {
        check(size !== null && size === state.size && (state.rf ?? 0) > 0, () => `${where}: baseline create of a ${size} replica while the realized config was ${state.size} × ${state.rf} (stale decision)`)
      } else if (reason === 'reconfiguration') {
        check(
          state.record?.status === 'in-progress' && state.record.target.size === size,
          () => `${where}: reconfiguration create of a ${size} replica while the record was ${JSON.stringify(state.record)} (stale decision)`,
        )
      }
      if (state.managed && size !== null && (reason === 'manual' || reason === 'reconfiguration')) {
        const count = [...state.live.values()].filter((liveSize) => liveSize === size).length
        const desired = desiredOfSize(state, size)
        check(count <= desired, () => `${where}: ${count} live ${size} replicas after this create, but the config desires ${desired} (duplicate or stale create)`)
      }
    }
  }
  for (const cluster of snapshot.clusters) {
    if (cluster.builtin) continue
    const state = replayed.get(cluster.id)
    check(state !== undefined && state.exists, () => `cluster ${cluster.name} (${cluster.id}) has no create event`)
    if (!state) continue
    check(state.managed === cluster.managed, () => `cluster ${cluster.name}: managed ${cluster.managed} but the audit log says ${state.managed}`)
    if (cluster.managed) {
      check(
        state.size === cluster.size && state.rf === cluster.replication_factor,
        () => `cluster ${cluster.name}: realized ${cluster.size} × ${cluster.replication_factor} but the audit log replays to ${state.size} × ${state.rf}`,
      )
    }
    const stored = cluster.reconfiguration
    const expected = state.record
    check(
      (stored === null && expected === null) ||
        (stored !== null && expected !== null && stored.status === expected.status && stored.deadline === expected.deadline && jsonEqual(stored.target, expected.target)),
      () => `cluster ${cluster.name}: stored record ${JSON.stringify(stored)} but the audit log replays to ${JSON.stringify(expected)} (record lost or overwritten)`,
    )
    const live = new Set(snapshot.replicas.filter((replica) => replica.cluster_id === cluster.id).map((replica) => replica.id))
    check(
      live.size === state.live.size && [...live].every((id) => state.live.has(id)),
      () => `cluster ${cluster.name}: replicas ${[...live].join(',')} but the audit log replays to ${[...state.live.keys()].join(',')}`,
    )
  }
  for (const [id, state] of replayed) {
    if (state.exists) check(clusters.has(id), () => `cluster ${state.name} (${id}) is gone without a drop event`)
  }

  // --- resource limits, replayed in audit id order; events new since the previous check are held to
  // the limits of this snapshot
  const maxCredits = Number(snapshot.parameters.get('max_credit_consumption_rate') ?? 1024)
  const maxReplicas = Number(snapshot.parameters.get('max_replicas_per_cluster') ?? 5)
  const checkedUpTo = previous?.audit.at(-1)?.id ?? 0
  const liveCredits = new Map<string, {clusterId: string; credits: number}>()
  const replicasPerCluster = new Map<string, number>()
  let credits = 0
  for (const event of snapshot.audit) {
    if (event.object_type !== 'cluster-replica') continue
    const clusterId = String(event.details.cluster_id)
    if (builtinIds.has(clusterId)) continue
    const replicaId = String(event.details.replica_id)
    if (event.event_type === 'drop') {
      const live = liveCredits.get(replicaId)
      if (!live) continue
      liveCredits.delete(replicaId)
      credits -= live.credits
      replicasPerCluster.set(clusterId, (replicasPerCluster.get(clusterId) ?? 0) - 1)
      continue
    }
    if (event.event_type !== 'create') continue
    const replicaCredits = snapshot.credits.get(String(event.details.logical_size)) ?? 0
    liveCredits.set(replicaId, {clusterId, credits: replicaCredits})
    credits += replicaCredits
    const count = (replicasPerCluster.get(clusterId) ?? 0) + 1
    replicasPerCluster.set(clusterId, count)
    if (event.id <= checkedUpTo) continue
    const where = `cluster ${String(event.details.cluster_name)} (${clusterId}), audit ${event.id}`
    // Credits are sums of decimal fractions: compare with a tolerance far below any size's rate.
    check(credits <= maxCredits + 1e-9, () => `${where}: create of a ${String(event.details.logical_size)} replica takes the environment to ${credits} credits per hour, above max_credit_consumption_rate ${maxCredits}`)
    check(count <= maxReplicas, () => `${where}: create takes the cluster to ${count} replicas, above max_replicas_per_cluster ${maxReplicas}`)
  }

  // --- graceful floor, between the previous snapshot and this one
  if (previous) {
    const newEvents = snapshot.audit.filter((event) => event.id > (previous.audit.at(-1)?.id ?? 0))
    for (const cluster of snapshot.clusters) {
      if (cluster.builtin || !cluster.managed) continue
      const before = previous.clusters.find((c) => c.id === cluster.id)
      if (!before || !before.managed) continue
      const forced = newEvents.some(
        (event) => event.details.cluster_id === cluster.id && event.details.transition === 'finalized' && event.details.forced === true,
      )
      if (forced) continue
      const then = servingReplicas(previous, before)
      const now = servingReplicas(snapshot, cluster)
      const floor = Math.min(cluster.replication_factor ?? 0, then)
      check(
        now >= floor,
        () =>
          `cluster ${cluster.name}: ${now} hydrated replicas of its realized/target size, below min(rf ${cluster.replication_factor}, ${then} before) — a graceful change dropped serving replicas`,
      )
    }
  }
  return {violations, checks}
}

/** Hydrated replicas of the cluster's realized size, or of its in-flight target size. */
export function servingReplicas(snapshot: Snapshot, cluster: ClusterSnap): number {
  const target = cluster.reconfiguration?.status === 'in-progress' ? cluster.reconfiguration.target.size : null
  return snapshot.replicas.filter(
    (replica) =>
      replica.cluster_id === cluster.id &&
      (replica.size === cluster.size || (target !== null && replica.size === target)) &&
      snapshot.hydrated.has(replica.id),
  ).length
}

const shapeKey = (size: string | null, zones: readonly string[], logging: unknown) => `${size}|${[...zones].sort().join(',')}|${canonical(logging)}`

/** The replica shapes (with counts) a managed MANUAL cluster's config desires once nothing is left to do. */
export function desiredShapes(cluster: ClusterSnap): Map<string, number> {
  const desired = new Map<string, number>()
  if (!cluster.managed || cluster.schedule.kind !== 'manual') return desired
  const add = (key: string, count: number) => desired.set(key, Math.max(desired.get(key) ?? 0, count))
  add(shapeKey(cluster.size, cluster.availability_zones, cluster.logging), cluster.replication_factor ?? 0)
  const record = cluster.reconfiguration
  if (record?.status === 'in-progress') add(shapeKey(record.target.size, record.target.availability_zones, record.target.logging), record.target.replication_factor)
  for (const [key, count] of desired) if (count === 0) desired.delete(key)
  return desired
}

export function actualShapes(snapshot: Snapshot, clusterId: string): Map<string, number> {
  const actual = new Map<string, number>()
  for (const replica of snapshot.replicas) {
    if (replica.cluster_id !== clusterId || replica.internal || replica.billed_as !== null || replica.pending) continue
    const key = shapeKey(replica.size, replica.availability_zones, replica.logging)
    actual.set(key, (actual.get(key) ?? 0) + 1)
  }
  return actual
}

/** At a fixpoint: every managed user cluster holds exactly the replicas its config desires. */
export function fixpointViolations(snapshot: Snapshot): {violations: string[]; checks: number} {
  const violations: string[] = []
  let checks = 0
  for (const cluster of snapshot.clusters) {
    if (cluster.builtin || !cluster.managed) continue
    checks++
    const desired = desiredShapes(cluster)
    const actual = actualShapes(snapshot, cluster.id)
    if (canonical(Object.fromEntries([...desired].sort())) !== canonical(Object.fromEntries([...actual].sort()))) {
      violations.push(
        `cluster ${cluster.name}: replicas ${JSON.stringify(Object.fromEntries(actual))} but its config (${cluster.size} × ${cluster.replication_factor}, record ${JSON.stringify(cluster.reconfiguration)}) desires ${JSON.stringify(Object.fromEntries(desired))}`,
      )
    }
  }
  return {violations, checks}
}

/** Runs the checks after every step, remembering the previous snapshot for the graceful floor. */
export class InvariantChecker {
  checks = 0
  runs = 0
  private previous: Snapshot | null = null

  constructor(
    private readonly url: string,
    private readonly options: CheckOptions = {},
  ) {}

  async check(): Promise<CheckResult> {
    const snapshot = await readSnapshot(this.url)
    const {violations, checks} = checkSnapshot(snapshot, this.previous, this.options)
    this.previous = snapshot
    this.checks += checks
    this.runs++
    return {violations, checks, snapshot}
  }

  /** Forget the previous snapshot (after the test itself changed signals or rows). */
  reset(): void {
    this.previous = null
  }
}
