// The resolver of the flags area (product.md §7: dump, inspect, explain, evaluation, sync): default <
// environment value < manual pin < synced override, reporting the winning layer and every layer's
// value. The controller and the cluster commands read environment-wide values through
// catalog/parameters.ts instead. Also the optimizer's feature fold of flags-spec §8.1 with its
// lenient boolean decode. Pure.

import {REGISTRY, formatDefault, type ParameterDef, type ParameterScope} from './registry.js'
import {boolType, canonicalize, decodeLenientBool} from './values.js'

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

/** Optimizer features are the cluster-coherent boolean parameters. */
export function isOptimizerFeature(def: ParameterDef): boolean {
  return def.scope === 'cluster' && def.type.name === boolType.name
}

export interface OptimizerFeaturesInput {
  /** Stored environment-wide values (`system_parameters`), raw. */
  readonly environment: ReadonlyMap<string, string>
  /** The cluster's manual `FEATURES` pins. */
  readonly features?: ReadonlyMap<string, string>
  /** The cluster's synced overrides. */
  readonly synced?: ReadonlyMap<string, string>
  readonly registry?: readonly ParameterDef[]
}

export interface OptimizerFeatures {
  readonly values: ReadonlyMap<string, boolean>
  /** One line per stored value the lenient decode could not read (it then counts as false). */
  readonly softErrors: readonly string[]
}

/**
 * Flags-spec §8.1: system-config features, then the cluster's `FEATURES`, then its synced
 * overrides. Entries that are not optimizer features are ignored; pins and overrides use the
 * lenient decode, and an undecodable one yields false with a soft error, as upstream does.
 */
export function optimizerFeatures(input: OptimizerFeaturesInput): OptimizerFeatures {
  const features = (input.registry ?? REGISTRY).filter(isOptimizerFeature)
  const values = new Map<string, boolean>()
  const softErrors: string[] = []
  for (const def of features) {
    const envWide = resolveParameter(def, {environment: input.environment.get(def.name)})
    let value = envWide.value === boolType.format(true)
    for (const [source, stored] of [
      ['FEATURES', input.features],
      ['synced override', input.synced],
    ] as const) {
      const raw = stored?.get(def.name)
      if (raw === undefined) continue
      const decoded = decodeLenientBool(raw)
      if (decoded === null)
        softErrors.push(`${source} value ${JSON.stringify(raw)} of ${def.name} is not a boolean; using false`)
      value = decoded ?? false
    }
    values.set(def.name, value)
  }
  return {values, softErrors}
}
