// `flags sync` (flags-spec §4–§9.4): evaluate every synced parameter for the environment, every
// live cluster and every managed replica; apply the env-wide values like `ALTER SYSTEM` (a value
// equal to the default resets); decide scoped overrides with the value-difference rule; and write
// only the sparse diff against the cache — upserts, removals within the prune scope, and rows of
// dropped objects — in one transaction, or nothing at all when nothing changed.

import {appendAudit, notifyCatalogChange, type AuditEvent} from '../catalog/audit.js'
import type {Db} from '../catalog/db.js'
import {writeSyncedOverrides, type OverrideWrite} from '../catalog/flags.js'
import {writeSystemParameterValues} from '../catalog/parameters.js'
import {CatalogError} from '../errors.js'
import {parseEnvironmentId, type BuildInfo, type ReplicaRef} from './contexts.js'
import type {ScopedDesiredState} from './decide.js'
import {evaluateScoped, type ScopedEvaluation} from './evaluate.js'
import type {FlagSource} from './flag-source.js'
import {
  REGISTRY,
  formatDefault,
  syncedParameters,
  type ParameterDef,
  type ParameterScope,
} from '../parameters/registry.js'
import {resolveParameter} from '../parameters/resolve.js'
import {clusterRef, formatReplicaRef, readFlagState, replicaRef, type FlagState} from './store.js'

export type ChangeOp = 'add' | 'update' | 'remove'

/** One line of the diff (the `--json` shape of each change). */
export interface SyncChange {
  readonly scope: ParameterScope
  readonly object_id: string | null
  readonly object_name: string | null
  readonly name: string
  readonly op: ChangeOp
  /** Environment: the effective value before (canonical). Scoped: the stored raw value, null when added. */
  readonly from: string | null
  /** Environment: the effective value after (canonical). Scoped: the served raw value, null when removed. */
  readonly to: string | null
  /** Why a scoped row goes when it is not simply no longer an override. */
  readonly reason: 'object-dropped' | 'scoped-disabled' | null
}

interface ObjectInfo {
  readonly cluster_id: string
  readonly cluster_name: string
  readonly replica_id?: string
  readonly replica_name?: string
}

type RowWrite = OverrideWrite

/** The diff and exactly what to write for it. */
export interface SyncPlan {
  readonly changes: readonly SyncChange[]
  /** name → canonical value to store, or null to reset (delete the row). */
  readonly environment: ReadonlyMap<string, string | null>
  readonly cluster: readonly RowWrite[]
  readonly replica: readonly RowWrite[]
  /** Audit subjects of live objects. */
  readonly objects: ReadonlyMap<string, ObjectInfo>
  readonly warnings: readonly string[]
}

export interface SyncSummary {
  readonly environment: number
  readonly added: number
  readonly updated: number
  readonly removed: number
}

/** The result of `flags sync` (its `--json` shape). */
export interface SyncResult {
  readonly dry_run: boolean
  /** Whether a transaction wrote the diff (false on a dry run and when nothing changed). */
  readonly written: boolean
  /** The gate after this sync's env-wide values; off clears every synced row. */
  readonly scoped_enabled: boolean
  readonly environment_id: string
  readonly changes: readonly SyncChange[]
  readonly summary: SyncSummary
  readonly warnings: readonly string[]
}

export interface SyncInput {
  readonly source: FlagSource
  readonly build: BuildInfo
  readonly keyMap?: ReadonlyMap<string, string>
  readonly dryRun?: boolean
  readonly registry?: readonly ParameterDef[]
  readonly nowMs?: number
}

const EMPTY: ReadonlyMap<string, string> = new Map()

/** Evaluate, diff, and (unless a dry run or nothing changed) write in one transaction. */
export async function syncFlags(db: Db, input: SyncInput): Promise<SyncResult> {
  const state = await readFlagState(db)
  if (state.environmentId === null) {
    throw new CatalogError('the catalog has no environment id', {
      code: 'NO_ENVIRONMENT_ID',
      hint: 'set one with `mzcluster catalog init --environment-id ID`',
    })
  }
  const environmentId = parseEnvironmentId(state.environmentId)
  const warnings: string[] = []
  const {evaluable, skipped} = partitionReplicas(state, warnings)
  const evaluation = await evaluateScoped({
    source: input.source,
    environmentId,
    build: input.build,
    environment: state.environment,
    clusters: state.clusters.map(clusterRef),
    replicas: evaluable,
    keyMap: input.keyMap,
    registry: input.registry,
    onWarning: (message) => warnings.push(message),
  })
  const plan = planSync(state, evaluation, {skippedReplicas: skipped, registry: input.registry})
  warnings.push(...plan.warnings)
  const dryRun = input.dryRun ?? false
  const written = !dryRun && plan.changes.length > 0
  if (written) await applySyncPlan(db, plan, input.nowMs ?? Date.now())
  return {
    dry_run: dryRun,
    written,
    scoped_enabled: evaluation.scopedEnabled,
    environment_id: state.environmentId,
    changes: plan.changes,
    summary: summarize(plan.changes),
    warnings,
  }
}

/**
 * Managed replicas are evaluated. Unmanaged ones (no size) are not, but stay in the prune scope.
 * A replica whose size the size map does not know cannot get a complete context: it is skipped
 * with a warning and its stored rows are kept (no information is not "no override").
 */
function partitionReplicas(
  state: FlagState,
  warnings: string[],
): {evaluable: ReplicaRef[]; skipped: Set<string>} {
  const evaluable: ReplicaRef[] = []
  const skipped = new Set<string>()
  for (const replica of state.replicas) {
    const ref = replicaRef(replica)
    if (ref) evaluable.push(ref)
    else if (replica.size !== null) {
      skipped.add(replica.id)
      warnings.push(
        `skipping replica ${formatReplicaRef(replica.clusterName, replica.name)} (${replica.id}): size ${JSON.stringify(replica.size)} is not in the size map`,
      )
    }
  }
  return {evaluable, skipped}
}

export interface PlanOptions {
  /** Replicas that were not evaluated for lack of information: their rows are left alone. */
  readonly skippedReplicas?: ReadonlySet<string>
  readonly registry?: readonly ParameterDef[]
}

/** The diff between the cache and this evaluation (pure). */
export function planSync(
  state: FlagState,
  evaluation: ScopedEvaluation,
  options: PlanOptions = {},
): SyncPlan {
  const changes: SyncChange[] = []
  const warnings: string[] = []
  const environment = planEnvironment(state, evaluation, options.registry ?? REGISTRY, changes, warnings)
  const desired: ScopedDesiredState = evaluation.scopedEnabled
    ? evaluation.desired
    : {cluster: new Map(), replica: new Map()}
  // Gate off: an empty desired state with an unbounded prune scope (every row goes, skipped or not).
  const skipped = evaluation.scopedEnabled
    ? (options.skippedReplicas ?? new Set<string>())
    : new Set<string>()
  const reason = evaluation.scopedEnabled ? null : ('scoped-disabled' as const)
  const objects = new Map<string, ObjectInfo>()
  const cluster: RowWrite[] = []
  const replica: RowWrite[] = []

  const diffObject = (
    scope: 'cluster' | 'replica',
    id: string,
    objectName: string,
    stored: ReadonlyMap<string, string>,
    writes: RowWrite[],
    inPruneScope: boolean,
  ) => {
    const want = desired[scope].get(id) ?? EMPTY
    const names = [...new Set([...stored.keys(), ...want.keys()])].sort()
    for (const name of names) {
      const from = stored.get(name) ?? null
      const to = want.get(name) ?? null
      if (from === to || (to === null && !inPruneScope)) continue
      writes.push({objectId: id, name, value: to})
      const op: ChangeOp = from === null ? 'add' : to === null ? 'remove' : 'update'
      changes.push({
        scope,
        object_id: id,
        object_name: objectName,
        name,
        op,
        from,
        to,
        reason: op === 'remove' ? reason : null,
      })
    }
  }
  for (const c of state.clusters) {
    objects.set(c.id, {cluster_id: c.id, cluster_name: c.name})
    diffObject('cluster', c.id, c.name, c.synced, cluster, true)
  }
  for (const r of state.replicas) {
    objects.set(r.id, {
      cluster_id: r.clusterId,
      cluster_name: r.clusterName,
      replica_id: r.id,
      replica_name: r.name,
    })
    diffObject(
      'replica',
      r.id,
      formatReplicaRef(r.clusterName, r.name),
      r.synced,
      replica,
      !skipped.has(r.id),
    )
  }
  // Lazy GC: rows of objects that no longer exist (ids are never reused, so they are inert).
  for (const orphan of state.orphans) {
    ;(orphan.scope === 'cluster' ? cluster : replica).push({
      objectId: orphan.objectId,
      name: orphan.name,
      value: null,
    })
    changes.push({
      scope: orphan.scope,
      object_id: orphan.objectId,
      object_name: null,
      name: orphan.name,
      op: 'remove',
      from: orphan.value,
      to: null,
      reason: 'object-dropped',
    })
  }
  const order: Record<ParameterScope, number> = {environment: 0, cluster: 1, replica: 2}
  changes.sort((a, b) => order[a.scope] - order[b.scope]) // stable: object order within a scope holds
  return {changes, environment, cluster, replica, objects, warnings}
}

/**
 * Env-wide pass (§4 `modify`): the served value replaces the current one when it differs
 * canonically; a value equal to the default resets (the row goes); an unparseable value is a
 * warning and changes nothing.
 */
function planEnvironment(
  state: FlagState,
  evaluation: ScopedEvaluation,
  registry: readonly ParameterDef[],
  changes: SyncChange[],
  warnings: string[],
): Map<string, string | null> {
  const writes = new Map<string, string | null>()
  for (const def of syncedParameters(registry)) {
    const served = evaluation.environment.get(def.name)
    if (served === undefined) continue
    const parsed = def.parse(served)
    if (!parsed.ok) {
      warnings.push(
        `cannot modify system parameter ${def.name}: served value ${JSON.stringify(served)} does not parse (${parsed.error}); unchanged`,
      )
      continue
    }
    const to = def.format(parsed.value)
    const from = resolveParameter(def, {environment: state.environment.get(def.name)}).value
    if (to === from) continue
    writes.set(def.name, to === formatDefault(def) ? null : to)
    changes.push({
      scope: 'environment',
      object_id: null,
      object_name: null,
      name: def.name,
      op: 'update',
      from,
      to,
      reason: null,
    })
  }
  return writes
}

export function summarize(changes: readonly SyncChange[]): SyncSummary {
  const count = (predicate: (change: SyncChange) => boolean) => changes.filter(predicate).length
  return {
    environment: count((c) => c.scope === 'environment'),
    added: count((c) => c.scope !== 'environment' && c.op === 'add'),
    updated: count((c) => c.scope !== 'environment' && c.op === 'update'),
    removed: count((c) => c.scope !== 'environment' && c.op === 'remove'),
  }
}

/** Audit events per statement: 4 parameters each, under PostgreSQL's 65,535 bind parameters. */
const AUDIT_CHUNK = 10_000

/** Write a plan in one transaction: at most six row statements, the audit events and one notification. */
export async function applySyncPlan(db: Db, plan: SyncPlan, nowMs: number): Promise<void> {
  await db.transaction(async (tx) => {
    await writeSystemParameterValues(tx, plan.environment, nowMs)
    await writeSyncedOverrides(tx, 'cluster', plan.cluster)
    await writeSyncedOverrides(tx, 'replica', plan.replica)
    const events = plan.changes.map((change) => auditEvent(change, plan))
    for (let i = 0; i < events.length; i += AUDIT_CHUNK)
      await appendAudit(tx, events.slice(i, i + AUDIT_CHUNK), nowMs)
    await notifyCatalogChange(tx, 'system-parameters:sync')
  })
}

function auditEvent(change: SyncChange, plan: SyncPlan): AuditEvent {
  const stored = change.scope === 'environment' ? (plan.environment.get(change.name) ?? null) : change.to
  const subject =
    change.object_id === null ? {} : {object_id: change.object_id, ...plan.objects.get(change.object_id)}
  return {
    eventType: 'alter',
    objectType: 'system-parameter',
    details: {
      name: change.name,
      value: stored,
      previous: change.from,
      scope: change.scope,
      ...subject,
      source: 'sync',
      ...(change.reason === null ? {} : {reason: change.reason}),
    },
  }
}
