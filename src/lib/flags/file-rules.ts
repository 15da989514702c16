// The segments/rules file (flags-spec §17, shape 3): the self-managed stand-in for LaunchDarkly.
// Parses file content (never a path) into env-wide values, segments and ordered rules, diagnoses
// what it ignores, and evaluates the sparse scoped desired state: per object and parameter the
// first matching rule that names the parameter decides, then the value-difference rule applies.

import {clusterAttributes, replicaAttributes, type ClusterRef, type ReplicaRef} from './contexts.js'
import {decideOverride, renderLdValue, type ScopedDesiredState} from './decide.js'
import {ContextError} from './errors.js'
import {
  isPlainObject,
  parseSegment,
  segmentMatchesCluster,
  segmentMatchesReplica,
  type Segment,
} from './file-segments.js'
import {REGISTRY, RESERVED_FILE_KEYS, syncedParameters, type ParameterDef} from './registry.js'
import {resolveParameter} from './resolve.js'
import type {Result} from './values.js'

export interface FileRule {
  /** 1-based position in the file's `rules` array (malformed entries keep their number). */
  readonly ordinal: number
  readonly segment: string
  /** Parameter → value as written (JSON); `null` means "no opinion". */
  readonly parameters: ReadonlyMap<string, unknown>
}

/** Something the file says that is ignored; ordered segments (by name) first, then rules. */
export interface FileDiagnostic {
  readonly segment?: string
  readonly rule?: number
  readonly parameter?: string
  readonly clause?: number
  readonly message: string
}

export interface RulesFile {
  /** Top-level keys other than `segments`/`rules`: env-wide values as written. */
  readonly env: ReadonlyMap<string, unknown>
  /** Parsed segments by name, sorted by name; defective ones are kept (they match nothing). */
  readonly segments: ReadonlyMap<string, Segment>
  readonly rules: readonly FileRule[]
  /** Diagnostics of the document's shape (segment defects, malformed entries). */
  readonly diagnostics: readonly FileDiagnostic[]
}

/**
 * Parse file content. Not JSON, or JSON that is not an object, carries no information (error
 * result): the caller must keep existing overrides. `{}` is a valid, empty file.
 */
export function parseRulesFile(content: string): Result<RulesFile> {
  let document: unknown
  try {
    document = JSON.parse(content)
  } catch (error) {
    return {ok: false, error: `not JSON: ${(error as Error).message}`}
  }
  if (!isPlainObject(document)) return {ok: false, error: 'not a JSON object'}
  const diagnostics: FileDiagnostic[] = []
  const env = new Map(Object.entries(document).filter(([key]) => !RESERVED_FILE_KEYS.has(key)))
  return {ok: true, value: {env, ...parseSections(document, diagnostics), diagnostics}}
}

function parseSections(document: Record<string, unknown>, diagnostics: FileDiagnostic[]) {
  const segments = new Map<string, Segment>()
  const rawSegments = document.segments ?? {}
  if (!isPlainObject(rawSegments)) diagnostics.push({message: 'segments is not an object; ignored'})
  else {
    for (const name of Object.keys(rawSegments).sort()) {
      const raw = rawSegments[name]
      if (!isPlainObject(raw)) {
        diagnostics.push({
          segment: name,
          message: `segment ${JSON.stringify(name)} is not an object; ignored`,
        })
        continue
      }
      const segment = parseSegment(name, raw)
      segments.set(name, segment)
      if (segment.defect) {
        const {clause} = segment.defect
        diagnostics.push({
          segment: name,
          ...(clause === undefined ? {} : {clause}),
          message: `segment ${JSON.stringify(name)} matches nothing: it ${segment.defect.message}`,
        })
      }
    }
  }
  const rules: FileRule[] = []
  const rawRules = document.rules ?? []
  if (!Array.isArray(rawRules)) diagnostics.push({message: 'rules is not an array; ignored'})
  else {
    rawRules.forEach((raw: unknown, index) => {
      const ordinal = index + 1
      if (isPlainObject(raw) && typeof raw.segment === 'string' && isPlainObject(raw.parameters)) {
        rules.push({ordinal, segment: raw.segment, parameters: new Map(Object.entries(raw.parameters))})
      } else {
        diagnostics.push({
          rule: ordinal,
          message: `rule ${ordinal} ignored: expected {"segment": ..., "parameters": {...}}`,
        })
      }
    })
  }
  return {segments, rules}
}

/** Env-wide values rendered as raw strings; `null` (no opinion) is left out. */
export function envWideValues(file: RulesFile): Map<string, string> {
  const values = new Map<string, string>()
  for (const [name, value] of file.env) if (value !== null) values.set(name, renderLdValue(value))
  return values
}

interface RuleDecision {
  readonly def: ParameterDef
  readonly raw: string
}

interface CompiledRule {
  readonly ordinal: number
  readonly segment: Segment
  readonly decisions: readonly RuleDecision[]
}

/** A parsed file checked against the registry: the rules as they will be applied, plus all diagnostics. */
export interface CompiledRulesFile {
  readonly file: RulesFile
  readonly rules: readonly CompiledRule[]
  readonly diagnostics: readonly FileDiagnostic[]
}

/** Check each rule's parameters: scopable, coherent with the segment's kind, parseable. */
export function compileRulesFile(
  file: RulesFile,
  registry: readonly ParameterDef[] = REGISTRY,
): CompiledRulesFile {
  const scoped = new Map(
    syncedParameters(registry)
      .filter((d) => d.scope !== 'environment')
      .map((d) => [d.name, d]),
  )
  const diagnostics: FileDiagnostic[] = [...file.diagnostics]
  const rules: CompiledRule[] = []
  for (const rule of file.rules) {
    const segment = file.segments.get(rule.segment)
    if (!segment) {
      diagnostics.push({
        rule: rule.ordinal,
        segment: rule.segment,
        message: `rule ${rule.ordinal} ignored: segment ${JSON.stringify(rule.segment)} does not exist`,
      })
      continue
    }
    const decisions: RuleDecision[] = []
    const at = (parameter: string, message: string) =>
      diagnostics.push({
        rule: rule.ordinal,
        segment: rule.segment,
        parameter,
        message: `rule ${rule.ordinal}: ${message}`,
      })
    for (const name of [...rule.parameters.keys()].sort()) {
      const value = rule.parameters.get(name)
      const def = scoped.get(name)
      if (!def) {
        at(name, `${name} is not a scopable parameter (unknown or environment-wide); ignored`)
      } else if (def.scope === 'cluster' && segment.contextKind === 'replica') {
        at(
          name,
          `${name} is cluster-scoped and cannot come through replica segment ${JSON.stringify(segment.name)}; ignored`,
        )
      } else if (value !== null) {
        const raw = renderLdValue(value)
        if (!def.parse(raw).ok)
          at(name, `value ${JSON.stringify(raw)} for ${name} does not parse as ${def.type.name}; dropped`)
        decisions.push({def, raw})
      }
    }
    rules.push({ordinal: rule.ordinal, segment, decisions})
  }
  // Stable: document-shape diagnostics first (segments by name), then by rule, each by parameter.
  diagnostics.sort((a, b) => (a.rule ?? 0) - (b.rule ?? 0))
  return {file, rules, diagnostics}
}

export interface LiveObjects {
  /** Stored env-wide values (raw); parameters absent here are at their default. */
  readonly environment: ReadonlyMap<string, string>
  readonly clusters: readonly ClusterRef[]
  /** Managed replicas only. */
  readonly replicas: readonly ReplicaRef[]
  /** An object whose attributes cannot be built (an id neither `s<N>` nor `u<N>`) is skipped with a warning. */
  readonly onWarning?: (message: string) => void
}

/** The complete sparse desired state for the live objects. */
export function evaluateRulesFile(compiled: CompiledRulesFile, live: LiveObjects): ScopedDesiredState {
  const decide = (attributes: Attributes, kind: 'cluster' | 'replica') => {
    const matches = kind === 'cluster' ? segmentMatchesCluster : segmentMatchesReplica
    const decided = new Map<string, RuleDecision>()
    for (const rule of compiled.rules) {
      if (!matches(rule.segment, attributes)) continue
      for (const decision of rule.decisions) {
        if (decision.def.scope === kind && !decided.has(decision.def.name))
          decided.set(decision.def.name, decision)
      }
    }
    const overrides = new Map<string, string>()
    for (const {def, raw} of decided.values()) {
      const envWide = resolveParameter(def, {environment: live.environment.get(def.name)}).value
      const outcome = decideOverride(def, raw, envWide)
      if (outcome.kind === 'override') overrides.set(def.name, outcome.raw)
    }
    return overrides
  }
  const state: ScopedDesiredState = {cluster: new Map(), replica: new Map()}
  const visit = <O extends {id: string}>(
    kind: 'cluster' | 'replica',
    object: O,
    attributesOf: (o: O) => Attributes,
  ) => {
    let attributes: Attributes
    try {
      attributes = attributesOf(object)
    } catch (error) {
      if (!(error instanceof ContextError)) throw error
      live.onWarning?.(`skipping ${kind} ${object.id}: ${error.message}`)
      return
    }
    const overrides = decide(attributes, kind)
    if (overrides.size > 0) state[kind].set(object.id, overrides)
  }
  for (const cluster of live.clusters) visit('cluster', cluster, clusterAttributes)
  for (const replica of live.replicas) visit('replica', replica, replicaAttributes)
  return state
}

type Attributes = Readonly<Record<string, string>>

export type RulesFileResolution =
  | {readonly known: false; readonly reason: string; readonly desired: ScopedDesiredState}
  | {
      readonly known: true
      readonly desired: ScopedDesiredState
      /** The file's diagnostics, only when its content changed since the last load (log them once). */
      readonly newDiagnostics: readonly FileDiagnostic[]
    }

/**
 * Parses by content and remembers the last content, so an unchanged file is neither re-parsed nor
 * re-diagnosed (flags-spec §17). `null` content means the file could not be read.
 */
export class RulesFileCache {
  private last: {content: string; parsed: Result<CompiledRulesFile>} | undefined

  constructor(private readonly registry: readonly ParameterDef[] = REGISTRY) {}

  load(content: string | null): {parsed: Result<CompiledRulesFile>; changed: boolean} {
    if (content === null) return {parsed: {ok: false, error: 'the file could not be read'}, changed: true}
    if (this.last?.content === content) return {parsed: this.last.parsed, changed: false}
    const file = parseRulesFile(content)
    const parsed: Result<CompiledRulesFile> = file.ok
      ? {ok: true, value: compileRulesFile(file.value, this.registry)}
      : file
    this.last = {content, parsed}
    return {parsed, changed: true}
  }

  /** Unknown desired state (unreadable or not an object) resolves to nothing and must skip the reconcile. */
  resolve(content: string | null, live: LiveObjects): RulesFileResolution {
    const {parsed, changed} = this.load(content)
    if (!parsed.ok)
      return {known: false, reason: parsed.error, desired: {cluster: new Map(), replica: new Map()}}
    return {
      known: true,
      desired: evaluateRulesFile(parsed.value, live),
      newDiagnostics: changed ? parsed.value.diagnostics : [],
    }
  }
}
