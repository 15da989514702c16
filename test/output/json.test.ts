import {describe, expect, it} from 'vitest'

import {jsonSafe, snakeCase, snakeKeys, toJson} from '../../src/lib/output/json.js'

describe('snakeCase', () => {
  it.each([
    ['replicationFactor', 'replication_factor'],
    ['steadyHydratedAtMs', 'steady_hydrated_at_ms'],
    ['replicaID', 'replica_id'],
    ['HTTPServer', 'http_server'],
    ['already_snake', 'already_snake'],
    ['id', 'id'],
  ])('turns %s into %s', (key, expected) => {
    expect(snakeCase(key)).toBe(expected)
  })
})

describe('snakeKeys', () => {
  it('renames keys deeply, inside arrays too, and keeps values', () => {
    expect(
      snakeKeys({clusterName: 'prod', replicas: [{replicaId: 'u1', availabilityZones: ['azA']}]}),
    ).toEqual({
      cluster_name: 'prod',
      replicas: [{replica_id: 'u1', availability_zones: ['azA']}],
    })
  })

  it('leaves non-plain objects such as dates alone', () => {
    const at = new Date(0)
    expect(snakeKeys({createdAt: at})).toEqual({created_at: at})
  })
})

describe('jsonSafe and toJson', () => {
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

  it('prints 2-space JSON in insertion order without renaming keys', () => {
    expect(toJson({b: 1, a: [true], camelKey: 2n})).toBe(
      '{\n  "b": 1,\n  "a": [\n    true\n  ],\n  "camelKey": 2\n}',
    )
  })
})
