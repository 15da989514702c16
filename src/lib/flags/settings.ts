// `flags set` and `flags unset`: environment-wide values (`system_parameters`) and manual pins —
// cluster-scoped parameters on a cluster (`clusters.features`, the seed's CREATE CLUSTER … FEATURES),
// replica-scoped ones on a replica (`replica_parameter_pins`). Everything is validated before the
// one transaction; a refusal writes nothing. Values are stored in their canonical spelling.

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {Db, Queryable} from '../catalog/db.js'
import {readReplicaPins, writeClusterFeatures, writeReplicaPins} from '../catalog/flags.js'
import {findCluster, findReplica} from '../catalog/lookup.js'
import {readSystemParameterValues, writeSystemParameterValues} from '../catalog/parameters.js'
import type {WriteStep} from '../catalog/write-step.js'
import {runWrite} from '../catalog/write-step.js'
import {UsageError} from '../errors.js'
import {parseKeyValue, validateName, type ReplicaRef as ReplicaName} from '../input/names.js'
import {getParameter, type ParameterDef, type ParameterScope} from '../parameters/registry.js'
import {formatReplicaRef} from './store.js'

/** Where a value goes: environment-wide, a manual pin on a cluster, or on a replica. */
export type SettingTarget =
  | {readonly kind: 'environment'}
  | {readonly kind: 'cluster'; readonly cluster: string}
  | {readonly kind: 'replica'; readonly replica: ReplicaName}

/** One parameter's outcome (the `--json` shape of `flags set`/`flags unset`). */
export interface SettingChange {
  readonly scope: ParameterScope
  readonly object_id: string | null
  readonly object_name: string | null
  readonly name: string
  /** The stored value after the command (canonical); null once unset. */
  readonly value: string | null
  /** The stored value before (raw as it was stored); null when it was not set. */
  readonly previous: string | null
  readonly changed: boolean
}

const FLAG_OF: Record<ParameterScope, string> = {
  environment: 'no --cluster/--replica (environment-wide)',
  cluster: '--cluster CLUSTER',
  replica: '--replica CLUSTER.REPLICA',
}

/** Refuse a parameter whose scope does not fit the target, naming its scope and the right flag. */
export function checkScope(def: ParameterDef, target: SettingTarget): void {
  if (target.kind === 'environment' || def.scope === target.kind) return
  const where = target.kind === 'cluster' ? 'on a cluster' : 'on a replica'
  const why = def.scope === 'cluster' ? ' (cluster-coherent: the same on every replica of a cluster)' : ''
  throw new UsageError(
    `${def.name} is ${def.scope}-scoped${why} and cannot be pinned ${where}: use ${FLAG_OF[def.scope]}`,
    {
      code: 'WRONG_SCOPE',
      hint: `list ${def.scope}-scoped parameters with \`mzcluster flags params --scope ${def.scope}\``,
    },
  )
}

/** A registry parameter by name, or a usage error pointing at `flags params`. */
export function requireParameter(name: string): ParameterDef {
  const def = getParameter(name)
  if (!def) {
    throw new UsageError(`unknown parameter ${JSON.stringify(name)}`, {
      code: 'UNKNOWN_PARAMETER',
      hint: 'list parameters with `mzcluster flags params`',
    })
  }
  return def
}

export interface ParsedSetting {
  readonly def: ParameterDef
  /** Canonical spelling of the value, as stored. */
  readonly value: string
}

/** Validate `NAME=VALUE` items against the registry and the target (pure; nothing read). */
export function parseSettings(items: readonly string[], target: SettingTarget): ParsedSetting[] {
  if (items.length === 0) throw new UsageError('give at least one NAME=VALUE', {code: 'INVALID_USAGE'})
  const seen = new Set<string>()
  return items.map((item) => {
    const {name, value} = parseKeyValue(item)
    const def = requireParameter(name)
    checkScope(def, target)
    const parsed = def.parse(value)
    if (!parsed.ok) {
      throw new UsageError(`invalid value ${JSON.stringify(value)} for ${name}: ${parsed.error}`, {
        code: 'INVALID_PARAMETER_VALUE',
        hint: `${name} is ${withArticle(def.type.name)} (default ${def.format(def.default)})`,
      })
    }
    if (seen.has(name)) throw new UsageError(`${name} is given twice`, {code: 'INVALID_USAGE'})
    seen.add(name)
    return {def, value: def.format(parsed.value)}
  })
}

/** `an integer`, `a duration`. */
const withArticle = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`

/** Validate parameter names for `unset` (registry and scope). */
export function parseUnsetNames(names: readonly string[], target: SettingTarget): ParameterDef[] {
  if (names.length === 0) throw new UsageError('give at least one parameter name', {code: 'INVALID_USAGE'})
  const unique = [...new Set(names.map((name) => validateName('parameter', name)))]
  return unique.map((name) => {
    const def = requireParameter(name)
    checkScope(def, target)
    return def
  })
}

/** The resolved target inside the transaction, with its current stored values. */
export interface Resolved {
  readonly scope: ParameterScope
  readonly objectId: string | null
  readonly objectName: string | null
  readonly audit: Record<string, unknown>
  readonly current: ReadonlyMap<string, string>
  write(tx: Queryable, values: ReadonlyMap<string, string | null>, nowMs: number): Promise<void>
}

async function resolveTarget(tx: Queryable, target: SettingTarget, lock: boolean): Promise<Resolved> {
  if (target.kind === 'environment') {
    return {
      scope: 'environment',
      objectId: null,
      objectName: null,
      audit: {},
      current: await readSystemParameterValues(tx),
      write: (q, values, nowMs) => writeSystemParameterValues(q, values, nowMs),
    }
  }
  if (target.kind === 'cluster') {
    const cluster = await findCluster(tx, target.cluster, {forUpdate: lock})
    const features: Record<string, unknown> = {...(cluster.features ?? {})}
    const current = new Map(
      Object.entries(features).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    )
    return {
      scope: 'cluster',
      objectId: cluster.id,
      objectName: cluster.name,
      audit: {object_id: cluster.id, cluster_id: cluster.id, cluster_name: cluster.name},
      current,
      async write(q, values) {
        for (const [name, value] of values) {
          if (value === null) delete features[name]
          else features[name] = value
        }
        await writeClusterFeatures(q, cluster.id, features)
      },
    }
  }
  const {cluster, replica} = await findReplica(tx, target.replica.cluster, target.replica.replica)
  return {
    scope: 'replica',
    objectId: replica.id,
    objectName: formatReplicaRef(cluster.name, replica.name),
    audit: {
      object_id: replica.id,
      cluster_id: cluster.id,
      cluster_name: cluster.name,
      replica_id: replica.id,
      replica_name: replica.name,
    },
    current: await readReplicaPins(tx, replica.id),
    write: (q, values) => writeReplicaPins(q, replica.id, values),
  }
}

/** What a set or unset will do: every parameter's outcome, and the values to write. */
export interface SettingsPlan {
  readonly changes: readonly SettingChange[]
  readonly resolved: Resolved
  readonly writes: ReadonlyMap<string, string | null>
}

/**
 * Apply `values` (name → canonical value, or null to remove) to the target in one transaction with
 * one audit event per changed parameter and a change notification (a running controller re-reads
 * its parameters at once). Unchanged parameters are reported with `changed: false` and not written.
 */
function settingsStep(
  target: SettingTarget,
  values: ReadonlyMap<string, string | null>,
  source: 'set' | 'unset',
  nowMs: number,
): WriteStep<SettingsPlan, SettingChange[]> {
  return {
    async prepare(tx, {lock}) {
      const resolved = await resolveTarget(tx, target, lock)
      const changes: SettingChange[] = []
      const writes = new Map<string, string | null>()
      for (const [name, value] of values) {
        const previous = resolved.current.get(name) ?? null
        const changed = previous !== value
        if (changed) writes.set(name, value)
        changes.push({
          scope: resolved.scope,
          object_id: resolved.objectId,
          object_name: resolved.objectName,
          name,
          value,
          previous,
          changed,
        })
      }
      return {changes, resolved, writes}
    },
    async apply(tx, {changes, resolved, writes}) {
      if (writes.size === 0) return [...changes]
      await resolved.write(tx, writes, nowMs)
      await appendAudit(
        tx,
        changes
          .filter((change) => change.changed)
          .map((change) => ({
            eventType: 'alter' as const,
            objectType: 'system-parameter' as const,
            details: {
              name: change.name,
              value: change.value,
              previous: change.previous,
              scope: change.scope,
              ...resolved.audit,
              source,
            },
          })),
        nowMs,
      )
      await notifyCatalogChange(tx, `system-parameters:${source}`)
      return [...changes]
    },
  }
}

/** `flags set NAME=VALUE…` as a write step: everything validated before the catalog is read. */
export function setParametersStep(
  target: SettingTarget,
  items: readonly string[],
  nowMs = Date.now(),
): WriteStep<SettingsPlan, SettingChange[]> {
  const settings = parseSettings(items, target)
  return settingsStep(target, new Map(settings.map((s) => [s.def.name, s.value])), 'set', nowMs)
}

/** `flags unset NAME…` as a write step. */
export function unsetParametersStep(
  target: SettingTarget,
  names: readonly string[],
  nowMs = Date.now(),
): WriteStep<SettingsPlan, SettingChange[]> {
  const defs = parseUnsetNames(names, target)
  return settingsStep(target, new Map(defs.map((def) => [def.name, null])), 'unset', nowMs)
}

/** `flags set NAME=VALUE…`: validate everything, then write the changed values in one transaction. */
export async function setParameters(
  db: Db,
  target: SettingTarget,
  items: readonly string[],
  nowMs = Date.now(),
): Promise<SettingChange[]> {
  return runWrite(db, setParametersStep(target, items, nowMs))
}

/** `flags unset NAME…`: remove what is set; a name that is not set is reported unchanged. */
export async function unsetParameters(
  db: Db,
  target: SettingTarget,
  names: readonly string[],
  nowMs = Date.now(),
): Promise<SettingChange[]> {
  return runWrite(db, unsetParametersStep(target, names, nowMs))
}
