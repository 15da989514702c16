// Sharing an embedded catalog: PGlite serves its one session over the PostgreSQL wire protocol on
// loopback, so `run` and other commands (and psql) can use it through a postgres:// URL while this
// process holds the directory lock. Clients are queued onto the single session: a transaction
// blocks the others until it ends, which keeps them serialized rather than interleaved.

import type {Db} from './db.js'
import type {EmbeddedDb} from './pglite.js'
import {UsageError} from '../errors.js'

export interface ServedCatalog {
  readonly url: string
  stop(): Promise<void>
}

export async function serveEmbedded(db: Db, options: {port: number; host?: string; maxConnections?: number}): Promise<ServedCatalog> {
  if (db.kind !== 'embedded' || !('pglite' in db)) {
    throw new UsageError('catalog serve shares an embedded catalog; this catalog is already a server', {code: 'INVALID_OPTIONS'})
  }
  const host = options.host ?? '127.0.0.1'
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new UsageError('catalog serve listens on loopback only (127.0.0.1, ::1 or localhost)', {code: 'INVALID_OPTIONS'})
  }
  const {PGLiteSocketServer} = await import('@electric-sql/pglite-socket')
  const server = new PGLiteSocketServer({db: (db as EmbeddedDb).pglite, port: options.port, host, maxConnections: options.maxConnections ?? 16})
  try {
    await server.start()
  } catch (error) {
    throw new UsageError(`cannot listen on ${host}:${options.port}: ${(error as Error).message}`, {code: 'PORT_UNAVAILABLE', hint: 'choose another --port'})
  }
  const hostPart = host.includes(':') ? `[${host}]` : host
  const url = `postgres://postgres@${hostPart}:${options.port}/postgres`
  // Commands that find the directory locked say where to reach it instead.
  ;(db as EmbeddedDb).lock.announce(url)
  return {url, stop: () => server.stop()}
}
