import {describe, expect, it} from 'vitest'

import type {ClusterRef, ReplicaRef} from '../../src/lib/flags/contexts.js'
import type {ScopedDesiredState} from '../../src/lib/flags/decide.js'
import {
  RulesFileCache,
  compileRulesFile,
  envWideValues,
  evaluateRulesFile,
  parseRulesFile,
  type RulesFile,
} from '../../src/lib/flags/file-rules.js'
import {REFUSED_OPERATORS, SUPPORTED_OPERATORS, parseSegment} from '../../src/lib/flags/file-segments.js'

const CLUSTER_PARAM = 'enable_eager_delta_joins'
const CLUSTER_PARAM_2 = 'enable_join_prioritize_arranged'
const REPLICA_PARAM = 'enable_lgalloc'

const clusterCtx = (n: number, name: string): ClusterRef => ({id: `u${n}`, name})
const replicaCtx = (c: number, cname: string, r: number, rname: string): ReplicaRef => ({
  id: `u${r}`,
  name: rname,
  size: 'D.1-xsmall',
  sizeFamily: 'D',
  clusterId: `u${c}`,
  clusterName: cname,
})
const legacyReplicaCtx = (c: number, cname: string, r: number, rname: string): ReplicaRef => ({
  ...replicaCtx(c, cname, r, rname),
  size: 'xsmall',
  sizeFamily: 'legacy',
})

const parse = (document: unknown): RulesFile => {
  const result = parseRulesFile(JSON.stringify(document))
  if (!result.ok) throw new Error(result.error)
  return result.value
}

/** Evaluate a file against default system vars (CLUSTER_PARAM off, REPLICA_PARAM on). */
const evaluate = (document: unknown, clusters: ClusterRef[], replicas: ReplicaRef[] = []) =>
  plain(evaluateRulesFile(compileRulesFile(parse(document)), {environment: new Map(), clusters, replicas}))

const plain = (state: ScopedDesiredState) => ({
  cluster: Object.fromEntries([...state.cluster].map(([id, values]) => [id, Object.fromEntries(values)])),
  replica: Object.fromEntries([...state.replica].map(([id, values]) => [id, Object.fromEntries(values)])),
})

const nameIn = (...values: string[]) => ({attribute: 'cluster_name', op: 'in', values})
const clusterSegment = (...clauses: object[]) => ({contextKind: 'cluster', clauses})
const replicaSegment = (...clauses: object[]) => ({contextKind: 'replica', clauses})
const diagnosticsOf = (document: unknown) => compileRulesFile(parse(document)).diagnostics

describe('F. segments/rules file', () => {
  it('F1 a flat file is env-wide', () => {
    const file = parse({
      max_connections: 1000,
      allowed_cluster_replica_sizes: "'25cc', '50cc'",
      enable_lgalloc: false,
    })
    expect([...file.env.keys()].sort()).toEqual([
      'allowed_cluster_replica_sizes',
      'enable_lgalloc',
      'max_connections',
    ])
    expect(file.segments.size).toBe(0)
    expect(file.rules).toEqual([])
    const values = envWideValues(file)
    expect(values.get('max_connections')).toBe('1000')
    expect(values.get('enable_lgalloc')).toBe('false')
    expect(envWideValues(parse({max_connections: null})).has('max_connections')).toBe(false)
  })

  it('F2 parses segments and rules', () => {
    const file = parse({
      enable_lgalloc: false,
      segments: {
        analytics: clusterSegment(nameIn('analytics', 'analytics_2')),
        'legacy-replicas': replicaSegment(
          {attribute: 'replica_size_family', op: 'in', values: ['legacy']},
          {attribute: 'is_builtin', op: 'in', values: [false]},
          {_id: 'c3', attribute: 'replica_name', op: 'matches', values: ['^scratch-'], negate: true},
        ),
      },
      rules: [
        {segment: 'analytics', parameters: {[CLUSTER_PARAM]: true}},
        {segment: 'legacy-replicas', parameters: {[REPLICA_PARAM]: true}},
      ],
    })
    expect([...file.env.keys()]).toEqual(['enable_lgalloc'])
    expect(file.segments.get('analytics')).toEqual({
      name: 'analytics',
      contextKind: 'cluster',
      clauses: [{attribute: 'cluster_name', op: 'in', values: ['analytics', 'analytics_2'], negate: false}],
      defect: null,
    })
    expect(file.segments.get('legacy-replicas')).toEqual({
      name: 'legacy-replicas',
      contextKind: 'replica',
      clauses: [
        {attribute: 'replica_size_family', op: 'in', values: ['legacy'], negate: false},
        {attribute: 'is_builtin', op: 'in', values: ['false'], negate: false},
        {attribute: 'replica_name', op: 'matches', values: ['^scratch-'], negate: true},
      ],
      defect: null,
    })
    expect(file.diagnostics).toEqual([])
    expect(file.rules.map((r) => [r.ordinal, r.segment])).toEqual([
      [1, 'analytics'],
      [2, 'legacy-replicas'],
    ])
  })

  it('F3 malformed entries are dropped without renumbering', () => {
    const file = parse({
      segments: {broken: 7, prod: clusterSegment(nameIn('prod'))},
      rules: [
        'not-a-rule',
        {parameters: {[CLUSTER_PARAM]: true}},
        {segment: 'prod', parameters: {[CLUSTER_PARAM]: true}},
      ],
    })
    expect([...file.segments.keys()]).toEqual(['prod'])
    expect(file.rules.map((r) => r.ordinal)).toEqual([3])
    const sectionsBroken = parse({segments: 7, rules: {}, max_connections: 5})
    expect(sectionsBroken.segments.size).toBe(0)
    expect(sectionsBroken.rules).toEqual([])
    expect([...sectionsBroken.env.keys()]).toEqual(['max_connections'])
  })

  it('F4 a non-object document carries no information; {} is a valid empty file', () => {
    expect(parseRulesFile('[]')).toEqual({ok: false, error: 'not a JSON object'})
    expect(parseRulesFile('not json')).toMatchObject({ok: false, error: expect.stringMatching(/^not JSON/)})
    const empty = parseRulesFile('{}')
    expect(empty.ok && empty.value.env.size + empty.value.segments.size + empty.value.rules.length).toBe(0)
  })

  it('F5 a cluster rule is applied sparsely', () => {
    const document = {
      segments: {analytics: clusterSegment(nameIn('analytics'))},
      rules: [{segment: 'analytics', parameters: {[CLUSTER_PARAM]: true}}],
    }
    expect(evaluate(document, [clusterCtx(1, 'analytics'), clusterCtx(2, 'staging')])).toEqual({
      cluster: {u1: {[CLUSTER_PARAM]: 'true'}},
      replica: {},
    })
  })

  it('F6 replica clauses are ANDed and cluster attributes are usable on replicas', () => {
    const document = {
      segments: {
        'prod-legacy': replicaSegment(
          {attribute: 'replica_size_family', op: 'in', values: ['legacy']},
          nameIn('prod'),
        ),
      },
      rules: [{segment: 'prod-legacy', parameters: {[REPLICA_PARAM]: false}}],
    }
    const replicas = [
      legacyReplicaCtx(1, 'prod', 1, 'r1'),
      replicaCtx(1, 'prod', 2, 'r2'),
      legacyReplicaCtx(2, 'staging', 3, 'r1'),
    ]
    expect(evaluate(document, [], replicas)).toEqual({cluster: {}, replica: {u1: {[REPLICA_PARAM]: 'false'}}})
  })

  it('F7 a replica parameter can be targeted by cluster alone', () => {
    const document = {
      segments: {prod: replicaSegment(nameIn('prod'))},
      rules: [{segment: 'prod', parameters: {[REPLICA_PARAM]: false}}],
    }
    const replicas = [
      replicaCtx(1, 'prod', 1, 'r1'),
      replicaCtx(1, 'prod', 2, 'r2'),
      replicaCtx(2, 'staging', 3, 'r1'),
    ]
    expect(evaluate(document, [], replicas).replica).toEqual({
      u1: {[REPLICA_PARAM]: 'false'},
      u2: {[REPLICA_PARAM]: 'false'},
    })
  })

  it('F8 the first matching rule wins, the value is judged after the decision, empty clauses match everything', () => {
    const document = {
      segments: {analytics: clusterSegment(nameIn('analytics')), 'every-cluster': clusterSegment()},
      rules: [
        {segment: 'analytics', parameters: {[CLUSTER_PARAM]: false}},
        {segment: 'every-cluster', parameters: {[CLUSTER_PARAM]: true, [CLUSTER_PARAM_2]: true}},
      ],
    }
    expect(evaluate(document, [clusterCtx(1, 'analytics'), clusterCtx(2, 'staging')]).cluster).toEqual({
      u1: {[CLUSTER_PARAM_2]: 'true'},
      u2: {[CLUSTER_PARAM]: 'true', [CLUSTER_PARAM_2]: 'true'},
    })
  })

  it('F9 operators', () => {
    const matches = (op: string, values: string[], name: string) =>
      CLUSTER_PARAM in
      (evaluate(
        {
          segments: {s: clusterSegment({attribute: 'cluster_name', op, values})},
          rules: [{segment: 's', parameters: {[CLUSTER_PARAM]: true}}],
        },
        [clusterCtx(1, name)],
      ).cluster.u1 ?? {})
    const cases: [string, string[], string, boolean][] = [
      ['in', ['prod'], 'prod', true],
      ['in', ['prod'], 'prod-1', false],
      ['in', ['staging', 'prod'], 'prod', true],
      ['startsWith', ['prod-'], 'prod-ingest', true],
      ['startsWith', ['prod-'], 'staging-prod-ingest', false],
      ['endsWith', ['-prod'], 'ingest-prod', true],
      ['endsWith', ['-prod'], 'prod-ingest', false],
      ['contains', ['prod'], 'staging-prod-1', true],
      ['contains', ['prod'], 'staging-1', false],
      ['matches', ['prod'], 'staging-prod-1', true],
      ['matches', ['^prod-'], 'prod-ingest', true],
      ['matches', ['^prod-'], 'staging-prod-ingest', false],
      ['matches', ['^prod$'], 'prod', true],
      ['matches', ['^prod$'], 'prod-1', false],
      ['matches', ['^prod-', '^stage-'], 'stage-1', true],
      ['in', [], 'prod', false],
      ['matches', [], 'prod', false],
    ]
    for (const [op, values, name, expected] of cases) {
      expect(matches(op, values, name), `${op} ${JSON.stringify(values)} on ${name}`).toBe(expected)
    }
  })

  it('F10 negate applies after the OR', () => {
    const document = {
      segments: {'not-scratch': clusterSegment({...nameIn('scratch', 'sandbox'), negate: true})},
      rules: [{segment: 'not-scratch', parameters: {[CLUSTER_PARAM]: true}}],
    }
    const clusters = [clusterCtx(1, 'prod'), clusterCtx(2, 'scratch'), clusterCtx(3, 'sandbox')]
    expect(evaluate(document, clusters).cluster).toEqual({u1: {[CLUSTER_PARAM]: 'true'}})
  })

  it('F11 cluster-coherence guard: a cluster parameter cannot come through a replica segment', () => {
    const document = {
      segments: {
        'legacy-replicas': replicaSegment({attribute: 'replica_size_family', op: 'in', values: ['legacy']}),
        analytics: clusterSegment(nameIn('analytics')),
      },
      rules: [
        {segment: 'legacy-replicas', parameters: {[CLUSTER_PARAM]: true, [REPLICA_PARAM]: false}},
        {segment: 'analytics', parameters: {[CLUSTER_PARAM]: true}},
      ],
    }
    expect(
      evaluate(document, [clusterCtx(1, 'analytics')], [legacyReplicaCtx(1, 'analytics', 1, 'r1')]),
    ).toEqual({
      cluster: {u1: {[CLUSTER_PARAM]: 'true'}},
      replica: {u1: {[REPLICA_PARAM]: 'false'}},
    })
    const diagnostics = diagnosticsOf(document)
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({rule: 1, segment: 'legacy-replicas', parameter: CLUSTER_PARAM})
    expect(diagnostics[0]?.message).toMatch(
      /cluster-scoped and cannot come through replica segment "legacy-replicas"/,
    )
  })

  it('F12 a replica attribute in a cluster segment is rejected (fail closed)', () => {
    const document = {
      segments: {
        legacy: clusterSegment(nameIn('analytics'), {
          attribute: 'replica_size_family',
          op: 'in',
          values: ['legacy'],
        }),
      },
      rules: [{segment: 'legacy', parameters: {[CLUSTER_PARAM]: true}}],
    }
    expect(parse(document).segments.get('legacy')?.defect).toMatchObject({
      code: 'attribute-outside-context',
      clause: 2,
    })
    expect(evaluate(document, [clusterCtx(1, 'analytics')]).cluster).toEqual({})
    const diagnostics = diagnosticsOf(document)
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({segment: 'legacy', clause: 2})
    expect(diagnostics[0]?.message).toMatch(
      /clause 2 attribute "replica_size_family" is outside the cluster context/,
    )
  })

  it('F13 uninterpretable segments match nothing', () => {
    const segments = {
      'attribute-typo': clusterSegment({attribute: 'cluster_nmae', op: 'in', values: ['prod']}),
      'no-context-kind': {clauses: [nameIn('prod')]},
      'wrong-context-kind': {contextKind: 'environment', clauses: [nameIn('prod')]},
      'clause-typo': clusterSegment({...nameIn('prod'), contextKind: 'cluster'}),
      'no-clauses': {contextKind: 'cluster'},
    }
    const document = {
      segments,
      rules: Object.keys(segments).map((segment) => ({segment, parameters: {[CLUSTER_PARAM]: true}})),
    }
    const file = parse(document)
    const defect = (name: string) => file.segments.get(name)?.defect
    expect(defect('attribute-typo')).toMatchObject({code: 'unknown-attribute', clause: 1})
    expect(defect('attribute-typo')?.message).toMatch(/unknown attribute "cluster_nmae"/)
    expect(defect('no-context-kind')).toMatchObject({code: 'missing-context-kind'})
    expect(defect('wrong-context-kind')?.message).toMatch(/unknown contextKind "environment"/)
    expect(defect('clause-typo')).toMatchObject({code: 'unknown-key', clause: 1})
    expect(defect('clause-typo')?.message).toMatch(/unknown key "contextKind"/)
    expect(defect('no-clauses')).toMatchObject({code: 'clauses-not-array'})
    expect(evaluate(document, [clusterCtx(1, 'prod')]).cluster).toEqual({})
    expect(diagnosticsOf(document).map((d) => d.segment)).toEqual([
      'attribute-typo',
      'clause-typo',
      'no-clauses',
      'no-context-kind',
      'wrong-context-kind',
    ])
  })

  it('F14 malformed clause catalogue', () => {
    const defectOf = (clause: unknown) =>
      parseSegment('s', {contextKind: 'cluster', clauses: [clause]}).defect?.code
    expect(defectOf(7)).toBe('not-an-object')
    expect(defectOf({op: 'in', values: ['a']})).toBe('missing-attribute')
    expect(defectOf({attribute: 7, op: 'in', values: ['a']})).toBe('missing-attribute')
    expect(defectOf({attribute: 'cluster_name', values: ['a']})).toBe('missing-operator')
    expect(defectOf({attribute: 'cluster_name', op: 'in'})).toBe('unsupported-values')
    expect(defectOf({attribute: 'cluster_name', op: 'in', values: 'a'})).toBe('unsupported-values')
    expect(defectOf({attribute: 'cluster_name', op: 'in', values: [['a']]})).toBe('unsupported-values')
    expect(defectOf({...nameIn('a'), negate: 'yes'})).toBe('unsupported-negate')
    expect(defectOf({...nameIn('a'), nope: 1})).toBe('unknown-key')
    expect(defectOf({...nameIn('a'), _id: 'x', negate: false})).toBeUndefined()
  })

  it('F15 refused and unknown operators', () => {
    const messageOf = (op: string) =>
      parseSegment('s', {contextKind: 'cluster', clauses: [{attribute: 'cluster_name', op, values: ['a']}]})
        .defect?.message
    for (const op of ['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual']) {
      expect(messageOf(op)).toMatch(/compares numbers/)
    }
    for (const op of ['before', 'after']) expect(messageOf(op)).toMatch(/compares dates/)
    for (const op of ['semVerEqual', 'semVerGreaterThan', 'semVerLessThan']) {
      expect(messageOf(op)).toMatch(/compares semantic versions/)
    }
    expect(messageOf('segmentMatch')).toMatch(/references another segment/)
    expect(messageOf('starts_with')).toMatch(/"starts_with" is not an operator/)
    expect(messageOf('IN')).toMatch(/"IN" is not an operator/)
  })

  it("F16 the operator vocabulary is pinned to LaunchDarkly's 15", () => {
    const ld = [
      'in',
      'endsWith',
      'startsWith',
      'matches',
      'contains',
      'lessThan',
      'lessThanOrEqual',
      'greaterThan',
      'greaterThanOrEqual',
      'before',
      'after',
      'segmentMatch',
      'semVerEqual',
      'semVerLessThan',
      'semVerGreaterThan',
    ]
    for (const op of ld)
      expect(Number(SUPPORTED_OPERATORS.includes(op)) + Number(REFUSED_OPERATORS.has(op)), op).toBe(1)
    expect(SUPPORTED_OPERATORS.length + REFUSED_OPERATORS.size).toBe(15)
  })

  it('F17 pattern ordering for exceptions', () => {
    const document = {
      segments: {
        'prod-canary': clusterSegment({attribute: 'cluster_name', op: 'matches', values: ['^prod-canary']}),
        prod: clusterSegment({attribute: 'cluster_name', op: 'matches', values: ['^prod-']}),
      },
      rules: [
        {segment: 'prod-canary', parameters: {[CLUSTER_PARAM]: false, [CLUSTER_PARAM_2]: true}},
        {segment: 'prod', parameters: {[CLUSTER_PARAM]: true}},
      ],
    }
    expect(evaluate(document, [clusterCtx(1, 'prod-canary-1'), clusterCtx(2, 'prod-main')]).cluster).toEqual({
      u1: {[CLUSTER_PARAM_2]: 'true'},
      u2: {[CLUSTER_PARAM]: 'true'},
    })
  })

  it('F18 an invalid regex fails closed', () => {
    const document = {
      segments: {
        prod: clusterSegment(
          {attribute: 'is_builtin', op: 'in', values: [false]},
          {attribute: 'cluster_name', op: 'matches', values: ['^prod-[']},
        ),
      },
      rules: [{segment: 'prod', parameters: {[CLUSTER_PARAM]: true}}],
    }
    expect(evaluate(document, [clusterCtx(1, 'prod-ingest'), clusterCtx(2, 'analytics')]).cluster).toEqual({})
    const diagnostics = diagnosticsOf(document)
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({segment: 'prod', clause: 2})
    expect(diagnostics[0]?.message).toMatch(/invalid pattern "\^prod-\["/)
  })

  it('F19 a segment matching nothing live is ignored', () => {
    const document = {
      segments: {gone: clusterSegment(nameIn('gone')), 'gone-replicas': replicaSegment(nameIn('gone'))},
      rules: [
        {segment: 'gone', parameters: {[CLUSTER_PARAM]: true}},
        {segment: 'gone-replicas', parameters: {[REPLICA_PARAM]: false}},
      ],
    }
    expect(evaluate(document, [clusterCtx(1, 'prod')], [replicaCtx(1, 'prod', 1, 'r1')])).toEqual({
      cluster: {},
      replica: {},
    })
    expect(diagnosticsOf(document)).toEqual([])
  })

  it('F20 an unparseable value is dropped', () => {
    const document = {
      segments: {analytics: clusterSegment(nameIn('analytics'))},
      rules: [{segment: 'analytics', parameters: {[CLUSTER_PARAM]: 'maybe'}}],
    }
    expect(evaluate(document, [clusterCtx(1, 'analytics')]).cluster).toEqual({})
  })

  it('F21 a value equal to the env-wide value is dropped', () => {
    const document = {
      segments: {analytics: clusterSegment(nameIn('analytics'))},
      rules: [{segment: 'analytics', parameters: {[CLUSTER_PARAM]: false}}],
    }
    expect(evaluate(document, [clusterCtx(1, 'analytics')]).cluster).toEqual({})
  })

  it('F22 a read failure keeps existing overrides; {} prunes everything', () => {
    const cache = new RulesFileCache()
    const live = {
      environment: new Map<string, string>(),
      clusters: [clusterCtx(1, 'analytics')],
      replicas: [],
    }
    const good = JSON.stringify({
      segments: {analytics: clusterSegment(nameIn('analytics'))},
      rules: [{segment: 'analytics', parameters: {[CLUSTER_PARAM]: true}}],
    })
    const known = cache.resolve(good, live)
    expect(known.known).toBe(true)
    expect(plain(known.desired).cluster).toEqual({u1: {[CLUSTER_PARAM]: 'true'}})
    for (const unreadable of [null, '}not json{']) {
      const unknown = cache.resolve(unreadable, live)
      expect(unknown.known).toBe(false)
      expect(plain(unknown.desired)).toEqual({cluster: {}, replica: {}})
    }
    expect(plain(cache.resolve(good, live).desired).cluster).toEqual({u1: {[CLUSTER_PARAM]: 'true'}})
    const empty = cache.resolve('{}', live)
    expect(empty.known).toBe(true)
    expect(plain(empty.desired)).toEqual({cluster: {}, replica: {}})
  })

  it('F23 parse cache: same content is not re-parsed; changed content is', () => {
    const cache = new RulesFileCache()
    const content = JSON.stringify({segments: {a: clusterSegment()}, rules: []})
    const first = cache.load(content)
    const second = cache.load(content)
    expect(first.changed).toBe(true)
    expect(second.changed).toBe(false)
    expect(second.parsed).toBe(first.parsed)
    const third = cache.load(JSON.stringify({segments: {}, rules: []}))
    expect(third.changed).toBe(true)
    expect(third.parsed).not.toBe(first.parsed)
  })

  it('F24 rule diagnostics, ordered by rule then parameter', () => {
    const document = {
      segments: {analytics: clusterSegment(nameIn('analytics'))},
      rules: [
        {
          segment: 'analytics',
          parameters: {max_connections: 100, enabel_eager_delta_joins: true, [CLUSTER_PARAM]: 'maybe'},
        },
        {segment: 'analytics_2', parameters: {[CLUSTER_PARAM]: true}},
      ],
    }
    const diagnostics = diagnosticsOf(document)
    expect(diagnostics.map((d) => [d.rule, d.parameter])).toEqual([
      [1, 'enabel_eager_delta_joins'],
      [1, CLUSTER_PARAM],
      [1, 'max_connections'],
      [2, undefined],
    ])
    expect(diagnostics[0]?.message).toMatch(/enabel_eager_delta_joins is not a scopable parameter/)
    expect(diagnostics[1]?.message).toMatch(/value "maybe" for enable_eager_delta_joins does not parse/)
    expect(diagnostics[2]?.message).toMatch(/max_connections is not a scopable parameter/)
    expect(diagnostics[3]?.message).toMatch(/rule 2 ignored: segment "analytics_2" does not exist/)
  })

  it('diagnostics are reported once per content change (logged only when the file changes)', () => {
    const cache = new RulesFileCache()
    const live = {environment: new Map<string, string>(), clusters: [], replicas: []}
    const content = JSON.stringify({segments: {}, rules: [{segment: 'missing', parameters: {}}]})
    const first = cache.resolve(content, live)
    const again = cache.resolve(content, live)
    expect(first.known && first.newDiagnostics).toHaveLength(1)
    expect(again.known && again.newDiagnostics).toEqual([])
  })

  it('an object with an id that is neither s<N> nor u<N> is skipped with a warning', () => {
    const document = {
      segments: {all: clusterSegment()},
      rules: [{segment: 'all', parameters: {[CLUSTER_PARAM]: true}}],
    }
    const warnings: string[] = []
    const state = evaluateRulesFile(compileRulesFile(parse(document)), {
      environment: new Map(),
      clusters: [clusterCtx(1, 'a'), {id: 'bogus', name: 'b'}],
      replicas: [],
      onWarning: (message) => warnings.push(message),
    })
    expect([...state.cluster.keys()]).toEqual(['u1'])
    expect(warnings).toEqual([expect.stringMatching(/^skipping cluster bogus/)])
  })

  it('the env-wide base is the stored environment value, not only the default', () => {
    const document = {
      segments: {analytics: clusterSegment(nameIn('analytics'))},
      rules: [{segment: 'analytics', parameters: {[CLUSTER_PARAM]: true}}],
    }
    const compiled = compileRulesFile(parse(document))
    const state = evaluateRulesFile(compiled, {
      environment: new Map([[CLUSTER_PARAM, 'on']]),
      clusters: [clusterCtx(1, 'analytics')],
      replicas: [],
    })
    expect(state.cluster.size).toBe(0)
  })
})
