import {describe, expect, it} from 'vitest'

import {getParameter} from '../../src/lib/flags/registry.js'
import {optimizerFeatures, resolveParameter, resolveParameters} from '../../src/lib/flags/resolve.js'

const lgalloc = getParameter('enable_lgalloc')!
const noValues = new Map<string, string>()

describe('layers: default < environment < manual < synced', () => {
  it('the default applies when nothing is stored', () => {
    expect(resolveParameter(lgalloc, {})).toEqual({
      name: 'enable_lgalloc',
      scope: 'replica',
      value: 'on',
      layer: 'default',
      layers: {default: 'on'},
      rejected: {},
    })
  })

  it('each higher layer wins; every layer is reported in canonical form', () => {
    expect(resolveParameter(lgalloc, {environment: 'false'})).toMatchObject({
      value: 'off',
      layer: 'environment',
    })
    expect(resolveParameter(lgalloc, {environment: 'false', manual: 'true'})).toMatchObject({
      value: 'on',
      layer: 'manual',
    })
    expect(resolveParameter(lgalloc, {environment: 'on', manual: 'true', synced: 'false'})).toEqual({
      name: 'enable_lgalloc',
      scope: 'replica',
      value: 'off',
      layer: 'synced',
      layers: {default: 'on', environment: 'on', manual: 'on', synced: 'off'},
      rejected: {},
    })
  })

  it('an invalid stored value falls through to the next-lower layer and is reported', () => {
    const resolved = resolveParameter(lgalloc, {environment: 'off', manual: 'maybe', synced: 'perhaps'})
    expect(resolved).toMatchObject({
      value: 'off',
      layer: 'environment',
      rejected: {manual: 'maybe', synced: 'perhaps'},
    })
    expect(resolved.layers).toEqual({default: 'on', environment: 'off'})
  })

  it('resolves the parameters that apply to the target', () => {
    const cluster = resolveParameters({
      target: 'cluster',
      environment: new Map([['enable_eager_delta_joins', 'on']]),
      manual: new Map([['enable_join_prioritize_arranged', 'true']]),
      synced: new Map([['enable_eager_delta_joins', 'false']]),
    })
    expect(cluster.every((p) => p.scope === 'cluster')).toBe(true)
    expect(cluster).toHaveLength(6)
    expect(cluster.find((p) => p.name === 'enable_eager_delta_joins')).toMatchObject({
      value: 'off',
      layer: 'synced',
    })
    expect(cluster.find((p) => p.name === 'enable_join_prioritize_arranged')).toMatchObject({
      value: 'on',
      layer: 'manual',
    })
    const env = resolveParameters({
      target: 'environment',
      environment: new Map([['default_hydration_burst_linger', '90s']]),
    })
    expect(env.find((p) => p.name === 'default_hydration_burst_linger')).toMatchObject({
      value: '1m30s',
      layer: 'environment',
    })
    expect(env.some((p) => p.scope === 'replica')).toBe(true)
  })
})

describe('A8 optimizer features (flags-spec §8.1)', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['on', true],
    ['off', false],
  ])('A8 stored %s decodes to %s', (stored, expected) => {
    const {values, softErrors} = optimizerFeatures({
      environment: noValues,
      synced: new Map([['enable_eager_delta_joins', stored]]),
    })
    expect(values.get('enable_eager_delta_joins')).toBe(expected)
    expect(softErrors).toEqual([])
  })

  it('system config, then FEATURES, then scoped overrides; other names ignored', () => {
    const {values} = optimizerFeatures({
      environment: new Map([
        ['enable_eager_delta_joins', 'on'],
        ['enable_left_joins_lowering', 'on'],
      ]),
      features: new Map([
        ['enable_eager_delta_joins', 'no'],
        ['enable_join_prioritize_arranged', 'YES'],
        ['enable_lgalloc', 'off'],
      ]),
      synced: new Map([['enable_join_prioritize_arranged', 'f']]),
    })
    expect(Object.fromEntries(values)).toEqual({
      enable_new_outer_join_lowering: false,
      enable_eager_delta_joins: false,
      enable_left_joins_lowering: true,
      enable_variadic_left_join_lowering: false,
      enable_join_prioritize_arranged: false,
      enable_projection_pushdown_after_relation_cse: false,
    })
  })

  it('an undecodable stored value yields false with a soft error', () => {
    const {values, softErrors} = optimizerFeatures({
      environment: new Map([['enable_eager_delta_joins', 'on']]),
      synced: new Map([['enable_eager_delta_joins', 'maybe']]),
    })
    expect(values.get('enable_eager_delta_joins')).toBe(false)
    expect(softErrors).toEqual([
      'synced override value "maybe" of enable_eager_delta_joins is not a boolean; using false',
    ])
  })
})
