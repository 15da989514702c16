// The server driver: PostgreSQL (or a compatible engine) through pg. int8 is parsed to a number
// (ids, counts and millisecond timestamps all fit in 2^53), numeric stays a string.

import type {Pool, PoolClient} from 'pg'
import {CatalogError} from '../errors.js'
import type {Db, Queryable, Row, TransactionOptions} from './db.js'
import {beforeStatement, READ_ONLY_SNAPSHOT, withRetries} from './db.js'
import {redactUrl} from './location.js'

/** `where` names the location in errors, e.g. `postgres://… (from DATABASE_URL)`. */
export async function openServer(url: string, where?: string): Promise<Db> {
  const pg = (await import('pg')).default
  pg.types.setTypeParser(20, (value: string) => Number(value))
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    application_name: 'mzcluster',
  })
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  const location = redactUrl(url)
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => {})
    throw new CatalogError(`cannot reach the catalog server at ${where ?? location}: ${describe(error, url)}`, {
      hint: 'check that the server is running and the URL is right (--catalog, MZCLUSTER_CATALOG or DATABASE_URL)',
      code: 'CATALOG_UNREACHABLE',
    })
  }
  return new ServerDb(pool, location, url)
}

/** The message of a driver error, never with the password in it. */
function describe(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error)
  let password = ''
  try {
    password = decodeURIComponent(new URL(url).password)
  } catch {
    // not a parseable URL: nothing to hide beyond redaction
  }
  return password ? message.split(password).join('***') : message
}

class ServerDb implements Db {
  readonly kind = 'server' as const
  statementCount = 0

  constructor(
    readonly pool: Pool,
    readonly location: string,
    private readonly url: string,
  ) {}

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    beforeStatement()
    this.statementCount++
    try {
      return (await this.pool.query(sql, params as unknown[])).rows as T[]
    } catch (error) {
      throw this.wrap(error)
    }
  }

  async exec(sql: string): Promise<void> {
    beforeStatement()
    this.statementCount++
    try {
      await this.pool.query(sql)
    } catch (error) {
      throw this.wrap(error)
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return withRetries(async () => {
      let client: PoolClient
      try {
        client = await this.pool.connect()
      } catch (error) {
        throw this.wrap(error)
      }
      const tx: Queryable = {
        query: async <R = Row>(sql: string, params: readonly unknown[] = []) => {
          beforeStatement()
          this.statementCount++
          return (await client.query(sql, params as unknown[])).rows as R[]
        },
      }
      let broken = false
      // A checked-out client has no error listener of the pool's: a connection lost between two
      // statements (server restart, terminated backend) would be an unhandled 'error' event and
      // crash the process. The next statement fails anyway; just never reuse this client.
      const onClientError = () => {
        broken = true
      }
      client.on('error', onClientError)
      try {
        beforeStatement()
        this.statementCount++
        await client.query(options.readOnlySnapshot ? `BEGIN ${READ_ONLY_SNAPSHOT}` : 'BEGIN')
        const result = await fn(tx)
        beforeStatement()
        this.statementCount++
        await client.query('COMMIT')
        return result
      } catch (error) {
        beforeStatement()
        this.statementCount++
        await client.query('ROLLBACK').catch(() => {
          broken = true
        })
        throw error
      } finally {
        client.removeListener('error', onClientError)
        client.release(broken)
      }
    }, options.attempts)
  }

  async listen(
    channel: string,
    onNotify: (payload: string) => void,
    onError?: (error: Error) => void,
  ): Promise<() => Promise<void>> {
    let client: PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw this.wrap(error)
    }
    // The listening client stays checked out; whatever ends it must give it back to the pool exactly
    // once, or pool.end() (close, reconnect) waits for it forever.
    let released = false
    const release = (destroy: boolean | Error) => {
      if (released) return
      released = true
      client.removeListener('notification', onNotification)
      client.removeListener('error', onClientError)
      client.release(destroy)
    }
    const onNotification = (message: {channel: string; payload?: string}) => {
      if (message.channel === channel) onNotify(message.payload ?? '')
    }
    const onClientError = (error: Error) => {
      release(error)
      onError?.(error)
    }
    client.on('notification', onNotification)
    client.on('error', onClientError)
    try {
      await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`)
    } catch (error) {
      release(error instanceof Error ? error : true)
      throw this.wrap(error)
    }
    return async () => {
      if (released) return
      try {
        await client.query(`UNLISTEN "${channel.replaceAll('"', '""')}"`)
        release(false)
      } catch {
        release(true)
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }

  private wrap(error: unknown): unknown {
    const code = (error as {code?: string}).code
    if (code && /^(08|57P)/.test(code)) {
      return new CatalogError(
        `lost the connection to the catalog server at ${this.location}: ${describe(error, this.url)}`,
        {
          code: 'CATALOG_UNREACHABLE',
        },
      )
    }
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND') {
      return new CatalogError(
        `cannot reach the catalog server at ${this.location}: ${describe(error, this.url)}`,
        {
          code: 'CATALOG_UNREACHABLE',
        },
      )
    }
    return error
  }
}

export type {ServerDb}
