// Segments of the segments/rules file (flags-spec §17, LaunchDarkly clause shape): parsing with
// fail-closed defects — a segment with any defect matches nothing, never more — and matching
// against the attributes of a live cluster or replica. Pure.

import {renderLdValue} from './decide.js'

export type SegmentKind = 'cluster' | 'replica'

export const SUPPORTED_OPERATORS: readonly string[] = ['in', 'startsWith', 'endsWith', 'contains', 'matches']

/** LaunchDarkly operators the file refuses, with the reason (they need types the file lacks). */
export const REFUSED_OPERATORS: ReadonlyMap<string, string> = new Map([
  ['lessThan', 'compares numbers'],
  ['lessThanOrEqual', 'compares numbers'],
  ['greaterThan', 'compares numbers'],
  ['greaterThanOrEqual', 'compares numbers'],
  ['before', 'compares dates'],
  ['after', 'compares dates'],
  ['semVerEqual', 'compares semantic versions'],
  ['semVerGreaterThan', 'compares semantic versions'],
  ['semVerLessThan', 'compares semantic versions'],
  ['segmentMatch', 'references another segment'],
])

const CLUSTER_ATTRIBUTES: ReadonlySet<string> = new Set(['cluster_id', 'cluster_name', 'is_builtin'])
const REPLICA_ATTRIBUTES: ReadonlySet<string> = new Set([
  'replica_id',
  'replica_name',
  'replica_size',
  'replica_size_family',
])
const CLAUSE_KEYS: ReadonlySet<string> = new Set(['attribute', 'op', 'values', 'negate', '_id'])
const SEGMENT_KEYS: ReadonlySet<string> = new Set(['contextKind', 'clauses', '_id'])

export type DefectCode =
  | 'missing-context-kind'
  | 'unknown-context-kind'
  | 'clauses-not-array'
  | 'unknown-segment-key'
  | 'not-an-object'
  | 'missing-attribute'
  | 'missing-operator'
  | 'unsupported-values'
  | 'unsupported-negate'
  | 'unknown-key'
  | 'unknown-attribute'
  | 'attribute-outside-context'
  | 'refused-operator'
  | 'unknown-operator'
  | 'invalid-pattern'

/** Why a segment matches nothing; `clause` is 1-based when the defect is in a clause. */
export interface SegmentDefect {
  readonly code: DefectCode
  readonly clause?: number
  readonly message: string
}

export interface SegmentClause {
  readonly attribute: string
  readonly op: string
  /** Values as strings (`true` ≡ `"true"`, numbers in decimal). */
  readonly values: readonly string[]
  readonly negate: boolean
}

export interface Segment {
  readonly name: string
  readonly contextKind: SegmentKind | null
  readonly clauses: readonly SegmentClause[]
  readonly defect: SegmentDefect | null
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

class Defect extends Error {
  constructor(
    readonly code: DefectCode,
    message: string,
  ) {
    super(message)
  }
}

function parseClause(raw: unknown, kind: SegmentKind): SegmentClause {
  if (!isPlainObject(raw)) throw new Defect('not-an-object', 'is not an object')
  const {attribute, op, values, negate = false} = raw
  if (typeof attribute !== 'string') throw new Defect('missing-attribute', 'has no attribute')
  if (typeof op !== 'string') throw new Defect('missing-operator', 'has no operator')
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
  if (!Array.isArray(values) || !values.every(scalar)) {
    throw new Defect(
      'unsupported-values',
      'has unsupported values (expected an array of strings, numbers or booleans)',
    )
  }
  if (typeof negate !== 'boolean')
    throw new Defect('unsupported-negate', 'has an unsupported negate (expected true or false)')
  const unknownKey = Object.keys(raw).find((key) => !CLAUSE_KEYS.has(key))
  if (unknownKey !== undefined)
    throw new Defect('unknown-key', `has unknown key ${JSON.stringify(unknownKey)}`)
  if (REPLICA_ATTRIBUTES.has(attribute) && kind === 'cluster') {
    throw new Defect(
      'attribute-outside-context',
      `attribute ${JSON.stringify(attribute)} is outside the cluster context`,
    )
  }
  if (!CLUSTER_ATTRIBUTES.has(attribute) && !REPLICA_ATTRIBUTES.has(attribute)) {
    throw new Defect('unknown-attribute', `has unknown attribute ${JSON.stringify(attribute)}`)
  }
  const refusal = REFUSED_OPERATORS.get(op)
  if (refusal !== undefined) throw new Defect('refused-operator', `operator ${JSON.stringify(op)} ${refusal}`)
  if (!SUPPORTED_OPERATORS.includes(op))
    throw new Defect('unknown-operator', `${JSON.stringify(op)} is not an operator`)
  const strings = (values as unknown[]).map(renderLdValue)
  if (op === 'matches') {
    for (const pattern of strings) {
      try {
        new RegExp(pattern, 'u')
      } catch (error) {
        throw new Defect(
          'invalid-pattern',
          `has an invalid pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`,
        )
      }
    }
  }
  return {attribute, op, values: strings, negate}
}

/** Parse one segment; any defect is recorded and makes the segment match nothing. */
export function parseSegment(name: string, raw: Record<string, unknown>): Segment {
  const kind = raw.contextKind
  const contextKind = kind === 'cluster' || kind === 'replica' ? kind : null
  const broken = (code: DefectCode, message: string, clause?: number): Segment => ({
    name,
    contextKind,
    clauses: [],
    defect: {code, message, ...(clause === undefined ? {} : {clause})},
  })
  if (kind === undefined) return broken('missing-context-kind', 'has no contextKind')
  if (contextKind === null)
    return broken('unknown-context-kind', `has unknown contextKind ${JSON.stringify(kind)}`)
  if (!Array.isArray(raw.clauses)) return broken('clauses-not-array', 'clauses is not an array')
  const unknownKey = Object.keys(raw).find((key) => !SEGMENT_KEYS.has(key))
  if (unknownKey !== undefined)
    return broken('unknown-segment-key', `has unknown key ${JSON.stringify(unknownKey)}`)
  const clauses: SegmentClause[] = []
  for (const [index, clause] of raw.clauses.entries()) {
    try {
      clauses.push(parseClause(clause, contextKind))
    } catch (error) {
      if (!(error instanceof Defect)) throw error
      return broken(error.code, `clause ${index + 1} ${error.message}`, index + 1)
    }
  }
  return {name, contextKind, clauses, defect: null}
}

const patternCache = new Map<string, RegExp>()

function pattern(source: string): RegExp {
  let regex = patternCache.get(source)
  if (!regex) {
    regex = new RegExp(source, 'u')
    patternCache.set(source, regex)
  }
  return regex
}

function valueMatches(op: string, actual: string, value: string): boolean {
  switch (op) {
    case 'in':
      return actual === value
    case 'startsWith':
      return actual.startsWith(value)
    case 'endsWith':
      return actual.endsWith(value)
    case 'contains':
      return actual.includes(value)
    case 'matches':
      return pattern(value).test(actual) // unanchored, as in LaunchDarkly
    default:
      return false
  }
}

/** Values are ORed, `negate` applies after the OR, clauses are ANDed (empty: everything). */
function clausesMatch(
  clauses: readonly SegmentClause[],
  attributes: Readonly<Record<string, string>>,
): boolean {
  return clauses.every((clause) => {
    const actual = attributes[clause.attribute]
    const hit = actual !== undefined && clause.values.some((value) => valueMatches(clause.op, actual, value))
    return clause.negate ? !hit : hit
  })
}

/** A cluster matches only `cluster` segments. */
export function segmentMatchesCluster(
  segment: Segment,
  attributes: Readonly<Record<string, string>>,
): boolean {
  return (
    segment.defect === null && segment.contextKind === 'cluster' && clausesMatch(segment.clauses, attributes)
  )
}

/** A replica matches `replica` segments and, through its owning cluster, `cluster` segments. */
export function segmentMatchesReplica(
  segment: Segment,
  attributes: Readonly<Record<string, string>>,
): boolean {
  return segment.defect === null && segment.contextKind !== null && clausesMatch(segment.clauses, attributes)
}
