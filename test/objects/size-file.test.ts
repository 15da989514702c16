// Reading size files: both accepted formats, every defect refused with the entry and the field.

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/errors.js'
import {formatMemory, parseMemory} from '../../src/lib/sizes/memory.js'
import {parseSizeFile} from '../../src/lib/sizes/size-file.js'

const GiB = 1024 ** 3

describe('parseSizeFile', () => {
  it('reads the `size list --json` array (family and disabled optional)', () => {
    const text = JSON.stringify([
      {
        name: '100cc',
        family: 'cc',
        workers: 2,
        processes: 1,
        memory_bytes: 8 * GiB,
        credits_per_hour: 1,
        disabled: false,
      },
      {name: 'tiny', workers: 1, processes: 1, memory_bytes: '512MiB', credits_per_hour: 0.125},
    ])
    expect(parseSizeFile(text, 'sizes.json')).toEqual([
      {
        name: '100cc',
        family: 'cc',
        workers: 2,
        processes: 1,
        memoryBytes: 8 * GiB,
        creditsPerHour: 1,
        disabled: false,
      },
      {
        name: 'tiny',
        family: 'cc',
        workers: 1,
        processes: 1,
        memoryBytes: 512 * 1024 ** 2,
        creditsPerHour: 0.125,
        disabled: false,
      },
    ])
  })

  it("reads Materialize's --cluster-replica-sizes map, deriving the family and ignoring other keys", () => {
    const text = JSON.stringify({
      '25cc': {
        workers: 1,
        scale: 1,
        credits_per_hour: '0.25',
        memory_limit: '2GiB',
        cpu_limit: 0.5,
        cpu_exclusive: false,
      },
      xsmall: {workers: 2, scale: 1, credits_per_hour: '1', memory_limit: '8GB', is_cc: false},
      'D.1': {workers: 4, scale: 2, credits_per_hour: '2', memory_limit: 4096, family: 'D', disabled: true},
    })
    expect(parseSizeFile(text, 'mz.json')).toEqual([
      {
        name: '25cc',
        family: 'cc',
        workers: 1,
        processes: 1,
        memoryBytes: 2 * GiB,
        creditsPerHour: 0.25,
        disabled: false,
      },
      {
        name: 'xsmall',
        family: 'legacy',
        workers: 2,
        processes: 1,
        memoryBytes: 8e9,
        creditsPerHour: 1,
        disabled: false,
      },
      {
        name: 'D.1',
        family: 'D',
        workers: 4,
        processes: 2,
        memoryBytes: 4096,
        creditsPerHour: 2,
        disabled: true,
      },
    ])
  })

  it.each([
    ['{"a": ', /^sizes\.json is not valid JSON: /],
    ['42', /expected a JSON array of sizes or an object mapping size names to sizes/],
    ['[]', /the file holds no sizes/],
    ['[1]', /entry 1: must be an object/],
    ['[{"name": "", "workers": 1}]', /entry 1 \(""\): field "name" is invalid: size name must not be empty/],
    ['[{"workers": 1}]', /entry 1: field "name" must be a non-empty string/],
    [
      '{"x": {"workers": 0, "scale": 1, "credits_per_hour": "1", "memory_limit": "1GiB"}}',
      /size "x": field "workers" must be an integer ≥ 1, got 0/,
    ],
    [
      '{"x": {"workers": 1.5, "scale": 1, "credits_per_hour": "1", "memory_limit": "1GiB"}}',
      /size "x": field "workers" must be an integer ≥ 1, got 1.5/,
    ],
    [
      '{"x": {"workers": 1, "credits_per_hour": "1", "memory_limit": "1GiB"}}',
      /size "x": field "scale" must be an integer ≥ 1, got nothing/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": "-1", "memory_limit": "1GiB"}}',
      /size "x": field "credits_per_hour" must be a number ≥ 0, got "-1"/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": "lots", "memory_limit": "1GiB"}}',
      /field "credits_per_hour" must be a number ≥ 0/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": 1, "memory_limit": "8 bananas"}}',
      /size "x": field "memory_limit" must be a positive byte count/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": 1}}',
      /size "x": field "memory_limit" must be a positive byte count .* got nothing/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": 1, "memory_limit": 1, "is_cc": "yes"}}',
      /size "x": field "is_cc" must be true or false/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": 1, "memory_limit": 1, "family": ""}}',
      /size "x": field "family" must be a non-empty string/,
    ],
    [
      '{"x": {"workers": 1, "scale": 1, "credits_per_hour": 1, "memory_limit": 1, "disabled": "no"}}',
      /size "x": field "disabled" must be true or false/,
    ],
    [
      '[{"name": "a", "workers": 1, "processes": 1, "memory_bytes": 1, "credits_per_hour": 1}, {"name": "a", "workers": 1, "processes": 1, "memory_bytes": 1, "credits_per_hour": 1}]',
      /entry 2 \("a"\): repeats the size of entry 1/,
    ],
  ])('refuses %s', (text, message) => {
    let error: unknown
    try {
      parseSizeFile(text, 'sizes.json')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).exitCode).toBe(2)
    expect((error as UsageError).message).toMatch(message)
    expect((error as UsageError).message).not.toContain('\n')
  })
})

describe('memory amounts', () => {
  it.each([
    [8589934592, 8 * GiB],
    ['8GiB', 8 * GiB],
    ['8 GiB', 8 * GiB],
    ['8Gi', 8 * GiB],
    ['8gib', 8 * GiB],
    ['8GB', 8e9],
    ['1.5GiB', 1.5 * GiB],
    ['512MiB', 512 * 1024 ** 2],
    ['4096', 4096],
  ])('reads %j', (input, bytes) => {
    expect(parseMemory(input)).toBe(bytes)
  })

  it.each([0, -1, 1.5, '0', '', 'GiB', '8 XB', '-8GiB', null, true, {}])('refuses %j', (input) => {
    expect(parseMemory(input)).toBeNull()
  })

  it('formats with binary units and reads the result back', () => {
    for (const bytes of [2 * GiB, 1.5 * GiB, 512 * 1024 ** 2, 1000, 64 * 1024 ** 4]) {
      expect(parseMemory(formatMemory(bytes))).toBe(bytes)
    }
    expect(formatMemory(8 * GiB)).toBe('8GiB')
    expect(formatMemory(1000)).toBe('1000B')
  })
})
