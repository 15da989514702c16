// Typed errors that carry their exit code (product.md §5): library code throws them, the base
// command turns them into one or two clear lines. No process.exit outside bin/.

export const exitCodes = {ok: 0, failure: 1, usage: 2, waitFailed: 3, changes: 4} as const

export interface ErrorOptions {
  /** A stable machine string, e.g. CLUSTER_NOT_FOUND. */
  readonly code?: string
  /** One line saying what to do next. */
  readonly hint?: string
  /** The underlying error, kept for --verbose. */
  readonly cause?: unknown
}

export class MzclusterError extends Error {
  readonly exitCode: number
  readonly code: string
  readonly hint: string | undefined

  constructor(message: string, exitCode: number, options: ErrorOptions = {}, defaultCode = 'ERROR') {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.exitCode = exitCode
    this.code = options.code ?? defaultCode
    this.hint = options.hint
  }
}

/** Invalid usage or input: unknown object, bad value, failed validation. Exit 2, nothing written. */
export class UsageError extends MzclusterError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, exitCodes.usage, options, 'INVALID_INPUT')
  }
}

/** A named object does not exist. Exit 2. */
export class NotFoundError extends UsageError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {code: 'NOT_FOUND', ...options})
  }

  /** `NotFoundError.of('cluster', 'prod')`: `unknown cluster "prod"`, code CLUSTER_NOT_FOUND. */
  static of(kind: string, name: string, hint?: string): NotFoundError {
    const code = `${kind.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`
    return new NotFoundError(`unknown ${kind} ${JSON.stringify(name)}`, {code, hint})
  }
}

/** The catalog cannot be used: unreachable, not a catalog, wrong schema version. Exit 1. */
export class CatalogError extends MzclusterError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, exitCodes.failure, options, 'CATALOG_ERROR')
  }
}

/** The embedded catalog is locked by another process. Exit 1. */
export class CatalogBusyError extends MzclusterError {
  constructor(
    readonly pid: number,
    location: string,
    /** The URL a `catalog serve` holder shares the catalog on. */
    readonly servedAt?: string,
  ) {
    super(`catalog is in use by process ${pid} (${location})`, exitCodes.failure, {
      code: 'CATALOG_BUSY',
      hint: servedAt
        ? `it is being shared by \`mzcluster catalog serve\`: use --catalog ${servedAt}`
        : 'wait for it to finish (--lock-timeout sets how long commands wait), or share the catalog with `mzcluster catalog serve`',
    })
  }
}

/** An alter (or cluster wait) did not reach its target: timed out, cancelled, superseded. Exit 3. */
export class WaitFailedError extends MzclusterError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, exitCodes.waitFailed, options, 'WAIT_FAILED')
  }
}

export const isMzclusterError = (error: unknown): error is MzclusterError => error instanceof MzclusterError
