// The one small interface over the two catalog drivers (embedded PGlite and PostgreSQL through
// pg). Code above it reaches the database only through `query` and `transaction` and never knows
// which driver answers; the SQL it sends belongs in the catalog's query modules
// (test/architecture/sql-home.test.ts lists the files still to move).

export type Row = Record<string, unknown>

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>
}

export interface TransactionOptions {
  /** Attempts for serialization failures (40001) and deadlocks (40P01); default 6. */
  readonly attempts?: number
  /** A READ ONLY REPEATABLE READ transaction: every statement reads the same snapshot. */
  readonly readOnlySnapshot?: boolean
}

export const READ_ONLY_SNAPSHOT = 'ISOLATION LEVEL REPEATABLE READ READ ONLY'

export type CatalogKind = 'embedded' | 'server'

export interface Db extends Queryable {
  readonly kind: CatalogKind
  /** Where the catalog lives, safe to print (a server URL has its password redacted). */
  readonly location: string
  /** Run several statements separated by semicolons, without parameters. */
  exec(sql: string): Promise<void>
  /** Run `fn` in one transaction; retried from the start on 40001/40P01. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>
  /**
   * Call `onNotify` for each notification on `channel` (a dedicated connection on a server; other
   * processes cannot write an embedded catalog, so there it never fires). Resolves to a stop
   * function; `onError` reports a lost listening connection.
   */
  listen(channel: string, onNotify: (payload: string) => void, onError?: (error: Error) => void): Promise<() => Promise<void>>
  /** Statements sent so far (benchmarks report it). */
  readonly statementCount: number
  close(): Promise<void>
}

const RETRYABLE = new Set(['40001', '40P01'])

/**
 * Fault injection for the crash tests: with MZCLUSTER_FAULT_KILL_AT=N the process kills itself
 * (SIGKILL, no clean-up) just before sending its N-th statement, so tests can stop a tick or an
 * alter between any two statements, inside or outside a transaction.
 */
const killAt = Number.parseInt(process.env.MZCLUSTER_FAULT_KILL_AT ?? '', 10)
let statementsSent = 0

export function beforeStatement(): void {
  statementsSent++
  if (statementsSent === killAt) process.kill(process.pid, 'SIGKILL')
}

export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRYABLE.has(String((error as {code?: unknown}).code))
}

/** Retry `attempt` while it fails with a serialization failure or deadlock, with jittered backoff. */
export async function withRetries<T>(attempt: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (!isRetryable(error) || i >= attempts) throw error
      const backoffMs = Math.min(200, 5 * 2 ** i) * (0.5 + Math.random())
      await new Promise((resolve) => setTimeout(resolve, backoffMs))
    }
  }
}
