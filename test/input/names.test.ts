import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/errors.js'
import {parseAzList, parseKeyValue, parseReplicaRef, validateName} from '../../src/lib/input/names.js'

describe('validateName', () => {
  it.each([
    'prod',
    'my cluster',
    `it's "quoted"; drop table x`,
    'café',
    '集群',
    'a.b',
    'x'.repeat(255),
    '🚀'.repeat(255),
  ])('accepts %j', (name) => {
    expect(validateName('cluster', name)).toBe(name)
  })

  it('refuses an empty name', () => {
    expect(() => validateName('cluster', '')).toThrow('cluster name must not be empty')
  })

  it.each(['a\nb', 'tab\there', 'esc\u001b[31m', 'nul\u0000', 'del\u007f', 'c1\u0085'])(
    'refuses control characters in %j',
    (name) => {
      expect(() => validateName('replica', name)).toThrow(
        /invalid replica name .*: names cannot contain control characters/,
      )
    },
  )

  it('refuses a name longer than 255 characters', () => {
    expect(() => validateName('cluster', 'x'.repeat(256))).toThrow(
      'cluster name is too long (256 characters; the limit is 255)',
    )
  })
})

describe('parseReplicaRef', () => {
  it.each([
    ['prod.r1', 'prod', 'r1'],
    ['"my.cluster".r1', 'my.cluster', 'r1'],
    ['my\\.cluster.r1', 'my.cluster', 'r1'],
    ['prod.r.1', 'prod', 'r.1'],
    ['"say ""hi""".r1', 'say "hi"', 'r1'],
    ['prod."r 1"', 'prod', 'r 1'],
    ['集群.副本', '集群', '副本'],
    ['back\\\\.r1', 'back\\', 'r1'],
  ])('reads %s as cluster %j, replica %j', (text, cluster, replica) => {
    expect(parseReplicaRef(text)).toEqual({cluster, replica})
  })

  it.each(['prod', '"unterminated.r1', '"a.b"r1', 'prod."r1"x', 'prod.', '.r1', ''])('refuses %j', (text) => {
    expect(() => parseReplicaRef(text)).toThrow(UsageError)
  })

  it('explains the expected form when the dot is missing', () => {
    expect(() => parseReplicaRef('prod')).toThrow('invalid replica "prod": use CLUSTER.REPLICA, e.g. prod.r1')
  })
})

describe('parseKeyValue', () => {
  it('splits at the first equals sign', () => {
    expect(parseKeyValue('enable_x=a=b')).toEqual({name: 'enable_x', value: 'a=b'})
  })

  it('allows an empty value', () => {
    expect(parseKeyValue('name=')).toEqual({name: 'name', value: ''})
  })

  it.each(['novalue', '=value', ''])('refuses %j', (text) => {
    expect(() => parseKeyValue(text)).toThrow(/use NAME=VALUE/)
  })
})

describe('parseAzList', () => {
  it('trims items and keeps their order', () => {
    expect(parseAzList(' az2, az1 ')).toEqual(['az2', 'az1'])
  })

  it('reads an empty string as no zones', () => {
    expect(parseAzList('')).toEqual([])
  })

  it.each(['a,,b', 'a,', ',a', ' , '])('refuses an empty item in %j', (text) => {
    expect(() => parseAzList(text)).toThrow(/the list has an empty item/)
  })

  it('refuses duplicates, naming the zone', () => {
    expect(() => parseAzList('az1,az2, az1')).toThrow(
      'invalid availability zones "az1,az2, az1": "az1" is listed twice',
    )
  })
})
