import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {LDContext} from '@launchdarkly/node-server-sdk'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseEnvironmentId, type ClusterRef, type ReplicaRef} from '../../src/lib/flags/contexts.js'
import {FlagSourceError, KeyMapError} from '../../src/lib/flags/errors.js'
import {
  evaluateScoped,
  openFlagSource,
  parseKeyMap,
  type FlagSource,
  type ScopedEvaluationInput,
} from '../../src/lib/flags/evaluate.js'
import {REGISTRY, getParameter} from '../../src/lib/parameters/registry.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/flags/scoped-flags.json', import.meta.url))

const clusters: ClusterRef[] = [
  {id: 's1', name: 'mz_system'},
  {id: 's2', name: 'mz_catalog_server'},
  {id: 'u1', name: 'quickstart'},
  {id: 'u2', name: 'analytics'},
]
const replica = (
  id: string,
  name: string,
  size: string,
  sizeFamily: string,
  clusterId: string,
  clusterName: string,
) => ({id, name, size, sizeFamily, clusterId, clusterName}) satisfies ReplicaRef
const replicas: ReplicaRef[] = [
  replica('u1', 'r1', '25cc', 'cc', 'u1', 'quickstart'),
  replica('u2', 'r1', 'xsmall', 'legacy', 'u2', 'analytics'),
  replica('u3', 'r2', '100cc', 'cc', 'u2', 'analytics'),
]

const plain = (state: {
  cluster: Map<string, Map<string, string>>
  replica: Map<string, Map<string, string>>
}) => ({
  cluster: Object.fromEntries([...state.cluster].map(([id, values]) => [id, Object.fromEntries(values)])),
  replica: Object.fromEntries([...state.replica].map(([id, values]) => [id, Object.fromEntries(values)])),
})

/** Wraps a source and records the contexts it was asked about. */
const spying = (source: FlagSource) => {
  const contexts: LDContext[] = []
  const spy: FlagSource = {
    variationDetail: (key, context, fallback) => source.variationDetail(key, context, fallback),
    allFlags: (context) => {
      contexts.push(context)
      return source.allFlags(context)
    },
    close: () => {},
  }
  return {spy, contexts}
}

describe('evaluateScoped over the fixture (flags-spec §6, §7)', () => {
  let source: FlagSource
  let base: Omit<ScopedEvaluationInput, 'source'>
  beforeAll(async () => {
    source = await openFlagSource({flagsFile: FIXTURE})
    base = {
      environmentId: parseEnvironmentId('mzcompose-us-east-1-00000000-0000-0000-0000-000000000000-0'),
      build: {sha: 'abc123', semver: 'v0.1.0'},
      environment: new Map(),
      clusters,
      replicas,
    }
  })
  afterAll(() => source.close())

  it('returns the sparse desired state: rule rows, target rows; no row for env-equal or unparseable values', async () => {
    const result = await evaluateScoped({...base, source})
    expect(result.scopedEnabled).toBe(true)
    expect(plain(result.desired)).toEqual({
      cluster: {s2: {enable_eager_delta_joins: 'true'}},
      replica: {u2: {enable_lgalloc: 'false'}, u3: {enable_compute_half_join2: 'false'}},
    })
  })

  it('returns what the env-wide context was served for every synced parameter', async () => {
    const {environment} = await evaluateScoped({...base, source})
    expect(environment.size).toBe(REGISTRY.length)
    expect(environment.get('enable_eager_delta_joins')).toBe('false')
    expect(environment.get('column_paged_batcher_budget_fraction')).toBe('0.05')
    // No flag: the default passed is the current formatted value, served back unchanged.
    expect(environment.get('cluster_controller_tick_interval')).toBe('5s')
    expect(environment.get('enable_scoped_system_parameters')).toBe('on')
  })

  it('keeps the evaluation detail of every evaluation when asked (flags inspect)', async () => {
    const {evaluations} = await evaluateScoped({...base, source, withDetails: true})
    const find = (objectId: string | null, name: string) =>
      evaluations.find((e) => e.objectId === objectId && e.name === name)
    expect(find('u1', 'column_paged_batcher_budget_fraction')).toMatchObject({
      scope: 'replica',
      served: 'lots',
      defaultValue: '0.05',
      detail: {reason: {kind: 'RULE_MATCH', ruleId: 'cc-sizes-unparseable'}},
      decision: {kind: 'unparseable'},
    })
    expect(find('u1', 'enable_join_prioritize_arranged')).toMatchObject({
      served: 'false',
      detail: {reason: {kind: 'RULE_MATCH'}},
      decision: {kind: 'matches-environment'},
    })
    expect(find('u3', 'enable_compute_half_join2')).toMatchObject({
      detail: {reason: {kind: 'TARGET_MATCH'}},
      decision: {kind: 'override', raw: 'false'},
    })
    expect(find(null, 'enable_lgalloc')).toMatchObject({scope: 'environment', decision: null, served: 'true'})
    const perObject = REGISTRY.filter((d) => d.scope === 'cluster').length * clusters.length
    const perReplica = REGISTRY.filter((d) => d.scope === 'replica').length * replicas.length
    expect(evaluations).toHaveLength(REGISTRY.length + perObject + perReplica)
    expect((await evaluateScoped({...base, source})).evaluations).toEqual([])
  })

  it('the key map decides which flag a parameter reads', async () => {
    const keyMap = parseKeyMap('enable_eager_delta_joins=opt-flag')
    const {desired} = await evaluateScoped({...base, source, keyMap})
    // opt-flag: builtin clusters → true (rows), quickstart → false (= env-wide, no row).
    expect(plain(desired).cluster).toEqual({
      s1: {enable_eager_delta_joins: 'true'},
      s2: {enable_eager_delta_joins: 'true'},
    })
  })

  it('the scoped base is the env-wide value after this pass, not the stale stored one', async () => {
    const {desired, environment} = await evaluateScoped({
      ...base,
      source,
      environment: new Map([['enable_lgalloc', 'off']]),
    })
    // Env-wide served true (fallthrough), so only legacy (false) differs; cc (true) does not.
    expect(environment.get('enable_lgalloc')).toBe('true')
    expect(plain(desired).replica.u2).toEqual({enable_lgalloc: 'false'})
    expect(plain(desired).replica.u1).toBeUndefined()
  })

  it('skips a pass when no synced parameter has its scope (no contexts built)', async () => {
    const {spy, contexts} = spying(source)
    const registry = [getParameter('enable_lgalloc')!]
    const {desired} = await evaluateScoped({...base, source: spy, registry})
    expect(plain(desired)).toEqual({cluster: {}, replica: {u2: {enable_lgalloc: 'false'}}})
    expect(contexts).toHaveLength(1 + replicas.length)
    expect(contexts.filter((c) => 'cluster' in c && !('replica' in c))).toEqual([])
  })

  it('with enable_scoped_system_parameters off, no scoped pass runs and the desired state is empty', async () => {
    const {spy, contexts} = spying(source)
    const result = await evaluateScoped({
      ...base,
      source: spy,
      environment: new Map([['enable_scoped_system_parameters', 'off']]),
    })
    expect(result.scopedEnabled).toBe(false)
    expect(plain(result.desired)).toEqual({cluster: {}, replica: {}})
    expect(contexts).toHaveLength(1)
  })

  it('an object whose context cannot be built is skipped with a warning', async () => {
    const warnings: string[] = []
    const {desired} = await evaluateScoped({
      ...base,
      source,
      clusters: [
        {id: 'bogus', name: 'mz_catalog_server'},
        {id: 's2', name: 'mz_catalog_server'},
      ],
      replicas: [],
      onWarning: (message) => warnings.push(message),
    })
    expect([...desired.cluster.keys()]).toEqual(['s2'])
    expect(warnings).toEqual([expect.stringMatching(/^skipping cluster bogus: cannot build a flag context/)])
  })
})

describe('parseKeyMap (flags-spec §4)', () => {
  it('parses ;-separated PARAMETER=FLAG_KEY pairs, from one or several values', () => {
    expect(parseKeyMap('enable_lgalloc=lgalloc-flag;enable_eager_delta_joins = opt.flag;')).toEqual(
      new Map([
        ['enable_lgalloc', 'lgalloc-flag'],
        ['enable_eager_delta_joins', 'opt.flag'],
      ]),
    )
    expect(parseKeyMap(['a=b', 'c=d;e=f']).size).toBe(3)
    expect(parseKeyMap('')).toEqual(new Map())
  })

  it('refuses malformed entries, bad keys, conflicts and (with a registry) unknown parameters', () => {
    const bad = ['enable_lgalloc', '=flag', 'enable_lgalloc=', 'a=has space', 'a=b;a=c']
    for (const spec of bad) expect(() => parseKeyMap(spec), spec).toThrow(KeyMapError)
    expect(() => parseKeyMap('a=b;a=c')).toThrow('invalid LaunchDarkly key map: a is mapped twice (b and c)')
    expect(() => parseKeyMap('max_connections=x', REGISTRY)).toThrow(
      /"max_connections" is not a synced parameter/,
    )
    expect(parseKeyMap('a=b;a=b').get('a')).toBe('b')
  })
})

describe('openFlagSource errors', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mzcluster-flags-'))
  })

  const fileWith = async (name: string, content: string) => {
    const path = join(dir, name)
    await writeFile(path, content)
    return path
  }

  it('a missing file is a clear usage error', async () => {
    const error = await openFlagSource({flagsFile: join(dir, 'absent.json')}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FlagSourceError)
    expect(error).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^cannot read flags file .*absent\.json/),
    })
  })

  it('a malformed file is a clear typed error, not a stack trace', async () => {
    const cases: [string, RegExp][] = [
      ['{"flags": {', /is not valid JSON/],
      ['[]', /must hold a JSON object/],
      ['{"flags": 7}', /"flags" must be an object/],
      ['{"flags": {"f": {"on": true}}}', /flag "f" needs a "variations" array/],
    ]
    for (const [index, [content, message]] of cases.entries()) {
      const path = await fileWith(`bad-${index}.json`, content)
      await expect(openFlagSource({flagsFile: path})).rejects.toThrow(message)
      await expect(openFlagSource({flagsFile: path})).rejects.toBeInstanceOf(FlagSourceError)
    }
  })

  it('needs exactly one source', async () => {
    await expect(openFlagSource({})).rejects.toThrow('give exactly one of a flags file or an SDK key')
    await expect(openFlagSource({flagsFile: FIXTURE, sdkKey: 'sdk-x'})).rejects.toBeInstanceOf(
      FlagSourceError,
    )
  })

  it('a flagValues file works too (simplified format)', async () => {
    const path = await fileWith('values.json', '{"flagValues": {"enable_lgalloc": false}}')
    const logs: string[] = []
    const source = await openFlagSource({flagsFile: path, onLog: (_level, message) => logs.push(message)})
    try {
      const context = {kind: 'environment', key: 'e'}
      expect((await source.variationDetail('enable_lgalloc', context, true)).value).toBe(false)
      expect((await source.variationDetail('absent', context, 'x')).value).toBe('x')
      expect(logs).toEqual([]) // "Unknown feature flag" is the normal silent case
    } finally {
      source.close()
    }
  })
})
