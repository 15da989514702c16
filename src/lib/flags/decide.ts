// The value-difference rule (flags-spec §7.1): a scoped evaluation becomes an override row only if
// its canonical form differs from the environment-wide value; the row keeps the raw spelling that
// was served. Also renders LaunchDarkly values to raw strings (§4). Pure.

import {canonicalize, formatDecimal, type Codec} from '../parameters/values.js'

/** Sparse desired state: object id → parameter → raw override; objects without overrides are absent. */
export interface ScopedDesiredState {
  readonly cluster: Map<string, Map<string, string>>
  readonly replica: Map<string, Map<string, string>>
}

export type OverrideDecision =
  | {readonly kind: 'override'; readonly raw: string}
  | {readonly kind: 'matches-environment'}
  | {readonly kind: 'unparseable'}

/**
 * Decide whether `servedRaw` is an override of `param` against the env-wide value. Unparseable
 * values are never stored (they would break every consumer); the reason (`RULE_MATCH`, ...) plays no
 * part — only the value does. `envWideFormatted` is canonicalized too, so `true` and `on` agree.
 */
export function decideOverride<V>(
  param: Codec<V>,
  servedRaw: string,
  envWideFormatted: string,
): OverrideDecision {
  const served = canonicalize(param, servedRaw)
  if (served === null) return {kind: 'unparseable'}
  const base = canonicalize(param, envWideFormatted) ?? envWideFormatted
  return served === base ? {kind: 'matches-environment'} : {kind: 'override', raw: servedRaw}
}

/**
 * A LaunchDarkly (JSON) value as a raw parameter string: booleans `true`/`false`, strings as they
 * are, numbers as plain decimals (never exponent notation), objects and arrays (and null) as JSON.
 */
export function renderLdValue(value: unknown): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'string':
      return value
    case 'number':
      return formatDecimal(value)
    default:
      return JSON.stringify(value) ?? 'null'
  }
}
