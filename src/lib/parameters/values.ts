// Parameter value types: each parses a raw spelling (what LaunchDarkly, a file or an operator wrote)
// and formats the canonical spelling. Comparing canonical spellings is what lets `true` and `on` be
// the same boolean (flags-spec §7.1, §15). Pure; no I/O.

import {DurationParseError} from './errors.js'

export type Result<V> = {readonly ok: true; readonly value: V} | {readonly ok: false; readonly error: string}

const ok = <V>(value: V): Result<V> => ({ok: true, value})
const fail = <V>(error: string): Result<V> => ({ok: false, error})

/** A value type: its display name (`bool`, `optional<byte-size>`), parser and canonical formatter. */
export interface ParameterType<V> {
  readonly name: string
  parse(raw: string): Result<V>
  format(value: V): string
}

/** Anything with a parser and a formatter (a type or a parameter definition). */
export interface Codec<V> {
  parse(raw: string): Result<V>
  format(value: V): string
}

/** Parse `raw` and re-format it canonically; null when it does not parse. */
export function canonicalize<V>(param: Codec<V>, raw: string): string | null {
  const parsed = param.parse(raw)
  return parsed.ok ? param.format(parsed.value) : null
}

// --- bool ---------------------------------------------------------------------------------------

/** Strict parse accepts `true/false/on/off` (any case); the canonical spelling is `on`/`off`. */
export const boolType: ParameterType<boolean> = {
  name: 'bool',
  parse(raw) {
    const lower = raw.toLowerCase()
    if (lower === 'true' || lower === 'on') return ok(true)
    if (lower === 'false' || lower === 'off') return ok(false)
    return fail(`expected on, off, true or false, got ${JSON.stringify(raw)}`)
  },
  format: (value) => (value ? 'on' : 'off'),
}

// --- numbers ------------------------------------------------------------------------------------

/** Whole numbers only (no fraction, no exponent), within the safe-integer range and `min`. */
export function integerType(options: {min?: number} = {}): ParameterType<number> {
  const min = options.min
  return {
    name: 'integer',
    parse(raw) {
      if (!/^[+-]?\d+$/.test(raw)) return fail(`expected a whole number, got ${JSON.stringify(raw)}`)
      const value = Number(BigInt(raw))
      if (!Number.isSafeInteger(value)) return fail(`${raw} is out of range`)
      if (min !== undefined && value < min) return fail(`expected at least ${min}, got ${raw}`)
      return ok(value === 0 ? 0 : value)
    },
    format: (value) => String(value),
  }
}

/** Finite decimal numbers (`0.05`, `3`, `1e3`); canonical form is {@link formatDecimal}. */
export const floatType: ParameterType<number> = {
  name: 'float',
  parse(raw) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
      return fail(`expected a number, got ${JSON.stringify(raw)}`)
    }
    const value = Number(raw)
    return Number.isFinite(value) ? ok(value) : fail(`${raw} is out of range`)
  },
  format: (value) => formatDecimal(value),
}

/**
 * Shortest round-trip decimal digits, never in exponent notation, like Rust's f64 `Display`
 * (which LaunchDarkly numbers went through upstream): 3 → `3`, 1e21 → `1000000000000000000000`.
 */
export function formatDecimal(n: number): string {
  if (n === 0) return '0' // also -0
  const text = String(n)
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (!m) return text
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m
  const digits = whole + fraction
  const point = whole.length + Number(exponent)
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length)
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

// --- string and enum ----------------------------------------------------------------------------

export const stringType: ParameterType<string> = {
  name: 'string',
  parse: (raw) => ok(raw),
  format: (value) => value,
}

/** One of a fixed set of words, matched case-insensitively; canonical is the declared spelling. */
export function enumType<const W extends string>(words: readonly W[]): ParameterType<W> {
  return {
    name: `enum(${words.join('|')})`,
    parse(raw) {
      const word = words.find((w) => w.toLowerCase() === raw.toLowerCase())
      return word === undefined
        ? fail(`expected one of ${words.join(', ')}, got ${JSON.stringify(raw)}`)
        : ok(word)
    },
    format: (value) => value,
  }
}

// --- optional -----------------------------------------------------------------------------------

/** `none`, `null` (any case) or the empty string mean "no value" (null); canonical `none`. */
export function optionalType<V>(inner: ParameterType<V>): ParameterType<V | null> {
  return {
    name: `optional<${inner.name}>`,
    parse(raw) {
      const lower = raw.toLowerCase()
      if (raw === '' || lower === 'none' || lower === 'null') return ok(null)
      return inner.parse(raw)
    },
    format: (value) => (value === null ? 'none' : inner.format(value)),
  }
}

// --- duration -----------------------------------------------------------------------------------

const DURATION_UNIT_MS: Readonly<Record<string, bigint>> = {
  ms: 1n,
  s: 1000n,
  m: 60_000n,
  h: 3_600_000n,
  d: 86_400_000n,
}
const DURATION_TERM = /(\d+)(?:\.(\d+))?(ms|s|m|h|d)/y

/**
 * Parse a duration into whole milliseconds. Grammar: one or more `<number><unit>` terms with unit
 * `ms`, `s`, `m` (minutes), `h` or `d` (`1h30m`, `1.5s`), or a bare `0`. No spaces, no sign; the
 * total must be a whole number of milliseconds. Throws {@link DurationParseError}.
 */
export function parseDurationMs(text: string): number {
  if (text === '0') return 0
  if (text === '') throw new DurationParseError(text, 'it is empty')
  let total = 0n
  DURATION_TERM.lastIndex = 0
  while (DURATION_TERM.lastIndex < text.length) {
    const m = DURATION_TERM.exec(text)
    if (!m) throw new DurationParseError(text, 'expected <number><unit> terms with unit ms, s, m, h or d')
    const [, whole = '0', fraction = '', unit = 'ms'] = m
    const scale = 10n ** BigInt(fraction.length)
    const scaled = (BigInt(whole) * scale + BigInt(fraction || '0')) * (DURATION_UNIT_MS[unit] ?? 1n)
    if (scaled % scale !== 0n) throw new DurationParseError(text, 'it is finer than a millisecond')
    total += scaled / scale
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new DurationParseError(text, 'it is too long')
  return Number(total)
}

const FORMAT_UNITS: readonly (readonly [string, number])[] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
]

/**
 * Canonical duration: greedy hours, minutes, seconds, milliseconds, each at most once and zero
 * terms omitted (`24h`, `20m`, `1h30m`, `1s500ms`); zero is `0s`. Days are accepted on input but
 * never written, so the defaults read as documented (`24h`, not `1d`).
 */
export function formatDurationMs(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a duration in milliseconds: ${ms}`)
  if (ms === 0) return '0s'
  let rest = ms
  let text = ''
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size)
    if (count > 0) text += `${count}${unit}`
    rest -= count * size
  }
  return text
}

/** Durations in milliseconds (see {@link parseDurationMs} and {@link formatDurationMs}). */
export const durationType: ParameterType<number> = {
  name: 'duration',
  parse(raw) {
    try {
      return ok(parseDurationMs(raw))
    } catch (error) {
      if (error instanceof DurationParseError) return fail(error.message)
      throw error
    }
  },
  format: formatDurationMs,
}

// --- byte size ----------------------------------------------------------------------------------

const KIB = 1024n
const BYTE_UNITS: Readonly<Record<string, bigint>> = {
  '': 1n,
  b: 1n,
  kib: KIB,
  kb: KIB,
  mib: KIB ** 2n,
  mb: KIB ** 2n,
  gib: KIB ** 3n,
  gb: KIB ** 3n,
  tib: KIB ** 4n,
  tb: KIB ** 4n,
}

const FORMAT_BYTE_UNITS: readonly (readonly [string, number])[] = [
  ['TiB', 1024 ** 4],
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
]

/**
 * Sizes in bytes. Input: a whole number with an optional unit, case-insensitive, optional space:
 * `B`, `KiB`/`kB`, `MiB`/`MB`, `GiB`/`GB`, `TiB`/`TB` — all 1024-based, as PostgreSQL and
 * Materialize read `1GB`. Canonical: the largest binary unit that divides exactly (`64MiB`,
 * `10KiB`, `1GiB`), else bytes (`1000B`); zero is `0B`.
 */
export const byteSizeType: ParameterType<number> = {
  name: 'byte-size',
  parse(raw) {
    const m = /^(\d+) ?([A-Za-z]*)$/.exec(raw)
    const unit = m ? BYTE_UNITS[(m[2] ?? '').toLowerCase()] : undefined
    if (!m || unit === undefined) {
      return fail(`expected a byte size such as 64MiB, 1GB or 4096, got ${JSON.stringify(raw)}`)
    }
    const bytes = BigInt(m[1] ?? '0') * unit
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`${raw} is out of range`)
    return ok(Number(bytes))
  },
  format(bytes) {
    if (bytes === 0) return '0B'
    const unit = FORMAT_BYTE_UNITS.find(([, size]) => bytes % size === 0)
    return unit ? `${bytes / unit[1]}${unit[0]}` : `${bytes}B`
  },
}
