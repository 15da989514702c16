// Memory amounts in the size map: read the way Materialize reads `memory_limit` (the bytesize
// crate: `8GiB`, `8 GiB`, `8Gi`, `8GB` = 8·10⁹, a bare byte count) and shown with binary units.

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
  p: 1e15,
  pb: 1e15,
  pi: 1024 ** 5,
  pib: 1024 ** 5,
}

const QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i

/** A positive whole number of bytes from a number or a string with a unit; null when it does not parse. */
export function parseMemory(value: unknown): number | null {
  let bytes: number
  if (typeof value === 'number') {
    bytes = value
  } else if (typeof value === 'string') {
    const match = QUANTITY.exec(value)
    const unit = match ? UNIT_BYTES[(match[2] ?? '').toLowerCase()] : undefined
    if (!match || unit === undefined) return null
    bytes = Math.round(Number(match[1]) * unit)
  } else {
    return null
  }
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : null
}

const BINARY_UNITS: readonly (readonly [string, number])[] = [
  ['PiB', 1024 ** 5],
  ['TiB', 1024 ** 4],
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
]

/** Bytes → `8GiB`, `1.5GiB`, `512MiB`, `1000B` (up to two decimals; parseMemory reads it back). */
export function formatMemory(bytes: number): string {
  const unit = BINARY_UNITS.find(([, size]) => bytes >= size)
  if (unit === undefined) return `${bytes}B`
  return `${Math.round((bytes / unit[1]) * 100) / 100}${unit[0]}`
}
