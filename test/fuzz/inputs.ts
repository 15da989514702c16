// The bad inputs the CLI fuzzer feeds: per command, templates of invalid invocations (a value slot
// filled from pools of known-bad values or from generated garbage checked against the documented
// grammar), chosen deterministically by a fixed seed. Every invocation here must be refused with
// exit 2 and must write nothing.

import fc from 'fast-check'

export const SEED = 0x6d7a_c1

/** What kind of bad input an entry is; the fuzzer checks every kind is exercised. */
export type Category =
  | 'duration'
  | 'size'
  | 'replication-factor'
  | 'availability-zones'
  | 'control-name'
  | 'unknown-flag'
  | 'missing-arg'
  | 'missing-value'
  | 'extra-arg'
  | 'conflicting-flags'
  | 'time'
  | 'unknown-entity'
  | 'bad-value'
  | 'size-file'
  | 'flags-file'

export const REQUIRED_CATEGORIES: readonly Category[] = [
  'duration',
  'size',
  'replication-factor',
  'availability-zones',
  'control-name',
  'unknown-flag',
  'missing-arg',
  'conflicting-flags',
  'time',
  'unknown-entity',
  'size-file',
  'flags-file',
]

/** The catalog the fuzzer runs against holds: managed `prod` (replica r1, materialized view `mv`), unmanaged `manual` (replica r1). */
export interface Files {
  readonly [name: string]: string
}

interface Template {
  readonly category: Category
  /** Always chosen (keeps every category covered whatever the seed picks). */
  readonly pinned?: boolean
  /** Words after the command; `v` is the bad value (unused by fixed templates). */
  readonly argv: (v: string, files: Files) => string[]
  readonly values?: readonly string[] | fc.Arbitrary<string>
}

// ---- value pools -------------------------------------------------------------------------------

/** The documented duration grammar: `0`, or one or more <number><unit> terms. */
const VALID_DURATION = /^(?:0|(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/
const garbageDuration = fc
  .string({unit: fc.constantFrom(...'0123456789.smhd- +e∞'), minLength: 1, maxLength: 7})
  .filter((text) => !VALID_DURATION.test(text))

const DURATIONS = ['10 minutes', '-5s', '5', '1.5.5s', '∞', '5S', '1e3s', '1h 30m', 'PT5M', '9999999999999999999d', '']
const SIZES = ['unknown-size', '', '"; DROP TABLE x; --', '100CC', ' 100cc', "100cc'--", '100cc\n']
const garbageReplicationFactor = fc.oneof(
  fc.integer({min: 6, max: 2_000_000_000}).map(String),
  fc.integer({min: -1_000, max: -1}).map(String),
  fc.double({min: 0.01, max: 4.99, noNaN: true}).filter((x) => !Number.isInteger(x)).map(String),
  fc.constantFrom('abc', '', '1e1', '0x2', '+1', ' 2', '２'),
)
const RFS = ['-1', '1.5', '999', 'abc', '', '1e1', '0x2', '6']
const AZ_LISTS = ['a,,b', 'a,a', ',', 'a, a', ' ,b', 'a,\u0007']
/** A name with at least one control character (never NUL, which no argv can carry). */
const controlName = fc
  .tuple(
    fc.string({maxLength: 4}),
    fc.oneof(fc.integer({min: 1, max: 0x1f}), fc.integer({min: 0x7f, max: 0x9f})).map((code) => String.fromCharCode(code)),
    fc.string({maxLength: 4}),
  )
  .map(([a, control, b]) => `${a}${control}${b}`)
const CONTROL_NAMES = ['bad\nname', 'tab\there', 'esc\u001b[31m', 'del\u007f', 'c1\u0085x']
const TIMES = [
  'yesterday',
  '2026-13-01T00:00:00Z',
  '2026-11-22T10:00:00',
  '+2 hours',
  '-',
  'NaN',
  '',
  '2026-02-30T00:00:00Z',
  '+∞h',
  '99999999999999999999',
  '+1e5s',
]
const UNKNOWN_FLAGS = ['--frobnicate', '--sizee=100cc', '-z', '--no-such-flag=1']

// ---- the templates, per command ------------------------------------------------------------------

export const COMMANDS: Readonly<Record<string, {readonly quota: number; readonly templates: readonly Template[]}>> = {
  'catalog init': {
    quota: 2,
    templates: [
      {category: 'bad-value', argv: (v) => ['--environment-id', v], values: ['bogus', '', 'aws-us-east-1-notauuid-0', 'local-local-x-0']},
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
      {category: 'extra-arg', argv: () => ['extra']},
    ],
  },
  'catalog serve': {
    quota: 3,
    templates: [
      // Only invalid ports: a valid one would start serving and never exit.
      {category: 'bad-value', argv: (v) => ['--port', v], values: ['abc', '70000', '-5', '0', '1.5', '']},
      {category: 'missing-value', argv: () => ['--port']},
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
    ],
  },
  'catalog stop': {
    quota: 1,
    templates: [{category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS}],
  },
  'catalog status': {
    quota: 2,
    templates: [
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
      {category: 'extra-arg', argv: () => ['extra']},
    ],
  },
  'cluster create': {
    quota: 9,
    templates: [
      {category: 'duration', pinned: true, argv: (v) => ['x', '--size', '100cc', '--introspection-interval', v], values: fc.oneof(fc.constantFrom(...DURATIONS), garbageDuration)},
      {category: 'duration', argv: (v) => ['x', '--size', '100cc', '--hydration-size', '200cc', '--linger', v], values: DURATIONS},
      {category: 'duration', argv: (v) => ['x', '--size', '100cc', '--schedule', 'on-refresh', '--hydration-time-estimate', v], values: DURATIONS},
      {category: 'size', pinned: true, argv: (v) => ['x', '--size', v], values: SIZES},
      {category: 'size', argv: (v) => ['x', '--size', '100cc', '--hydration-size', v], values: SIZES},
      {category: 'replication-factor', pinned: true, argv: (v) => ['x', '--size', '100cc', '--replication-factor', v], values: fc.oneof(fc.constantFrom(...RFS), garbageReplicationFactor)},
      {category: 'availability-zones', pinned: true, argv: (v) => ['x', '--size', '100cc', '--availability-zones', v], values: AZ_LISTS},
      {category: 'control-name', pinned: true, argv: (v) => [v, '--size', '100cc'], values: fc.oneof(fc.constantFrom(...CONTROL_NAMES, ''), controlName)},
      {category: 'conflicting-flags', argv: (v) => ['x', ...v.split(' ')], values: ['--unmanaged --size 100cc', '--size 100cc --schedule on-refresh --replication-factor 2', '--size 100cc --linger 5m', '--size 100cc --hydration-size 100cc', '--unmanaged --replication-factor 2']},
      {category: 'bad-value', argv: (v) => ['x', '--size', '100cc', ...v.split(' ')], values: ['--schedule sometimes', '--feature nope=1', '--feature noequals', '--feature enable_lgalloc=on']},
      {category: 'unknown-entity', argv: (v) => [v, '--size', '100cc'], values: ['prod', 'mz_reserved']},
      {category: 'missing-arg', argv: () => []},
      {category: 'unknown-flag', argv: (v) => ['x', '--size', '100cc', v], values: UNKNOWN_FLAGS},
    ],
  },
  'cluster alter': {
    quota: 6,
    templates: [
      {category: 'duration', argv: (v) => ['prod', '--size', '200cc', '--timeout', v], values: DURATIONS},
      {category: 'duration', argv: (v) => ['prod', '--size', '200cc', '--wait-for', v], values: DURATIONS},
      {category: 'size', argv: (v) => ['prod', '--size', v], values: SIZES},
      {category: 'replication-factor', argv: (v) => ['prod', '--replication-factor', v], values: RFS},
      {category: 'availability-zones', argv: (v) => ['prod', '--availability-zones', v], values: AZ_LISTS},
      {category: 'conflicting-flags', pinned: true, argv: (v) => ['prod', ...v.split(' ')], values: ['--size 200cc --wait --background', '--size 200cc --wait-for 5m --timeout 5m', '--unmanaged --size 200cc', '--schedule on-refresh --replication-factor 2']},
      {category: 'bad-value', argv: (v) => ['prod', '--size', '200cc', ...v.split(' ')], values: ['--on-timeout maybe', '--feature enable_lgalloc=on']},
      {category: 'unknown-entity', argv: (v) => [v, '--size', '200cc'], values: ['nope', 'manual', 'mz_system']},
      {category: 'missing-arg', argv: () => ['--size', '200cc']},
    ],
  },
  'cluster cancel': {
    quota: 2,
    templates: [
      {category: 'unknown-entity', argv: () => ['nope']},
      {category: 'missing-arg', argv: () => []},
      {category: 'duration', argv: (v) => ['prod', '--timeout', v], values: DURATIONS},
    ],
  },
  'cluster drop': {
    quota: 3,
    templates: [
      {category: 'unknown-entity', argv: (v) => [v, '--yes'], values: ['nope', 'mz_system', 'PROD']},
      {category: 'missing-arg', argv: () => ['--yes']},
      {category: 'bad-value', argv: () => ['prod']}, // objects bound and no --yes without a terminal
      {category: 'control-name', argv: (v) => [v, '--yes'], values: CONTROL_NAMES},
    ],
  },
  'cluster list': {
    quota: 2,
    templates: [
      {category: 'extra-arg', argv: () => ['extra']},
      {category: 'bad-value', argv: () => ['--builtin=maybe']},
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
    ],
  },
  'cluster show': {
    quota: 3,
    templates: [
      {category: 'unknown-entity', pinned: true, argv: (v) => [v], values: ['nope', 'prod ', '"prod"', 'x\'; DROP TABLE mzcluster.clusters; --']},
      {category: 'control-name', argv: (v) => [v], values: CONTROL_NAMES},
      {category: 'missing-arg', argv: () => []},
      {category: 'extra-arg', argv: () => ['prod', 'extra']},
    ],
  },
  'cluster wait': {
    quota: 2,
    templates: [
      {category: 'unknown-entity', argv: () => ['nope']},
      {category: 'duration', argv: (v) => ['prod', '--timeout', v], values: DURATIONS},
      {category: 'missing-arg', argv: () => []},
    ],
  },
  'replica create': {
    quota: 4,
    templates: [
      {category: 'bad-value', argv: (v) => [v, '--size', '100cc'], values: ['noDot', '"unterminated.r1', 'manual.', '.r1', 'manual."r2']},
      {category: 'unknown-entity', argv: (v) => [v, '--size', '100cc'], values: ['nope.r1', 'prod.r9', 'manual.r1']},
      {category: 'size', argv: (v) => ['manual.r2', '--size', v], values: SIZES},
      {category: 'missing-arg', argv: () => ['manual.r2']},
      {category: 'control-name', argv: (v) => ['manual.r2', '--size', '100cc', '--availability-zone', v], values: CONTROL_NAMES},
    ],
  },
  'replica drop': {
    quota: 3,
    templates: [
      {category: 'unknown-entity', argv: (v) => [v], values: ['manual.r9', 'nope.r1', 'prod.r1']},
      {category: 'bad-value', argv: (v) => [v], values: ['prod', '"x', 'manual.\\']},
      {category: 'missing-arg', argv: () => []},
    ],
  },
  'replica list': {
    quota: 2,
    templates: [
      {category: 'unknown-entity', argv: () => ['--cluster', 'nope']},
      {category: 'missing-value', pinned: true, argv: () => ['--cluster']},
      {category: 'extra-arg', argv: () => ['extra']},
    ],
  },
  'size import': {
    quota: 7,
    templates: [
      {category: 'size-file', pinned: true, argv: (v, files) => [files[v] as string], values: ['malformed', 'truncated']},
      {category: 'size-file', pinned: true, argv: (v, files) => [files[v] as string], values: ['wrongTypes', 'nameNotString', 'emptyFamily', 'scalar']},
      {category: 'size-file', pinned: true, argv: (v, files) => [files[v] as string], values: ['negative', 'negativeCredits']},
      {category: 'size-file', pinned: true, argv: (v, files) => [files[v] as string], values: ['hugeWorkers']},
      {category: 'size-file', argv: (v, files) => [files[v] as string], values: ['infinite', 'hugeMemory', 'hugeLimit']},
      {category: 'size-file', argv: (v, files) => [files[v] as string], values: ['empty', 'duplicate', 'controlName']},
      {category: 'size-file', argv: (v, files) => [files[v] as string], values: ['missing', 'directory']},
      {category: 'size-file', argv: (_v, files) => ['--replace', files.removesUsed as string]},
      {category: 'missing-arg', argv: () => []},
    ],
  },
  'size list': {
    quota: 1,
    templates: [
      {category: 'extra-arg', argv: () => ['extra']},
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
    ],
  },
  'object create': {
    quota: 5,
    templates: [
      {category: 'missing-arg', argv: () => ['o1', '--type', 'index']},
      {category: 'bad-value', argv: (v) => ['o1', '--cluster', 'prod', '--type', v], values: ['table', 'INDEX', '']},
      {category: 'unknown-entity', argv: (v) => ['o1', '--cluster', v, '--type', 'index'], values: ['nope', 'PROD']},
      {category: 'unknown-entity', argv: () => ['o1', '--cluster', 'prod', '--type', 'index', '--replica', 'r9']},
      {category: 'bad-value', argv: () => ['o1', '--cluster', 'prod', '--cluster', 'manual', '--type', 'index']}, // given twice
      {category: 'duration', argv: (v) => ['o1', '--cluster', 'prod', '--type', 'materialized-view', '--refresh-every', v], values: [...DURATIONS, '0s']},
      {category: 'time', argv: (v) => ['o1', '--cluster', 'prod', '--type', 'materialized-view', '--refresh-at', v], values: TIMES},
      {category: 'time', argv: (v) => ['o1', '--cluster', 'prod', '--type', 'materialized-view', '--refresh-every', '1h', '--aligned-to', v], values: TIMES},
      {category: 'control-name', argv: (v) => [v, '--cluster', 'prod', '--type', 'index'], values: fc.oneof(fc.constantFrom(...CONTROL_NAMES), controlName)},
      {category: 'conflicting-flags', argv: () => ['o1', '--cluster', 'prod', '--type', 'index', '--refresh-every', '1h']},
      {category: 'unknown-entity', argv: () => ['mv', '--cluster', 'prod', '--type', 'index']},
    ],
  },
  'object drop': {
    quota: 2,
    templates: [
      {category: 'unknown-entity', argv: (v) => [v], values: ['nope', 'MV', 'mv ']},
      {category: 'missing-arg', argv: () => []},
      {category: 'control-name', argv: (v) => [v], values: CONTROL_NAMES},
    ],
  },
  'object list': {
    quota: 2,
    templates: [
      {category: 'unknown-entity', argv: () => ['--cluster', 'nope']},
      {category: 'extra-arg', argv: () => ['extra']},
      {category: 'missing-value', argv: () => ['--cluster']},
    ],
  },
  'signal frontier': {
    quota: 3,
    templates: [
      {category: 'unknown-entity', argv: () => ['nope', '--upper', '+1m']},
      {category: 'time', argv: (v) => ['mv', '--upper', v], values: TIMES},
      {category: 'conflicting-flags', argv: () => ['mv', '--upper', '+1m', '--sealed']},
      {category: 'missing-value', argv: () => ['mv']},
      {category: 'missing-arg', argv: () => ['--sealed']},
    ],
  },
  'signal hydration': {
    quota: 2,
    templates: [
      {category: 'bad-value', argv: (v) => [v], values: ['prod', '"prod.r1', '']},
      {category: 'unknown-entity', argv: (v) => v.split(' '), values: ['prod.r9', 'nope.r1', 'prod.r1 --object nope']},
      {category: 'missing-arg', argv: () => []},
    ],
  },
  'signal online': {
    quota: 2,
    templates: [
      {category: 'bad-value', argv: (v) => [v], values: ['prod', 'prod."r1', '.']},
      {category: 'unknown-entity', argv: (v) => [v], values: ['nope.r1', 'manual.r9']},
      {category: 'missing-arg', argv: () => ['--offline']},
    ],
  },
  'flags dump': {
    quota: 3,
    templates: [
      {category: 'bad-value', argv: (v) => v.split(' '), values: ['--scope galaxy', '--format xml', '--format env', '--replica prod']},
      {category: 'unknown-entity', argv: (v) => v.split(' '), values: ['--cluster nope', '--replica prod.r9', '--replica nope.r1']},
      {category: 'missing-value', argv: () => ['--scope']},
    ],
  },
  'flags inspect': {
    quota: 1,
    templates: [
      // Without a terminal it always refuses: these also carry bad flags.
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
      {category: 'flags-file', argv: (v, files) => ['--flags-file', files[v] as string], values: ['flagsMalformed']},
    ],
  },
  'flags params': {
    quota: 2,
    templates: [
      {category: 'bad-value', argv: () => ['--scope', 'x']},
      {category: 'extra-arg', argv: () => ['extra']},
    ],
  },
  'flags set': {
    quota: 3,
    templates: [
      {category: 'unknown-entity', argv: (v) => v.split(' '), values: ['nope=1', 'enable_eager_delta_joins=on --cluster nope', 'enable_lgalloc=off --replica prod.r9']},
      {category: 'bad-value', argv: (v) => v.split(' '), values: ['max_replicas_per_cluster=abc', 'noequals', '=1', 'max_replicas_per_cluster=3 --cluster prod', 'enable_eager_delta_joins=maybe --cluster prod']},
      {category: 'control-name', argv: (v) => [`${v}=1`], values: CONTROL_NAMES},
      {category: 'missing-arg', argv: () => ['--cluster', 'prod']},
    ],
  },
  'flags sync': {
    quota: 5,
    templates: [
      {category: 'flags-file', pinned: true, argv: (v, files) => ['--flags-file', files[v] as string], values: ['flagsMalformed', 'flagsTruncated']},
      {category: 'flags-file', pinned: true, argv: (v, files) => ['--flags-file', files[v] as string], values: ['flagsNotObject', 'flagsFlagsNotObject', 'flagsNoVariations', 'flagsSegmentsNotObject', 'flagsString']},
      {category: 'flags-file', argv: (v, files) => ['--flags-file', files[v] as string], values: ['missing', 'directory']},
      {category: 'conflicting-flags', argv: (_v, files) => ['--flags-file', files.flagsValid as string, '--sdk-key', 'sdk-fake']},
      {category: 'missing-arg', argv: () => ['--dry-run']},
      {category: 'bad-value', argv: (v, files) => ['--flags-file', files.flagsValid as string, '--key-map', v], values: ['nonsense', 'nope=flag', '=x']},
    ],
  },
  'flags unset': {
    quota: 2,
    templates: [
      {category: 'unknown-entity', argv: (v) => v.split(' '), values: ['nope', 'enable_lgalloc --replica nope.r1', 'enable_eager_delta_joins --cluster nope']},
      {category: 'bad-value', argv: () => ['enable_lgalloc', '--replica', 'prod']},
      {category: 'missing-arg', argv: () => []},
    ],
  },
  audit: {
    quota: 3,
    templates: [
      {category: 'time', argv: (v) => ['--since', v], values: TIMES},
      {category: 'bad-value', argv: (v) => ['--limit', v], values: ['-1', 'abc', '1.5', '99999999999999999999', '']},
      {category: 'bad-value', argv: (v) => ['--kind', v], values: ['bogus', 'CREATE']},
      {category: 'extra-arg', argv: () => ['extra']},
    ],
  },
  plan: {
    quota: 3,
    templates: [
      {category: 'time', pinned: true, argv: (v) => ['--now', v], values: TIMES},
      {category: 'unknown-entity', argv: () => ['--cluster', 'nope']},
      {category: 'extra-arg', argv: () => ['extra']},
      {category: 'unknown-flag', argv: (v) => [v], values: UNKNOWN_FLAGS},
    ],
  },
  simulate: {
    quota: 4,
    templates: [
      {category: 'time', argv: (v) => ['--until', v], values: TIMES},
      {
        category: 'bad-value',
        argv: (v) => ['--event', v],
        values: ['+10m cluster frobnicate prod', 'soon cluster alter prod --size 200cc', '+10m cluster alter prod --size nope', "+10m cluster alter 'prod", '+10m flags set nope=1', '+99d cluster alter prod --size 200cc', ''],
      },
      {category: 'unknown-entity', argv: () => ['--cluster', 'nope']},
      {category: 'unknown-entity', argv: (v) => ['--event', v], values: ['+1m cluster cancel nope', '+1m signal frontier nope --sealed']},
      {category: 'duration', argv: (v) => ['--hydration', v], values: DURATIONS},
    ],
  },
  history: {
    quota: 3,
    templates: [
      {category: 'time', argv: (v) => ['--since', v], values: TIMES},
      {category: 'unknown-entity', argv: () => ['--cluster', 'nope']},
      {category: 'extra-arg', argv: () => ['extra']},
    ],
  },
  tick: {
    quota: 3,
    templates: [
      {category: 'time', argv: (v) => ['--now', v], values: TIMES},
      {category: 'bad-value', argv: (v) => ['--phase', v], values: ['sideways', 'ALL', '']},
      {category: 'unknown-entity', argv: () => ['--cluster', 'nope']},
      {category: 'missing-value', argv: () => ['--cluster', 'prod', '--phase']},
    ],
  },
}

// ---- choosing the inputs -------------------------------------------------------------------------

export interface FuzzInput {
  readonly command: string
  readonly category: Category
  /** Words after the command (the fuzzer adds --catalog, and --json when `json`). */
  readonly argv: readonly string[]
  readonly json: boolean
}

const pick = <T>(arb: fc.Arbitrary<T>, seed: number): T => fc.sample(arb, {seed, numRuns: 1})[0] as T

/** The inputs for every command, a deterministic function of SEED and the files' paths. */
export function chooseInputs(files: Files): FuzzInput[] {
  const inputs: FuzzInput[] = []
  Object.entries(COMMANDS).forEach(([command, {quota, templates}], c) => {
    const seed = SEED + c * 7919
    const pinned = templates.filter((template) => template.pinned)
    const others = pick(fc.shuffledSubarray([...templates.filter((template) => !template.pinned)], {minLength: templates.length - pinned.length}), seed)
    const order = [...pinned, ...others]
    const chosen = new Set<string>()
    // Fill `quota` slots walking the templates in order; a template whose drawn value repeats an
    // input already chosen gets two more draws, then the next template is tried.
    let cursor = 0
    for (let attempt = 0, count = 0; count < quota && attempt < 20 * quota; attempt++) {
      const template = order[cursor % order.length] as Template
      const values = template.values ?? ['']
      const value = Array.isArray(values)
        ? pick(fc.constantFrom(...(values as readonly string[])), seed + 31 * attempt + 1)
        : pick(values as fc.Arbitrary<string>, seed + 31 * attempt + 1)
      const argv = template.argv(value, files)
      const key = JSON.stringify(argv)
      if (chosen.has(key)) {
        if (attempt % 3 === 2) cursor++
        continue
      }
      chosen.add(key)
      // About one input in four asks for --json (flags inspect has no --json flag).
      const json = command !== 'flags inspect' && pick(fc.integer({min: 0, max: 3}), seed + 31 * attempt + 2) === 0
      inputs.push({command, category: template.category, argv, json})
      count++
      cursor++
    }
  })
  return inputs
}
