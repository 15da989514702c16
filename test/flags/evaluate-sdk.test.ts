import {fileURLToPath} from 'node:url'

import {init, integrations, type LDContext} from '@launchdarkly/node-server-sdk'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  clusterContext,
  environmentContext,
  parseEnvironmentId,
  replicaContext,
} from '../../src/lib/flags/contexts.js'
import {decideOverride} from '../../src/lib/flags/decide.js'
import {openFlagSource, type FlagSource} from '../../src/lib/flags/evaluate.js'
import {fileClientOptions, sdkLogger} from '../../src/lib/flags/flag-source.js'
import {boolType, byteSizeType} from '../../src/lib/parameters/values.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/flags/scoped-flags.json', import.meta.url))

const env = parseEnvironmentId('aws-us-east-1-2d0b6a0e-4c39-4a8e-9c43-0f1d8e7f3b21-0')
const build = {sha: '0123456789abcdef0123456789abcdef01234567', semver: 'v0.130.0'}
const envOnly = environmentContext(env, build)
const cluster = (id: string, name: string) => clusterContext(env, build, {id, name})
const replica = (clusterId: string, clusterName: string, sizeFamily: string) =>
  replicaContext(env, build, {
    id: 'u7',
    name: 'r1',
    size: sizeFamily === 'legacy' ? 'xsmall' : '25cc',
    sizeFamily,
    clusterId,
    clusterName,
  })

describe('G. reference expectations with the LaunchDarkly Node SDK', () => {
  let source: FlagSource
  beforeAll(async () => {
    source = await openFlagSource({flagsFile: FIXTURE})
  })
  afterAll(() => source.close())

  const cases: [string, LDContext, string, unknown, unknown, object, 'row' | 'no row' | null][] = [
    ['env only', envOnly, 'opt-flag', false, false, {kind: 'FALLTHROUGH'}, null],
    [
      'cluster s2 is_builtin',
      cluster('s2', 'mz_catalog_server'),
      'opt-flag',
      false,
      true,
      {kind: 'RULE_MATCH', ruleIndex: 0},
      'row',
    ],
    [
      'cluster u1 quickstart',
      cluster('u1', 'quickstart'),
      'opt-flag',
      false,
      false,
      {kind: 'RULE_MATCH', ruleIndex: 1},
      'no row',
    ],
    ['cluster u99', cluster('u99', 'incident'), 'opt-flag', false, true, {kind: 'TARGET_MATCH'}, 'row'],
    ['cluster u5 other', cluster('u5', 'other'), 'opt-flag', false, false, {kind: 'FALLTHROUGH'}, 'no row'],
    [
      'cluster u5 + legacy replica',
      replica('u5', 'other', 'legacy'),
      'lgalloc-flag',
      true,
      false,
      {kind: 'RULE_MATCH'},
      'row',
    ],
    [
      'cluster u1 + cc replica',
      replica('u1', 'quickstart', 'cc'),
      'lgalloc-flag',
      true,
      true,
      {kind: 'FALLTHROUGH'},
      'no row',
    ],
  ]

  it.each(cases)('G %s', async (_label, context, flag, envWide, value, reason, decision) => {
    const detail = await source.variationDetail(flag, context, envWide)
    expect(detail.value).toBe(value)
    expect(detail.reason).toMatchObject(reason)
    if (decision !== null) {
      const decided = decideOverride(boolType, String(detail.value), String(envWide))
      expect(decided.kind === 'override' ? 'row' : 'no row').toBe(decision)
    }
  })

  it('G the off flag serves its off variation to every context, so never a row', async () => {
    const envWide = await source.variationDetail('off-flag', envOnly, '1GB')
    expect(envWide).toEqual({value: '2GB', variationIndex: 1, reason: {kind: 'OFF'}})
    const scoped = await source.variationDetail('off-flag', cluster('u1', 'quickstart'), envWide.value)
    expect(decideOverride(byteSizeType, String(scoped.value), String(envWide.value))).toEqual({
      kind: 'matches-environment',
    })
  })

  it('G a missing flag serves the default (the env-wide value), so never a row', async () => {
    const detail = await source.variationDetail('missing-key', envOnly, 'dflt')
    expect(detail).toEqual({
      value: 'dflt',
      variationIndex: null,
      reason: {kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND'},
    })
  })

  it('G typed helpers fail with WRONG_TYPE on a string flag (why the untyped call is used)', async () => {
    const client = init('offline', fileClientOptions(FIXTURE, sdkLogger()))
    try {
      await client.waitForInitialization({timeout: 5})
      const detail = await client.boolVariationDetail('off-flag', envOnly, false)
      expect(detail.value).toBe(false)
      expect(detail.reason).toEqual({kind: 'ERROR', errorKind: 'WRONG_TYPE'})
    } finally {
      client.close()
    }
  })

  it('G TestData equivalent: legacy → false/RULE_MATCH rule0, cc → true/FALLTHROUGH', async () => {
    const td = new integrations.TestData()
    td.update(
      td
        .flag('lgalloc-flag')
        .booleanFlag()
        .fallthroughVariation(true)
        .ifMatch('replica', 'replica_size_family', 'legacy')
        .thenReturn(false),
    )
    const testSource = await openFlagSource({testData: td})
    try {
      expect(
        await testSource.variationDetail('lgalloc-flag', replica('u5', 'other', 'legacy'), true),
      ).toMatchObject({
        value: false,
        reason: {kind: 'RULE_MATCH', ruleId: 'rule0'},
      })
      expect(
        await testSource.variationDetail('lgalloc-flag', replica('u1', 'quickstart', 'cc'), true),
      ).toMatchObject({
        value: true,
        reason: {kind: 'FALLTHROUGH'},
      })
    } finally {
      testSource.close()
    }
  })

  it('the batch evaluation (allFlags) agrees with variationDetail for every fixture flag and context', async () => {
    const contexts = [...cases.map((c) => c[1]), replica('u3', 'analytics', 'cc')]
    const keys = [
      'opt-flag',
      'lgalloc-flag',
      'off-flag',
      'enable_eager_delta_joins',
      'enable_lgalloc',
      'enable_compute_half_join2',
      'column_paged_batcher_budget_fraction',
      'missing-key',
    ]
    for (const context of contexts) {
      const all = await source.allFlags(context)
      for (const key of keys) {
        expect(all.detail(key, 'dflt'), key).toEqual(await source.variationDetail(key, context, 'dflt'))
      }
    }
  })
})
