// One LaunchDarkly evaluation pass over the environment (flags-spec §4, §6, §7): env-wide values,
// then the cluster pass and the replica pass, each deciding overrides with the value-difference
// rule. Returns the sparse desired state; writing it is the caller's job. Also the key map.

import type {LDContext} from '@launchdarkly/node-server-sdk'

import {
  clusterContext,
  environmentContext,
  replicaContext,
  type BuildInfo,
  type ClusterRef,
  type EnvironmentId,
  type ReplicaRef,
} from './contexts.js'
import {decideOverride, renderLdValue, type OverrideDecision, type ScopedDesiredState} from './decide.js'
import {ContextError, KeyMapError} from './errors.js'
import type {FlagDetail, FlagSource} from './flag-source.js'
import {REGISTRY, getParameter, syncedParameters, type ParameterDef, type ParameterScope} from '../parameters/registry.js'
import {resolveParameter} from '../parameters/resolve.js'
import {canonicalize} from '../parameters/values.js'

export {
  openFlagSource,
  FlagSet,
  type FlagDetail,
  type FlagSource,
  type FlagSourceOptions,
} from './flag-source.js'

const FLAG_KEY = /^[A-Za-z0-9._-]+$/

/**
 * Parse `param=flag;param2=flag2` (one string or several, as a repeatable CLI option gives them).
 * Parameters without an entry use their own name as the flag key. With a registry, names must be
 * synced parameters. Throws {@link KeyMapError}.
 */
export function parseKeyMap(
  spec: string | readonly string[],
  registry?: readonly ParameterDef[],
): Map<string, string> {
  const synced = registry && new Set(syncedParameters(registry).map((def) => def.name))
  const keyMap = new Map<string, string>()
  for (const entry of (typeof spec === 'string' ? [spec] : spec).flatMap((s) => s.split(';'))) {
    if (entry.trim() === '') continue
    const eq = entry.indexOf('=')
    const name = entry.slice(0, eq).trim()
    const flagKey = entry.slice(eq + 1).trim()
    if (eq < 0 || name === '' || flagKey === '')
      throw new KeyMapError(`expected PARAMETER=FLAG_KEY, got ${JSON.stringify(entry)}`)
    if (!FLAG_KEY.test(flagKey))
      throw new KeyMapError(`${JSON.stringify(flagKey)} is not a LaunchDarkly flag key`)
    if (synced && !synced.has(name))
      throw new KeyMapError(`${JSON.stringify(name)} is not a synced parameter`)
    const previous = keyMap.get(name)
    if (previous !== undefined && previous !== flagKey) {
      throw new KeyMapError(`${name} is mapped twice (${previous} and ${flagKey})`)
    }
    keyMap.set(name, flagKey)
  }
  return keyMap
}

export const flagKeyFor = (name: string, keyMap: ReadonlyMap<string, string> | undefined): string =>
  keyMap?.get(name) ?? name

export interface EvaluationRecord {
  readonly scope: ParameterScope
  /** The cluster or replica id; null for the env-wide pass. */
  readonly objectId: string | null
  readonly name: string
  readonly flagKey: string
  /** The default passed to LaunchDarkly: the current env-wide formatted value. */
  readonly defaultValue: string
  /** The served value as a raw string. */
  readonly served: string
  readonly detail: FlagDetail
  /** The value-difference decision; null in the env-wide pass. */
  readonly decision: OverrideDecision | null
}

export interface ScopedEvaluationInput {
  readonly source: FlagSource
  readonly environmentId: EnvironmentId
  readonly build: BuildInfo
  /** Stored env-wide values (`system_parameters`, raw); absent parameters are at their default. */
  readonly environment: ReadonlyMap<string, string>
  readonly clusters: readonly ClusterRef[]
  /** Managed replicas only: unmanaged replicas have no size and are not evaluated. */
  readonly replicas: readonly ReplicaRef[]
  readonly keyMap?: ReadonlyMap<string, string>
  readonly registry?: readonly ParameterDef[]
  /** Keep one {@link EvaluationRecord} per evaluation (for `flags inspect`); off for sync. */
  readonly withDetails?: boolean
  /** An object whose context cannot be built is skipped with a warning. */
  readonly onWarning?: (message: string) => void
}

export interface ScopedEvaluation {
  /** Raw value LaunchDarkly served for the env-wide context, per synced parameter. */
  readonly environment: Map<string, string>
  /** `enable_scoped_system_parameters` after this pass's env-wide values; off: no scoped passes ran. */
  readonly scopedEnabled: boolean
  readonly desired: ScopedDesiredState
  readonly evaluations: readonly EvaluationRecord[]
}

const GATE = 'enable_scoped_system_parameters'

/** Evaluate the env-wide pass, then (gate on) the cluster and replica passes. */
export async function evaluateScoped(input: ScopedEvaluationInput): Promise<ScopedEvaluation> {
  const synced = syncedParameters(input.registry ?? REGISTRY)
  const evaluations: EvaluationRecord[] = []
  const record = (rec: EvaluationRecord) => {
    if (input.withDetails) evaluations.push(rec)
  }

  // Env-wide pass. The base of the scoped passes is the env-wide value after this pull: what was
  // served if it parses, else the current value (a parse error leaves the value unchanged).
  const environment = new Map<string, string>()
  const base = new Map<string, string>()
  const envFlags = await input.source.allFlags(environmentContext(input.environmentId, input.build))
  for (const def of synced) {
    const current = resolveParameter(def, {environment: input.environment.get(def.name)}).value
    const flagKey = flagKeyFor(def.name, input.keyMap)
    const detail = envFlags.detail(flagKey, current)
    const served = renderLdValue(detail.value)
    environment.set(def.name, served)
    base.set(def.name, canonicalize(def, served) ?? current)
    record({
      scope: 'environment',
      objectId: null,
      name: def.name,
      flagKey,
      defaultValue: current,
      served,
      detail,
      decision: null,
    })
  }

  const desired: ScopedDesiredState = {cluster: new Map(), replica: new Map()}
  const scopedEnabled = gateIsOn(input.environment, environment)
  if (!scopedEnabled) return {environment, scopedEnabled, desired, evaluations}

  const pass = async <O extends {id: string}>(
    scope: 'cluster' | 'replica',
    objects: readonly O[],
    contextOf: (object: O) => LDContext,
  ) => {
    const params = synced.filter((def) => def.scope === scope)
    if (params.length === 0) return // no parameter of this scope: no contexts at all
    for (const object of objects) {
      let context: LDContext
      try {
        context = contextOf(object)
      } catch (error) {
        if (!(error instanceof ContextError)) throw error
        input.onWarning?.(`skipping ${scope} ${object.id}: ${error.message}`)
        continue
      }
      const flags = await input.source.allFlags(context)
      const overrides = new Map<string, string>()
      for (const def of params) {
        const defaultValue = base.get(def.name) ?? resolveParameter(def, {}).value
        const flagKey = flagKeyFor(def.name, input.keyMap)
        const detail = flags.detail(flagKey, defaultValue)
        const served = renderLdValue(detail.value)
        const decision = decideOverride(def, served, defaultValue)
        if (decision.kind === 'override') overrides.set(def.name, decision.raw)
        record({scope, objectId: object.id, name: def.name, flagKey, defaultValue, served, detail, decision})
      }
      if (overrides.size > 0) desired[scope].set(object.id, overrides)
    }
  }
  await pass('cluster', input.clusters, (c) => clusterContext(input.environmentId, input.build, c))
  await pass('replica', input.replicas, (r) => replicaContext(input.environmentId, input.build, r))
  return {environment, scopedEnabled, desired, evaluations}
}

/** The gate as the sync loop sees it: served env-wide value if it parses, else stored, else default. */
function gateIsOn(stored: ReadonlyMap<string, string>, served: ReadonlyMap<string, string>): boolean {
  const def = getParameter(GATE)
  if (!def) return true
  const fromServed = served.get(GATE)
  const raw = fromServed !== undefined && def.parse(fromServed).ok ? fromServed : stored.get(GATE)
  return resolveParameter(def, {environment: raw}).value === def.format(true)
}
