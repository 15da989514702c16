import {describe, expect, it} from 'vitest'

import {closestName, didYouMean, editDistance} from '../../src/lib/input/similar.js'

describe('closestName', () => {
  const clusters = ['analytics', 'ingest', 'mz_catalog_server', 'mz_probe', 'mz_system', 'prod', 'search']

  it('suggests the name one edit away', () => {
    expect(closestName('prodd', clusters)).toBe('prod')
    expect(closestName('serach', clusters)).toBe('search')
  })

  it('prefers a case-insensitive match', () => {
    expect(closestName('200CC', ['100cc', '200cc', '300cc'])).toBe('200cc')
  })

  it('suggests nothing when no name is close', () => {
    expect(closestName('warehouse', clusters)).toBeNull()
    // Short names need a close match: 99cc is two edits from 50cc, too far to suggest.
    expect(closestName('99cc', ['25cc', '50cc', '100cc'])).toBeNull()
    expect(didYouMean('warehouse', clusters)).toBe('')
  })

  it('never suggests the typed name itself', () => {
    expect(closestName('prod', ['prod'])).toBeNull()
  })

  it('phrases the suggestion with the name quoted', () => {
    expect(didYouMean('prodd', clusters)).toBe('did you mean "prod"? ')
  })

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })
})
