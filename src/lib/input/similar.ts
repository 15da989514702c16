// "Did you mean …?": the known name closest to one typed wrongly, for unknown commands and
// unknown cluster, replica and size names.

/** Levenshtein edit distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length] as number
}

/**
 * The candidate closest to `typed`, or null when none is close: a case-insensitive match wins
 * (`200CC` → `200cc`); otherwise the smallest edit distance, at most a third of the typed
 * length); ties go to the earlier candidate.
 */
export function closestName(typed: string, candidates: readonly string[]): string | null {
  const folded = typed.toLowerCase()
  const sameCase = candidates.find((candidate) => candidate.toLowerCase() === folded)
  if (sameCase !== undefined && sameCase !== typed) return sameCase
  const limit = Math.max(1, Math.floor([...typed].length / 3))
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    if (candidate === typed) continue
    const d = editDistance(folded, candidate.toLowerCase())
    if (d <= limit && d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** `did you mean "prod"? ` (with the trailing space) or the empty string. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const closest = closestName(typed, candidates)
  return closest === null ? '' : `did you mean ${JSON.stringify(closest)}? `
}
