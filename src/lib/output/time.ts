// Timestamps and durations as people and scripts read them: RFC 3339 UTC for machines and pipes,
// "in 23h 59m" / "5m ago" on a terminal, and compact Go-style durations (`1h30m`) that
// parseDuration (input/duration.ts) reads back.

/** Milliseconds since the epoch → `2026-11-22T03:04:05.000Z`. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString()
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
]

/** `ms` relative to `nowMs`, to the two largest units, truncated: "in 23h 59m", "5m ago", "now". */
export function formatRelative(ms: number, nowMs: number): string {
  const delta = ms - nowMs
  const abs = Math.abs(delta)
  if (abs < 1000) return 'now'
  const index = UNITS.findIndex(([, size]) => abs >= size)
  const [unit, size] = UNITS[index] ?? ['s', 1000]
  let text = `${Math.floor(abs / size)}${unit}`
  const next = UNITS[index + 1]
  if (next !== undefined) {
    const count = Math.floor((abs % size) / next[1])
    if (count > 0) text += ` ${count}${next[0]}`
  }
  return delta > 0 ? `in ${text}` : `${text} ago`
}

/**
 * A duration in ms → `1h30m`, `45s`, `1.5s`, `250ms`, `0s`. Hours are the largest unit (24h, not
 * 1d, as in Go); zero components are left out; sub-second remainders become seconds' decimals.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`
  if (ms === 0) return '0s'
  if (ms < 1000) return `${trimDecimals(ms)}ms`
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = (ms % 60_000) / 1000
  let text = ''
  if (hours > 0) text += `${hours}h`
  if (minutes > 0) text += `${minutes}m`
  if (seconds > 0) text += `${trimDecimals(seconds)}s`
  return text
}

/** Up to three decimals (millisecond precision), without trailing zeros. */
const trimDecimals = (value: number): string => String(Math.round(value * 1000) / 1000)
