// The one resolver of parameter values (product.md §7): default < environment value < manual pin
// < synced override, reporting the winning layer and every layer's value. Environment-wide reads
// (`SystemParameters`, the flags sync's current values) and scoped ones (`flags dump`, `flags
// inspect`) all resolve here. Pure.

import {REGISTRY, formatDefault, type ParameterDef, type ParameterScope} from './registry.js'
import {canonicalize} from './values.js'

export type Layer = 'default' | 'environment' | 'manual' | 'synced'
export type StoredLayer = Exclude<Layer, 'default'>

/** Canonical value of each layer that holds a valid value. */
export interface LayerValues {
  readonly default: string
  readonly environment?: string
  readonly manual?: string
  readonly synced?: string
}

export interface ResolvedParameter {
  readonly name: string
  readonly scope: ParameterScope
  /** Effective value, canonical spelling. */
  readonly value: string
  readonly layer: Layer
  readonly layers: LayerValues
  /** Stored raw values that did not parse and were skipped (should never happen). */
  readonly rejected: Readonly<Partial<Record<StoredLayer, string>>>
}

/** Raw stored values of one parameter for one object. */
export type StoredValues = Readonly<Partial<Record<StoredLayer, string>>>

const STORED_LAYERS: readonly StoredLayer[] = ['environment', 'manual', 'synced']

/** Resolve one parameter; an invalid stored value falls through to the next-lower layer. */
export function resolveParameter(def: ParameterDef, stored: StoredValues): ResolvedParameter {
  const layers: {-readonly [L in keyof LayerValues]: LayerValues[L]} = {default: formatDefault(def)}
  const rejected: Partial<Record<StoredLayer, string>> = {}
  let layer: Layer = 'default'
  for (const name of STORED_LAYERS) {
    const raw = stored[name]
    if (raw === undefined) continue
    const canonical = canonicalize(def, raw)
    if (canonical === null) {
      rejected[name] = raw
      continue
    }
    layers[name] = canonical
    layer = name
  }
  return {name: def.name, scope: def.scope, value: layers[layer] ?? layers.default, layer, layers, rejected}
}

/** A parameter's typed environment-wide value: the stored raw value if it parses, else the default. */
export function environmentValue<V>(def: ParameterDef, raw: string | undefined): V {
  if (raw !== undefined) {
    const parsed = def.parse(raw)
    if (parsed.ok) return parsed.value as V
  }
  return def.default as V
}

export interface ResolveInput {
  /** The kind of object being resolved: `environment` resolves every parameter env-wide. */
  readonly target: ParameterScope
  /** Stored environment-wide values (`system_parameters`), raw. */
  readonly environment: ReadonlyMap<string, string>
  /** The object's manual pins (absent for the environment target). */
  readonly manual?: ReadonlyMap<string, string>
  /** The object's synced overrides (absent for the environment target). */
  readonly synced?: ReadonlyMap<string, string>
  readonly registry?: readonly ParameterDef[]
}

/** Every parameter applicable to the target, in registry order. */
export function resolveParameters(input: ResolveInput): ResolvedParameter[] {
  const registry = input.registry ?? REGISTRY
  const applicable =
    input.target === 'environment' ? registry : registry.filter((d) => d.scope === input.target)
  return applicable.map((def) =>
    resolveParameter(def, {
      environment: input.environment.get(def.name),
      manual: input.manual?.get(def.name),
      synced: input.synced?.get(def.name),
    }),
  )
}
