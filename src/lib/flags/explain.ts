// The LaunchDarkly evaluation detail of one parameter for one object, as `flags sync` would compute
// it: the env-wide evaluation (default = the current env-wide value) and, for a cluster or replica,
// the scoped evaluation (default = the env-wide value after that pull) with the value-difference
// decision. For `flags inspect`; the reason is shown, never used to decide (flags-spec §7).

import {
  clusterContext,
  environmentContext,
  replicaContext,
  type BuildInfo,
  type ClusterRef,
  type EnvironmentId,
  type ReplicaRef,
} from './contexts.js'
import {decideOverride, renderLdValue, type OverrideDecision} from './decide.js'
import {flagKeyFor} from './evaluate.js'
import type {FlagDetail, FlagSource} from './flag-source.js'
import type {ParameterDef} from '../parameters/registry.js'
import {resolveParameter} from '../parameters/resolve.js'
import {canonicalize} from '../parameters/values.js'

export type InspectedObject =
  | {readonly kind: 'environment'}
  | {readonly kind: 'cluster'; readonly cluster: ClusterRef}
  | {readonly kind: 'replica'; readonly replica: ReplicaRef}

export interface EvaluationStep {
  readonly context: 'environment' | 'cluster' | 'replica'
  /** The default handed to LaunchDarkly (a formatted value). */
  readonly default: string
  /** The served value as a raw string. */
  readonly value: string
  readonly variation_index: number | null
  readonly reason_kind: string
  readonly rule_index: number | null
  readonly rule_id: string | null
  readonly error_kind: string | null
}

export interface Explanation {
  readonly flag_key: string
  readonly environment: EvaluationStep
  /** The env-wide value the scoped pass compares against (canonical). */
  readonly environment_value: string
  /** Absent for the environment itself, and for a replica without a size (never evaluated). */
  readonly scoped?: EvaluationStep & {readonly decision: OverrideDecision['kind']}
}

export interface ExplainInput {
  readonly source: FlagSource
  readonly environmentId: EnvironmentId
  readonly build: BuildInfo
  /** Stored env-wide values, raw. */
  readonly environment: ReadonlyMap<string, string>
  readonly object: InspectedObject
  readonly def: ParameterDef
  readonly keyMap?: ReadonlyMap<string, string>
}

function step(context: EvaluationStep['context'], defaultValue: string, detail: FlagDetail): EvaluationStep {
  const reason = detail.reason as {kind: string; ruleIndex?: number; ruleId?: string; errorKind?: string}
  return {
    context,
    default: defaultValue,
    value: renderLdValue(detail.value),
    variation_index: detail.variationIndex,
    reason_kind: reason.kind,
    rule_index: reason.ruleIndex ?? null,
    rule_id: reason.ruleId ?? null,
    error_kind: reason.errorKind ?? null,
  }
}

export async function explainParameter(input: ExplainInput): Promise<Explanation> {
  const {def, source} = input
  const flagKey = flagKeyFor(def.name, input.keyMap)
  const current = resolveParameter(def, {environment: input.environment.get(def.name)}).value
  const envDetail = await source.variationDetail(
    flagKey,
    environmentContext(input.environmentId, input.build),
    current,
  )
  const environment = step('environment', current, envDetail)
  const base = canonicalize(def, environment.value) ?? current
  const object = input.object
  if (object.kind === 'environment') return {flag_key: flagKey, environment, environment_value: base}
  const context =
    object.kind === 'cluster'
      ? clusterContext(input.environmentId, input.build, object.cluster)
      : replicaContext(input.environmentId, input.build, object.replica)
  const scoped = step(object.kind, base, await source.variationDetail(flagKey, context, base))
  const decision = decideOverride(def, scoped.value, base).kind
  return {flag_key: flagKey, environment, environment_value: base, scoped: {...scoped, decision}}
}

/** `true — variation 1, RULE_MATCH (rule 0, catalog-server)` */
export function describeStep(evaluation: EvaluationStep): string {
  const variation =
    evaluation.variation_index === null ? 'no variation' : `variation ${evaluation.variation_index}`
  const details = [
    evaluation.rule_index === null ? null : `rule ${evaluation.rule_index}`,
    evaluation.rule_id,
    evaluation.error_kind,
  ].filter((part): part is string => part !== null && part !== '')
  const reason =
    details.length > 0 ? `${evaluation.reason_kind} (${details.join(', ')})` : evaluation.reason_kind
  return `${evaluation.value} — ${variation}, ${reason}`
}

export const DECISIONS: Record<OverrideDecision['kind'], string> = {
  override: 'override: differs from the environment-wide value, so sync stores it',
  'matches-environment': 'no override: equals the environment-wide value, so sync stores nothing',
  unparseable: 'no override: the served value does not parse, so sync drops it',
}
