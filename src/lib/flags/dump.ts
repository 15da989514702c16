// `flags dump`: the stored rows of every layer (environment values, manual pins, synced overrides),
// or with `resolved` the effective value of every applicable parameter of the selected objects and
// the layer it came from. One read (store.ts) and the one resolver (resolve.ts); a constant number
// of statements whatever the selection.

import type {Db} from '../catalog/db.js'
import {findCluster, findReplica} from '../catalog/lookup.js'
import {UsageError} from '../errors.js'
import type {ReplicaRef as ReplicaName} from '../input/names.js'
import {REGISTRY, getParameter, type ParameterScope} from '../parameters/registry.js'
import {resolveParameters, type Layer, type LayerValues, type ResolvedParameter} from '../parameters/resolve.js'
import {
  compareText,
  formatReplicaRef,
  readFlagState,
  type ClusterFlags,
  type FlagState,
  type FlagStateFilter,
  type ReplicaFlags,
} from './store.js'

export interface DumpSelection {
  readonly scope?: ParameterScope
  /** A cluster by name: its own parameters (or, with scope `replica`, its replicas'). */
  readonly cluster?: string
  readonly replica?: ReplicaName
}

/** One row of `flags dump` (its `--json` shape). */
export type DumpRow = {
  readonly scope: ParameterScope
  /** Cluster or replica id; null for environment-wide rows. */
  readonly object_id: string | null
  /** Cluster name, or `CLUSTER.REPLICA` for a replica; null environment-wide and for rows of dropped objects. */
  readonly object_name: string | null
  readonly name: string
  /** Stored rows: the raw stored value. Resolved rows: the effective value, canonical. */
  readonly value: string
  readonly layer: Layer
  /** Resolved rows only: the canonical value of every layer that holds one. */
  readonly layers?: LayerValues
}

/** The scopes a selection covers, after checking that its parts agree. */
export function selectionScopes(selection: DumpSelection): ParameterScope[] {
  const {scope, cluster, replica} = selection
  if (cluster !== undefined && replica !== undefined) {
    throw new UsageError('give --cluster or --replica, not both', {code: 'INVALID_USAGE'})
  }
  if (replica !== undefined) {
    if (scope !== undefined && scope !== 'replica') {
      throw new UsageError(`--replica selects a replica; it cannot be combined with --scope ${scope}`, {
        code: 'INVALID_USAGE',
      })
    }
    return ['replica']
  }
  if (cluster !== undefined) {
    if (scope === 'environment') {
      throw new UsageError(
        '--cluster selects a cluster (or with --scope replica its replicas), not the environment',
        {
          code: 'INVALID_USAGE',
        },
      )
    }
    return [scope ?? 'cluster']
  }
  return scope === undefined ? ['environment', 'cluster', 'replica'] : [scope]
}

/** Whether the selection names exactly one object (what `--format env` needs). */
export function isSingleObject(selection: DumpSelection): boolean {
  const scopes = selectionScopes(selection)
  return (
    selection.replica !== undefined ||
    (selection.cluster !== undefined && scopes[0] === 'cluster') ||
    (selection.cluster === undefined && scopes.length === 1 && scopes[0] === 'environment')
  )
}

/** Read the selected objects: named objects are looked up first (a clear not-found error), then one snapshot. */
async function readSelection(db: Db, selection: DumpSelection): Promise<FlagState> {
  const scopes = new Set(selectionScopes(selection))
  const filter: {-readonly [K in keyof FlagStateFilter]: FlagStateFilter[K]} = {
    clusters: scopes.has('cluster') ? 'all' : 'none',
    replicas: scopes.has('replica') ? 'all' : 'none',
  }
  if (selection.replica !== undefined) {
    const {replica} = await findReplica(db, selection.replica.cluster, selection.replica.replica)
    filter.replicas = {id: replica.id}
  } else if (selection.cluster !== undefined) {
    const cluster = await findCluster(db, selection.cluster)
    if (scopes.has('cluster')) filter.clusters = {id: cluster.id}
    if (scopes.has('replica')) filter.replicas = {clusterId: cluster.id}
  }
  return readFlagState(db, filter)
}

export interface DumpOptions {
  readonly resolved?: boolean
}

/** The rows of `flags dump` for a selection. */
export async function dumpFlags(
  db: Db,
  selection: DumpSelection,
  options: DumpOptions = {},
): Promise<DumpRow[]> {
  const scopes = new Set(selectionScopes(selection))
  const state = await readSelection(db, selection)
  const named = selection.cluster !== undefined || selection.replica !== undefined
  return options.resolved ? resolvedRows(state, scopes) : storedRows(state, scopes, !named)
}

const byName = <R extends {name: string}>(a: R, b: R) => compareText(a.name, b.name)

/** Stored rows, ordered by scope, object (rows of dropped objects last), layer (manual before synced), name. */
export function storedRows(
  state: FlagState,
  scopes: ReadonlySet<ParameterScope>,
  withOrphans: boolean,
): DumpRow[] {
  const rows: DumpRow[] = []
  const push = (
    scope: ParameterScope,
    id: string | null,
    objectName: string | null,
    layer: Layer,
    values: ReadonlyMap<string, string>,
  ) => {
    const entries = [...values].map(([name, value]) => ({name, value})).sort(byName)
    for (const {name, value} of entries)
      rows.push({scope, object_id: id, object_name: objectName, name, value, layer})
  }
  if (scopes.has('environment')) push('environment', null, null, 'environment', state.environment)
  if (scopes.has('cluster')) {
    for (const cluster of state.clusters) {
      push('cluster', cluster.id, cluster.name, 'manual', cluster.pins)
      push('cluster', cluster.id, cluster.name, 'synced', cluster.synced)
    }
  }
  if (scopes.has('replica')) {
    for (const replica of state.replicas) {
      const name = formatReplicaRef(replica.clusterName, replica.name)
      push('replica', replica.id, name, 'manual', replica.pins)
      push('replica', replica.id, name, 'synced', replica.synced)
    }
  }
  if (withOrphans) {
    for (const orphan of state.orphans) {
      if (scopes.has(orphan.scope)) {
        rows.push({
          scope: orphan.scope,
          object_id: orphan.objectId,
          object_name: null,
          name: orphan.name,
          value: orphan.value,
          layer: 'synced',
        })
      }
    }
  }
  const order: Record<ParameterScope, number> = {environment: 0, cluster: 1, replica: 2}
  return rows.sort((a, b) => order[a.scope] - order[b.scope]) // stable: orphans last within their scope
}

/** Effective values: every applicable parameter of every selected object, ordered by scope, object, name. */
export function resolvedRows(state: FlagState, scopes: ReadonlySet<ParameterScope>): DumpRow[] {
  const rows: DumpRow[] = []
  const push = (
    scope: ParameterScope,
    id: string | null,
    objectName: string | null,
    resolved: readonly ResolvedParameter[],
  ) => {
    for (const parameter of [...resolved].sort(byName)) {
      rows.push({
        scope,
        object_id: id,
        object_name: objectName,
        name: parameter.name,
        value: parameter.value,
        layer: parameter.layer,
        layers: parameter.layers,
      })
    }
  }
  if (scopes.has('environment')) push('environment', null, null, resolveEnvironment(state))
  if (scopes.has('cluster')) {
    for (const cluster of state.clusters)
      push('cluster', cluster.id, cluster.name, resolveCluster(state, cluster))
  }
  if (scopes.has('replica')) {
    for (const replica of state.replicas) {
      push(
        'replica',
        replica.id,
        formatReplicaRef(replica.clusterName, replica.name),
        resolveReplica(state, replica),
      )
    }
  }
  return rows
}

/** Every registry parameter, environment-wide (default < environment). */
export const resolveEnvironment = (state: FlagState): ResolvedParameter[] =>
  resolveParameters({target: 'environment', environment: state.environment, registry: REGISTRY})

/** A cluster's cluster-scoped parameters (default < environment < manual pin < synced). */
export const resolveCluster = (state: FlagState, cluster: ClusterFlags): ResolvedParameter[] =>
  resolveParameters({
    target: 'cluster',
    environment: state.environment,
    manual: cluster.pins,
    synced: cluster.synced,
  })

/** A replica's replica-scoped parameters (default < environment < manual pin < synced). */
export const resolveReplica = (state: FlagState, replica: ReplicaFlags): ResolvedParameter[] =>
  resolveParameters({
    target: 'replica',
    environment: state.environment,
    manual: replica.pins,
    synced: replica.synced,
  })

// --- --format env -------------------------------------------------------------------------------

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** A value as one shell word: bare when it is plainly safe, else single-quoted (`'` as `'\''`). */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** `NAME=value` lines for `eval`/`source`; parameter names are valid shell identifiers. */
export function envLines(rows: readonly DumpRow[]): string[] {
  return rows.map((row) => `${envName(row.name)}=${shellQuote(row.value)}`)
}

function envName(name: string): string {
  // Registry names are identifiers already; a stored row of an unknown name could be anything.
  return getParameter(name) !== undefined || /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? name
    : name.replace(/[^A-Za-z0-9_]/g, '_')
}
