import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {DurationParseError} from '../../src/lib/parameters/errors.js'
import {getParameter} from '../../src/lib/parameters/registry.js'
import {
  boolType,
  byteSizeType,
  canonicalize,
  durationType,
  enumType,
  floatType,
  formatDecimal,
  formatDurationMs,
  integerType,
  optionalType,
  parseDurationMs,
  stringType,
  type ParameterType,
} from '../../src/lib/parameters/values.js'

const parsed = <V>(type: ParameterType<V>, raw: string) => {
  const result = type.parse(raw)
  if (!result.ok) throw new Error(`expected ${raw} to parse: ${result.error}`)
  return result.value
}

describe('A. canonicalization', () => {
  it('A4 canonicalization bridges boolean spellings', () => {
    const param = getParameter('enable_eager_delta_joins')
    if (!param) throw new Error('missing parameter')
    expect(param.format(param.default)).toBe('off')
    expect(canonicalize(param, 'false')).toBe('off')
    expect(canonicalize(param, 'true')).toBe('on')
    expect(canonicalize(param, 'off')).toBe(canonicalize(param, 'false'))
    expect(canonicalize(param, 'on')).toBe(canonicalize(param, 'true'))
    expect(canonicalize(param, 'not-a-bool')).toBeNull()
  })
})

describe('bool', () => {
  it('accepts true/false/on/off in any case and formats on/off', () => {
    expect(['true', 'ON', 'On', 'TRUE'].map((raw) => parsed(boolType, raw))).toEqual([true, true, true, true])
    expect(['false', 'OFF', 'Off'].map((raw) => parsed(boolType, raw))).toEqual([false, false, false])
    expect(boolType.format(true)).toBe('on')
    expect(boolType.format(false)).toBe('off')
  })

  it('rejects the lenient spellings (only on, off, true and false parse)', () => {
    for (const raw of ['yes', '1', 't', ' true', '']) expect(boolType.parse(raw).ok).toBe(false)
  })
})

describe('integer', () => {
  const count = integerType({min: 0})
  it('accepts whole numbers only', () => {
    expect(parsed(count, '8192')).toBe(8192)
    expect(parsed(count, '+007')).toBe(7)
    expect(count.format(parsed(count, '+007'))).toBe('7')
    for (const raw of ['1.5', '1.0', '1e3', '', ' 1', 'ten']) expect(count.parse(raw).ok).toBe(false)
  })

  it('enforces the minimum and the safe-integer range', () => {
    expect(count.parse('-1')).toEqual({ok: false, error: 'expected at least 0, got -1'})
    expect(integerType().parse('-1')).toEqual({ok: true, value: -1})
    expect(count.parse('9007199254740993').ok).toBe(false)
  })
})

describe('float', () => {
  it('parses decimals and formats a plain decimal without exponent', () => {
    expect(floatType.format(parsed(floatType, '0.05'))).toBe('0.05')
    expect(floatType.format(parsed(floatType, '3.0'))).toBe('3')
    expect(floatType.format(parsed(floatType, '1e3'))).toBe('1000')
    expect(formatDecimal(1e21)).toBe('1000000000000000000000')
    expect(formatDecimal(1.5e-7)).toBe('0.00000015')
    expect(formatDecimal(-2.5e22)).toBe('-25000000000000000000000')
    expect(formatDecimal(-0)).toBe('0')
  })

  it('rejects non-numbers and non-finite values', () => {
    for (const raw of ['lots', 'NaN', 'inf', 'Infinity', '1e999', '', '1,5'])
      expect(floatType.parse(raw).ok).toBe(false)
  })

  it('round-trips every finite double through its canonical form', () => {
    fc.assert(
      fc.property(fc.double({noNaN: true, noDefaultInfinity: true}), (n) => {
        const text = floatType.format(n)
        expect(text).not.toMatch(/e/)
        expect(parsed(floatType, text)).toBe(n === 0 ? 0 : n)
      }),
    )
  })
})

describe('duration', () => {
  it('parses the strict grammar into milliseconds', () => {
    expect(parseDurationMs('30s')).toBe(30_000)
    expect(parseDurationMs('1200s')).toBe(1_200_000)
    expect(parseDurationMs('10ms')).toBe(10)
    expect(parseDurationMs('1h30m')).toBe(5_400_000)
    expect(parseDurationMs('1.5s')).toBe(1500)
    expect(parseDurationMs('1d')).toBe(86_400_000)
    expect(parseDurationMs('0')).toBe(0)
    expect(parseDurationMs('0s')).toBe(0)
  })

  it('rejects `10 minutes`, `-5s`, empty, bare numbers and sub-millisecond values with a typed error', () => {
    for (const text of ['10 minutes', '-5s', '', '5', '1.5', 's', '1 s', '1S', '0.5ms', '5m ']) {
      expect(() => parseDurationMs(text)).toThrow(DurationParseError)
    }
    expect(() => parseDurationMs('10 minutes')).toThrow(/invalid duration "10 minutes"/)
    expect(() => parseDurationMs('')).toThrow(/empty/)
    expect(() => parseDurationMs('0.5ms')).toThrow(/finer than a millisecond/)
  })

  it('formats greedily in h/m/s/ms, zero as 0s, never in days', () => {
    expect(formatDurationMs(86_400_000)).toBe('24h')
    expect(formatDurationMs(1_200_000)).toBe('20m')
    expect(formatDurationMs(5_400_000)).toBe('1h30m')
    expect(formatDurationMs(1500)).toBe('1s500ms')
    expect(formatDurationMs(10)).toBe('10ms')
    expect(formatDurationMs(0)).toBe('0s')
    expect(() => formatDurationMs(-1)).toThrow(RangeError)
  })

  it('round-trips: parse(format(ms)) = ms, and format is idempotent over spellings', () => {
    fc.assert(
      fc.property(fc.nat({max: 2 ** 40}), (ms) => {
        expect(parseDurationMs(formatDurationMs(ms))).toBe(ms)
      }),
    )
    expect(canonicalize(durationType, '90s')).toBe(canonicalize(durationType, '1m30s'))
    expect(durationType.parse('nope')).toMatchObject({ok: false})
  })
})

describe('byte size', () => {
  it('accepts bytes and 1024-based units, formats in the largest exact binary unit', () => {
    expect(parsed(byteSizeType, '64MiB')).toBe(64 * 1024 * 1024)
    expect(parsed(byteSizeType, '1GB')).toBe(1024 ** 3)
    expect(parsed(byteSizeType, '10 kB')).toBe(10_240)
    expect(parsed(byteSizeType, '4096')).toBe(4096)
    expect(byteSizeType.format(64 * 1024 * 1024)).toBe('64MiB')
    expect(byteSizeType.format(1024 ** 3)).toBe('1GiB')
    expect(byteSizeType.format(10_240)).toBe('10KiB')
    expect(byteSizeType.format(1000)).toBe('1000B')
    expect(byteSizeType.format(0)).toBe('0B')
    expect(canonicalize(byteSizeType, '8388608')).toBe('8MiB')
  })

  it('rejects fractions, signs and unknown units', () => {
    for (const raw of ['1.5GB', '-1MiB', '10 bytes', 'MiB', '', '1PB'])
      expect(byteSizeType.parse(raw).ok).toBe(false)
  })

  it('round-trips every size through its canonical form', () => {
    fc.assert(
      fc.property(fc.nat({max: Number.MAX_SAFE_INTEGER}), (bytes) => {
        expect(parsed(byteSizeType, byteSizeType.format(bytes))).toBe(bytes)
      }),
    )
  })
})

describe('optional, string and enum', () => {
  const maybeBytes = optionalType(byteSizeType)
  it('optional: none/null/empty mean no value, formatted none', () => {
    for (const raw of ['none', 'None', 'null', '']) expect(parsed(maybeBytes, raw)).toBeNull()
    expect(maybeBytes.format(null)).toBe('none')
    expect(canonicalize(maybeBytes, '1GB')).toBe('1GiB')
    expect(maybeBytes.parse('lots').ok).toBe(false)
    expect(maybeBytes.name).toBe('optional<byte-size>')
  })

  it('string: any text is itself', () => {
    expect(canonicalize(stringType, 'work:1000000,time:100')).toBe('work:1000000,time:100')
    expect(canonicalize(stringType, '')).toBe('')
  })

  it('enum: case-insensitive, canonical declared spelling', () => {
    const source = enumType(['catalog', 'simulated'])
    expect(canonicalize(source, 'Simulated')).toBe('simulated')
    expect(source.parse('orchestrator')).toEqual({
      ok: false,
      error: 'expected one of catalog, simulated, got "orchestrator"',
    })
    expect(source.name).toBe('enum(catalog|simulated)')
  })
})
