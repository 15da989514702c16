import {describe, expect, it} from 'vitest'

import {decideOverride, renderLdValue} from '../../src/lib/flags/decide.js'
import {getParameter, type ParameterDef} from '../../src/lib/parameters/registry.js'

const param = (name: string): ParameterDef => {
  const def = getParameter(name)
  if (!def) throw new Error(`unknown ${name}`)
  return def
}

describe('value-difference rule (flags-spec §7.1)', () => {
  const eager = param('enable_eager_delta_joins')

  it('a served value that differs canonically is an override, stored raw (true, not on)', () => {
    expect(decideOverride(eager, 'true', 'off')).toEqual({kind: 'override', raw: 'true'})
  })

  it('a served value equal to the env-wide value after canonicalization is no row', () => {
    expect(decideOverride(eager, 'false', 'off')).toEqual({kind: 'matches-environment'})
    expect(decideOverride(eager, 'on', 'true')).toEqual({kind: 'matches-environment'})
  })

  it('an unparseable served value is dropped, never stored', () => {
    expect(decideOverride(eager, 'maybe', 'off')).toEqual({kind: 'unparseable'})
    expect(decideOverride(param('column_paged_batcher_budget_fraction'), 'lots', '0.05')).toEqual({
      kind: 'unparseable',
    })
  })

  it('compares canonical forms of every type', () => {
    const bytes = param('lgalloc_local_buffer_bytes')
    expect(decideOverride(bytes, '67108864', '64MiB')).toEqual({kind: 'matches-environment'})
    expect(decideOverride(bytes, '1GB', '64MiB')).toEqual({kind: 'override', raw: '1GB'})
    const interval = param('memory_limiter_interval')
    expect(decideOverride(interval, '10000ms', '10s')).toEqual({kind: 'matches-environment'})
    expect(decideOverride(param('compute_correction_v2_chain_proportionality'), '3.0', '3')).toEqual({
      kind: 'matches-environment',
    })
  })
})

describe('renderLdValue (flags-spec §4)', () => {
  it('renders booleans, strings, numbers and JSON', () => {
    expect(renderLdValue(true)).toBe('true')
    expect(renderLdValue(false)).toBe('false')
    expect(renderLdValue('1GB')).toBe('1GB')
    expect(renderLdValue(1000)).toBe('1000')
    expect(renderLdValue(0.05)).toBe('0.05')
    expect(renderLdValue(1e21)).toBe('1000000000000000000000')
    expect(renderLdValue({a: [1, 'b']})).toBe('{"a":[1,"b"]}')
    expect(renderLdValue([1, 2])).toBe('[1,2]')
    expect(renderLdValue(null)).toBe('null')
  })
})
