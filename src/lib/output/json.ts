// Values made safe for JSON.stringify (bigints, dates, maps, sets). Key order is the order the shape
// builders write them, so output is deterministic.

export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue}

/**
 * Converts a value to plain JSON: bigint → number when it is a safe integer, else a decimal
 * string; Date → RFC 3339 UTC; Map → object; Set → array; undefined object fields are left out
 * (undefined in arrays becomes null); non-finite numbers → null.
 */
export function jsonSafe(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : null
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return null
  }
  if (value === null) return null
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((item) => jsonSafe(item))
  if (value instanceof Set) return [...value].map((item) => jsonSafe(item))
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object)
  const out: {[key: string]: JsonValue} = {}
  for (const [key, item] of entries) {
    if (item === undefined) continue
    out[String(key)] = jsonSafe(item)
  }
  return out
}
