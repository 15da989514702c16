import {describe, expect, it} from 'vitest'

import {sizeFamily} from '../../src/lib/flags/size-family.js'

/** The size map's JSON shape (snake_case `is_cc`) mapped to the function's input. */
const fromSizeJson = (json: string) => {
  const size = JSON.parse(json) as {family?: string; is_cc?: boolean}
  return sizeFamily({family: size.family, isCc: size.is_cc})
}

describe('A7 size family derivation', () => {
  it('A7 an explicit family is used', () => {
    expect(fromSizeJson('{"scale":1,"workers":1,"credits_per_hour":"0","family":"D"}')).toBe('D')
  })

  it('A7 no family and is_cc absent (defaults true) → cc', () => {
    expect(fromSizeJson('{"scale":1,"workers":1,"credits_per_hour":"0"}')).toBe('cc')
  })

  it('A7 no family and is_cc false → legacy', () => {
    expect(fromSizeJson('{"scale":1,"workers":1,"credits_per_hour":"0","is_cc":false}')).toBe('legacy')
  })

  it('A7 an explicit family wins over is_cc false', () => {
    expect(fromSizeJson('{"is_cc":false,"family":"legacy-special"}')).toBe('legacy-special')
  })
})
