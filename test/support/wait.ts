// Waiting for an event instead of sleeping a fixed time: poll a predicate (a row, a log line, a
// received notification) until it yields a value, under a generous ceiling that only a hung or
// broken system reaches — the suite runs beside CPU-bound processes on two cores, so the ceiling
// is never a latency claim. Speed is measured in bench/, not here.

/** The default ceiling: long enough for a starved 2-core machine, short of the test timeouts. */
export const DEFAULT_WAIT_MS = 30_000

export interface WaitOptions {
  /** What is awaited, for the failure message ("the standby to take the lease"). */
  readonly what: string
  readonly timeoutMs?: number
  /** Pause between polls (not a timing assumption: only how often to look). */
  readonly pollMs?: number
}

/**
 * Resolves with the first truthy value `predicate` returns; rejects after `timeoutMs` saying what
 * was awaited and, if the predicate threw on its last attempt, why.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS
  const pollMs = options.pollMs ?? 25
  const deadline = Date.now() + timeoutMs
  let lastError: unknown = null
  for (;;) {
    try {
      const value = await predicate()
      if (value) return value as NonNullable<T>
      lastError = null
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `; last attempt failed: ${(lastError as Error).message ?? String(lastError)}` : ''
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${options.what}${why}`)
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}
