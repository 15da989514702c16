// The lines `flags set`/`flags unset` print per parameter (and their dry runs print the same):
// the target follows "for", so a value of `on` never reads "= on on cluster".

import {describe, expect, it} from 'vitest'
import type {SettingChange} from '../../src/lib/flags/settings.js'
import {parseSettings} from '../../src/lib/flags/settings.js'
import {settingLine} from '../../src/lib/flags/render.js'
import {makeStyle} from '../../src/lib/output/style.js'

const plain = makeStyle(false)
const onCluster = (change: Partial<SettingChange>): SettingChange => ({
  scope: 'cluster',
  object_id: 'u1',
  object_name: 'prod',
  name: 'enable_eager_delta_joins',
  value: 'on',
  previous: null,
  changed: true,
  ...change,
})

describe('settingLine', () => {
  it('names the target after "for", never "= on on cluster"', () => {
    expect(settingLine(onCluster({}), plain)).toBe('+ enable_eager_delta_joins = on for cluster prod (u1)')
    expect(settingLine(onCluster({previous: 'off'}), plain)).toBe(
      '~ enable_eager_delta_joins: off → on for cluster prod (u1)',
    )
    expect(settingLine(onCluster({value: null, previous: 'on'}), plain)).toBe(
      '- enable_eager_delta_joins for cluster prod (u1) (was on)',
    )
    expect(settingLine(onCluster({changed: false, previous: 'on'}), plain)).toBe(
      'enable_eager_delta_joins is already on for cluster prod (u1)',
    )
    for (const change of [onCluster({}), onCluster({previous: 'off'}), onCluster({changed: false})]) {
      expect(settingLine(change, plain)).not.toMatch(/\bon on\b/)
    }
  })

  it('says environment-wide for an environment value', () => {
    const change = onCluster({
      scope: 'environment',
      object_id: null,
      object_name: null,
      name: 'max_replicas_per_cluster',
      value: '9',
    })
    expect(settingLine(change, plain)).toBe('+ max_replicas_per_cluster = 9 environment-wide')
  })
})

describe('a value that does not parse', () => {
  it('names the type with the right article: "is an integer"', () => {
    let hint: string | undefined
    try {
      parseSettings(['max_replicas_per_cluster=x'], {kind: 'environment'})
    } catch (error) {
      hint = (error as {hint?: string}).hint
    }
    expect(hint).toBe('max_replicas_per_cluster is an integer (default 5)')
  })
})
