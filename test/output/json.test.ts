import {describe, expect, it} from 'vitest'

import {jsonSafe} from '../../src/lib/output/json.js'

describe('jsonSafe', () => {
  it('turns a safe bigint into a number and a huge one into a string', () => {
    expect(jsonSafe({small: 1795341600000n, huge: 2n ** 64n})).toEqual({
      small: 1795341600000,
      huge: '18446744073709551616',
    })
  })

  it('drops undefined fields, keeps nulls and renders dates as RFC 3339', () => {
    expect(jsonSafe({a: undefined, b: null, at: new Date(Date.UTC(2026, 10, 22))})).toEqual({
      b: null,
      at: '2026-11-22T00:00:00.000Z',
    })
  })
})
