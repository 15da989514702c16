// JSON output for `--json`: snake_case keys (matching the catalog's columns), values made safe for
// JSON.stringify, 2-space indentation. Key order is the order the shape builders write them, so
// output is deterministic and diffs of snapshot tests stay readable.

export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue}

/** `replicationFactor` → `replication_factor`, `replicaID` → `replica_id`; snake_case is unchanged. */
export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** Deeply renames the keys of plain objects (inside arrays too) to snake_case. */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => snakeKeys(item))
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[snakeCase(key)] = snakeKeys(item)
  return out
}

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

/** The `--json` document: jsonSafe, 2-space indentation, no trailing newline. Keys are not renamed. */
export function toJson(value: unknown): string {
  return JSON.stringify(jsonSafe(value), null, 2)
}
