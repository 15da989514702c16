// Fixtures for the alter/wait suites: cluster rows for the pure router, and plain-SQL writers and
// readers for real catalogs (clusters, replicas, objects and live signals inserted as an
// orchestrator or `catalog init --demo` would; audit events since a mark; a dump of every
// mzcluster table and sequence so "nothing was written" can be checked byte for byte).

import {alterSubject, nextColumns} from '../../src/lib/alter/alter.js'
import type {AlterRequest, RouteContext} from '../../src/lib/alter/route.js'
import {routeAlter} from '../../src/lib/alter/route.js'
import type {
  ClusterRow,
  LoggingJson,
  ReconfigurationJson,
} from '../../src/lib/catalog/cluster-rows.js'
import {reconfigurationToJson} from '../../src/lib/catalog/cluster-rows.js'
import type {Queryable} from '../../src/lib/catalog/db.js'
import {hydratedReplicas} from '../../src/lib/catalog/signals.js'
import {
  auditMark,
  auditSince,
  clusterRow,
  createCluster,
  DEFAULT_LOGGING_JSON,
  dumpCatalog,
  HOUR,
  MINUTE,
  replicasOf,
  replicaSummary,
  reportReady,
  SECOND,
  setParameter,
  T0,
} from '../integration/fixtures.js'

export const DAY = 24 * HOUR


/** A parsed `cluster alter` with the default timing; the given fields are the ones "mentioned". */
export const req = (fields: Omit<Partial<AlterRequest>, 'timing'> & {timing?: AlterRequest['timing']} = {}): AlterRequest => ({
  timing: {kind: 'default'},
  ...fields,
})

/** A managed MANUAL user cluster row (u1 "prod", 100cc × 2) for the pure router. */
export const clusterRowFixture = (overrides: Partial<ClusterRow> = {}): ClusterRow => ({
  id: 'u1',
  ord: 1,
  name: 'prod',
  builtin: false,
  managed: true,
  size: '100cc',
  replication_factor: 2,
  availability_zones: [],
  logging: {...DEFAULT_LOGGING_JSON},
  schedule: {kind: 'manual'},
  auto_scaling_strategy: null,
  reconfiguration: null,
  burst: null,
  features: {},
  owner: 'mz_system',
  version: 1,
  created_at: 0,
  ...overrides,
})

/** An alter route with its config as the catalog row it writes (the routes' assertions read rows). */
export type RowRoute =
  | {readonly kind: 'unchanged'}
  | {readonly kind: 'to-unmanaged'; readonly next: ClusterRow}
  | {readonly kind: 'direct'; readonly next: ClusterRow; readonly retiredRecord: boolean; readonly burstRetired: boolean}
  | {
      readonly kind: 'reshape'
      readonly next: ClusterRow
      readonly record: ReconfigurationJson
      readonly transition: 'started' | 'cancelled'
      readonly burstRetired: boolean
    }

/** `routeAlter` on a managed cluster row, its result mapped back to rows the way the alter writes them. */
export function routeRows(current: ClusterRow, request: AlterRequest, context: RouteContext): RowRoute {
  const subject = alterSubject(current)
  if (!subject.managed) throw new Error('routeRows takes a managed cluster row')
  const route = routeAlter(subject.config, request, context)
  if (route.kind === 'unchanged') return route
  const next = {...current, ...nextColumns(current, route)} as ClusterRow
  switch (route.kind) {
    case 'to-unmanaged':
      return {kind: 'to-unmanaged', next}
    case 'direct':
      return {kind: 'direct', next, retiredRecord: route.retiredRecord, burstRetired: route.burstRetired}
    case 'reshape':
      return {kind: 'reshape', next, record: reconfigurationToJson(route.record) as ReconfigurationJson, transition: route.transition, burstRetired: route.burstRetired}
  }
}

/** A reconfiguration record with default AZs ([]) and logging unless given. */
export function record(
  size: string,
  rf: number,
  deadline: number,
  options: {
    onTimeout?: 'commit' | 'rollback'
    status?: ReconfigurationJson['status']
    availabilityZones?: string[]
    logging?: LoggingJson
  } = {},
): ReconfigurationJson {
  return {
    target: {
      size,
      replication_factor: rf,
      availability_zones: options.availabilityZones ?? [],
      logging: options.logging ?? {...DEFAULT_LOGGING_JSON},
    },
    deadline,
    on_timeout: options.onTimeout ?? 'rollback',
    status: options.status ?? 'in-progress',
  }
}

async function nextId(db: Queryable, sequence: string): Promise<number> {
  const [row] = await db.query<{n: number}>(`SELECT nextval('mzcluster.${sequence}')::int AS n`)
  if (!row) throw new Error(`no value from ${sequence}`)
  return row.n
}

/** A managed replica (default logging); returns its id. */
export async function addReplica(
  db: Queryable,
  clusterId: string,
  name: string,
  size: string,
  options: {createdAtMs?: number; availabilityZones?: readonly string[]} = {},
): Promise<string> {
  const n = await nextId(db, 'user_replica_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, availability_zones, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [id, n, clusterId, name, size, JSON.stringify(options.availabilityZones ?? []), options.createdAtMs ?? T0 - HOUR],
  )
  return id
}

/** An index bound to the cluster, so hydration means something; returns its id. */
export async function addIndex(db: Queryable, clusterId: string, name: string): Promise<string> {
  const n = await nextId(db, 'user_object_ids')
  const id = `u${n}`
  await db.query(
    `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, created_at) VALUES ($1, $2, $3, $4, 'index', $5)`,
    [id, n, name, clusterId, T0 - HOUR],
  )
  return id
}

/** The reconfiguration lifecycle transitions (events with a target) after `mark`. */
export async function lifecycle(db: Queryable, mark: number, clusterId: string): Promise<string[]> {
  return (await auditSince(db, mark, clusterId))
    .filter((event) => event.details.target_size !== undefined)
    .map((event) => String(event.details.transition))
}

/** Replica ids of the cluster hydrated by the catalog rule (what the controller sees). */
export async function hydratedIds(db: Queryable, clusterId: string): Promise<Set<string>> {
  const hydrated = await hydratedReplicas(db, [clusterId], {kind: 'catalog', simulatedDelayMs: 0, nowMs: 0})
  return hydrated.get(clusterId) ?? new Set()
}


// Shared with the controller integration tests: one definition of each helper.
export {auditMark, auditSince, clusterRow, dumpCatalog, MINUTE, replicasOf, replicaSummary, reportReady, SECOND, setParameter}
export type {AuditRow, ReplicaInfo} from '../integration/fixtures.js'
export {createCluster, DEFAULT_LOGGING_JSON, HOUR, T0}
export type {ClusterSpec} from '../integration/fixtures.js'
