// The embedded driver: PGlite in a data directory, private to its owner (0700) and guarded by the
// directory lock. A new directory is seeded from a pre-initialised template when one is available,
// which makes creation several times faster than PGlite's own initdb.

import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs'
import {dirname} from 'node:path'
import type {PGlite} from '@electric-sql/pglite'
import {CatalogError} from '../errors.js'
import type {Db, Queryable, Row, TransactionOptions} from './db.js'
import {beforeStatement, READ_ONLY_SNAPSHOT, withRetries} from './db.js'
import type {DirectoryLock, LockHolder, LockRole} from './lock.js'
import {lockDirectory} from './lock.js'

export interface OpenEmbeddedOptions {
  /** Create the directory when it does not exist (catalog init); otherwise a missing one is an error. */
  readonly create?: boolean
  /** A gzip data-directory dump to seed a new directory with. */
  readonly template?: Blob
  /** How long to wait for another holder of the directory lock (default 10 s; 0 fails at once). */
  readonly lockWaitMs?: number
  /** How errors name the location, e.g. `/data/catalog (from --catalog)`. */
  readonly where?: string
  readonly role?: LockRole
  /** Called once per distinct lock holder while waiting. */
  readonly onHolder?: (holder: LockHolder) => void
}

export type EmbeddedState = 'missing' | 'empty' | 'pglite' | 'foreign'

export function embeddedState(dir: string): EmbeddedState {
  if (!existsSync(dir)) return 'missing'
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return 'foreign'
  }
  if (entries.length === 0) return 'empty'
  return existsSync(`${dir}/PG_VERSION`) ? 'pglite' : 'foreign'
}

export async function openEmbedded(dir: string, options: OpenEmbeddedOptions = {}): Promise<EmbeddedDb> {
  const where = options.where ?? dir
  const state = embeddedState(dir)
  if (state === 'foreign') {
    throw new CatalogError(
      `${where} is not an mzcluster catalog (it is a non-empty directory without a database in it)`,
      {
        code: 'NOT_A_CATALOG',
        hint: 'point --catalog at a catalog directory, or at an empty or new one and run `mzcluster catalog init`',
      },
    )
  }
  if ((state === 'missing' || state === 'empty') && !options.create) {
    throw new CatalogError(`no catalog at ${where}`, {
      code: 'CATALOG_MISSING',
      hint: 'create it with `mzcluster catalog init`',
    })
  }
  mkdirSync(dirname(dir), {recursive: true, mode: 0o700})
  const lock = await lockDirectory(dir, {waitMs: options.lockWaitMs, where, role: options.role, onHolder: options.onHolder})
  try {
    const {PGlite} = await import('@electric-sql/pglite')
    const fresh = state === 'missing' || state === 'empty'
    if (fresh) mkdirSync(dir, {recursive: true, mode: 0o700})
    const pglite = await PGlite.create(dir, fresh && options.template ? {loadDataDir: options.template} : {})
    chmodSync(dir, 0o700)
    return new EmbeddedDb(pglite, dir, lock)
  } catch (error) {
    lock.release()
    if (error instanceof CatalogError) throw error
    throw openFailure(error, where)
  }
}

/** A failure to open or write the data directory, said plainly (a full disk above all). */
export function openFailure(error: unknown, where: string): CatalogError {
  const message = error instanceof Error ? error.message : String(error)
  if (isDiskFull(error)) {
    return new CatalogError(`the disk holding the catalog at ${where} is full`, {
      code: 'CATALOG_DISK_FULL',
      hint: 'free some space on that file system and run the command again',
      cause: error,
    })
  }
  return new CatalogError(`cannot open the embedded catalog at ${where}: ${message}`, {code: 'CATALOG_OPEN_FAILED', cause: error})
}

/** ENOSPC from the file system, or PostgreSQL's disk_full (53100) / "could not extend/write". */
export function isDiskFull(error: unknown): boolean {
  const {code, message} = (error ?? {}) as {code?: unknown; message?: unknown}
  return code === 'ENOSPC' || code === '53100' || /no space left on device/i.test(String(message ?? ''))
}

/** Read the first template dump found (written by `npm run build`), if any. */
export function readTemplate(paths: readonly string[]): Blob | undefined {
  const path = paths.find((candidate) => existsSync(candidate))
  return path === undefined ? undefined : new Blob([readFileSync(path)])
}

class EmbeddedDb implements Db {
  readonly kind = 'embedded' as const
  statementCount = 0

  constructor(
    readonly pglite: PGlite,
    readonly location: string,
    readonly lock: DirectoryLock,
  ) {}

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    beforeStatement()
    this.statementCount++
    try {
      return (await this.pglite.query<T>(sql, params as unknown[])).rows
    } catch (error) {
      throw this.wrap(error)
    }
  }

  async exec(sql: string): Promise<void> {
    beforeStatement()
    this.statementCount++
    try {
      await this.pglite.exec(sql)
    } catch (error) {
      throw this.wrap(error)
    }
  }

  private wrap(error: unknown): unknown {
    return isDiskFull(error) ? openFailure(error, this.location) : error
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return withRetries(
      () =>
        this.pglite.transaction(async (inner) => {
          const tx: Queryable = {
            query: async <R = Row>(sql: string, params: readonly unknown[] = []) => {
              beforeStatement()
              this.statementCount++
              return (await inner.query<R>(sql, params as unknown[])).rows
            },
          }
          if (options.readOnlySnapshot) await tx.query(`SET TRANSACTION ${READ_ONLY_SNAPSHOT}`)
          return fn(tx)
        }),
      options.attempts,
    ).catch((error: unknown) => {
      throw this.wrap(error)
    })
  }

  async listen(): Promise<() => Promise<void>> {
    // Only this process can write an embedded catalog, so there is nobody to hear from.
    return async () => {}
  }

  async close(): Promise<void> {
    try {
      await this.pglite.close()
    } finally {
      this.lock.release()
    }
  }
}

export type {EmbeddedDb}
