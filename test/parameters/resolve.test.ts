import {describe, expect, it} from 'vitest'

import {getParameter} from '../../src/lib/parameters/registry.js'
import {resolveParameter, resolveParameters} from '../../src/lib/parameters/resolve.js'

const lgalloc = getParameter('enable_lgalloc')!

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
