import {describe, expect, it} from 'vitest'

import {parameterChoices, rankMatches} from '../../src/lib/flags/inspect.js'
import type {ResolvedParameter} from '../../src/lib/parameters/resolve.js'

describe('rankMatches', () => {
  const clusters = ['analytics', 'mz_probe', 'mz_system', 'prod', 'production', 'reprocess'].map((name) => ({name}))

  it('puts the exact match first, then prefix matches, then the rest', () => {
    expect(rankMatches(clusters, 'prod').map((c) => c.name)).toEqual(['prod', 'production'])
    expect(rankMatches(clusters, 'pro').map((c) => c.name)).toEqual(['prod', 'production', 'mz_probe', 'reprocess'])
  })

  it('matches case-insensitively and keeps everything for an empty term', () => {
    expect(rankMatches(clusters, 'PRO')[0]?.name).toBe('prod')
    expect(rankMatches(clusters, undefined)).toHaveLength(clusters.length)
  })
})

describe('parameterChoices', () => {
  const parameter = (name: string, value: string, layer: ResolvedParameter['layer']): ResolvedParameter =>
    ({name, scope: 'cluster', value, layer, layers: {default: 'off', [layer]: value}, rejected: {}}) as ResolvedParameter

  it('gives one aligned line per parameter: name, value, layer', () => {
    const choices = parameterChoices([parameter('enable_a', 'on', 'manual'), parameter('b', 'off', 'default')], 80)
    expect(choices.map((c) => c.name)).toEqual(['enable_a  on   manual', 'b         off  default'])
    expect(choices[0]?.description).toBe('default off · environment — · manual on · synced —')
    expect(choices[0]?.short).toBe('enable_a')
  })

  it('cuts a long value so the line fits the width', () => {
    const [choice] = parameterChoices([parameter('name', 'x'.repeat(200), 'environment')], 40)
    expect([...(choice?.name ?? '')].length).toBeLessThanOrEqual(37)
    expect(choice?.name).toMatch(/^name {2}x+… +environment$/)
  })
})
