// Opening the catalog for a command: select the location, open the right driver, and check the
// schema version (every command but `catalog init` refuses a missing, older or newer catalog).
// `initCatalog` creates or upgrades it and seeds what every catalog starts with.

import {randomUUID} from 'node:crypto'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CatalogError, UsageError} from '../errors.js'
import {daemonAllowed} from './daemon.js'
import type {Db, Queryable} from './db.js'
import type {CatalogLocation} from './location.js'
import {whereLocation} from './location.js'
import type {LockHolder} from './lock.js'
import {migrate, newerCatalogError, schemaVersion} from './migrate.js'
import {LATEST_SCHEMA_VERSION} from './migrations/index.js'
import {embeddedState, openEmbedded, readTemplate} from './pglite.js'
import {foreignTableCount} from './status.js'
import {BUILTIN_CLUSTERS, DEFAULT_SIZES} from './sizes.js'

/** The pre-initialised PGlite data directory that `npm run build` writes to dist/ (found from dist/ or src/). */
const here = dirname(fileURLToPath(import.meta.url))
export const TEMPLATE_PATHS = [join(here, '..', '..', 'catalog-template.tar.gz'), join(here, '..', '..', '..', 'dist', 'catalog-template.tar.gz')]

export interface OpenOptions {
  /** How long to wait for an embedded catalog another process holds (default 10 s; 0 fails at once). */
  readonly lockTimeoutMs?: number
  /** Called once per distinct process the command waits for. */
  readonly onWait?: (holder: LockHolder) => void
  /**
   * Embedded only: false opens the directory in this process (catalog serve, catalog init) instead
   * of through the warm catalog process; a warm process holding it is asked to stop first.
   */
  readonly daemon?: boolean
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000

async function openDriver(location: CatalogLocation, create: boolean, options: OpenOptions): Promise<Db> {
  const where = whereLocation(location)
  if (location.kind === 'server') {
    const {openServer} = await import('./postgres.js')
    return openServer(location.url, where)
  }
  const {dir} = location
  const waitMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
  const state = embeddedState(dir)
  if (!create && state === 'pglite' && options.daemon !== false && daemonAllowed(dir)) {
    const {openThroughDaemon} = await import('./daemon-client.js')
    return openThroughDaemon({dir, where, waitMs, onHolder: options.onWait})
  }
  const fresh = state === 'missing' || state === 'empty'
  return openEmbedded(dir, {
    create,
    template: create && fresh ? readTemplate(TEMPLATE_PATHS) : undefined,
    lockWaitMs: waitMs,
    where,
    onHolder: (holder) => {
      if (holder.role === 'daemon') {
        // An idle warm process gives the directory up when asked; a busy one after its session.
        void import('./daemon-client.js').then(({requestDaemonStop}) => requestDaemonStop(dir)).catch(() => {})
      } else {
        options.onWait?.(holder)
      }
    },
  })
}

/** Open an existing, current catalog. */
export async function openCatalog(location: CatalogLocation, options: OpenOptions = {}): Promise<Db> {
  const db = await openDriver(location, false, options)
  try {
    const version = await schemaVersion(db)
    if (version === null || version === 0) {
      throw new CatalogError(`${whereLocation(location)} holds no mzcluster catalog`, {
        code: 'CATALOG_MISSING',
        hint: 'create it with `mzcluster catalog init`',
      })
    }
    if (version > LATEST_SCHEMA_VERSION) throw newerCatalogError(version)
    if (version < LATEST_SCHEMA_VERSION) {
      throw new CatalogError(`the catalog has schema version ${version}, older than this mzcluster's (${LATEST_SCHEMA_VERSION})`, {
        code: 'CATALOG_TOO_OLD',
        hint: 'upgrade it with `mzcluster catalog init`',
      })
    }
    return db
  } catch (error) {
    await db.close().catch(() => {})
    throw error
  }
}

export interface InitResult {
  readonly db: Db
  readonly created: boolean
  readonly fromVersion: number
  readonly toVersion: number
  readonly environmentId: string
}

export function defaultEnvironmentId(): string {
  return `local-local-${randomUUID()}-0`
}

export interface InitOptions extends OpenOptions {
  readonly environmentId?: string
  /**
   * Asked before installing into a server database that DATABASE_URL chose and that holds other
   * tables but no catalog (that variable is often set for another program); false refuses.
   */
  readonly confirmForeignDatabase?: (tables: number) => Promise<boolean>
}

/** Create or upgrade the catalog; idempotent. */
export async function initCatalog(location: CatalogLocation, options: InitOptions = {}): Promise<InitResult> {
  const db = await openDriver(location, true, {...options, daemon: false})
  try {
    if (location.kind === 'server' && location.source === 'DATABASE_URL' && (await schemaVersion(db)) === null) {
      const tables = await foreignTableCount(db)
      if (tables > 0 && !(await (options.confirmForeignDatabase?.(tables) ?? Promise.resolve(false)))) {
        throw new UsageError(
          `DATABASE_URL points at a database with ${tables} other table${tables === 1 ? '' : 's'} and no mzcluster catalog; not installing the catalog there`,
          {
            code: 'FOREIGN_DATABASE',
            hint: 'pass --yes to install it anyway (in its own schema, mzcluster), or choose the catalog with --catalog or MZCLUSTER_CATALOG',
          },
        )
      }
    }
    const {from, to} = await migrate(db)
    const environmentId = await db.transaction(async (tx) => seed(tx, options.environmentId))
    return {db, created: from === 0, fromVersion: from, toVersion: to, environmentId}
  } catch (error) {
    await db.close().catch(() => {})
    throw error
  }
}

async function seed(tx: Queryable, requestedEnvironmentId: string | undefined): Promise<string> {
  const now = Date.now()
  const [existing] = await tx.query<{value: string}>("SELECT value FROM mzcluster.meta WHERE key = 'environment_id'")
  if (existing && requestedEnvironmentId !== undefined && existing.value !== requestedEnvironmentId) {
    await tx.query("UPDATE mzcluster.meta SET value = $1 WHERE key = 'environment_id'", [requestedEnvironmentId])
  }
  const environmentId = requestedEnvironmentId ?? existing?.value ?? defaultEnvironmentId()
  await tx.query(
    `INSERT INTO mzcluster.meta (key, value) VALUES ('environment_id', $1), ('created_at', $2)
     ON CONFLICT (key) DO NOTHING`,
    [environmentId, String(now)],
  )
  await tx.query("INSERT INTO mzcluster.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = $1", [
    String(LATEST_SCHEMA_VERSION),
  ])
  const [sizes] = await tx.query<{n: number}>('SELECT count(*)::int AS n FROM mzcluster.replica_sizes')
  if (sizes?.n === 0) {
    for (const [order, size] of DEFAULT_SIZES.entries()) {
      await tx.query(
        `INSERT INTO mzcluster.replica_sizes (name, family, workers, processes, memory_bytes, credits_per_hour, disabled, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [size.name, size.family, size.workers, size.processes, size.memoryBytes, size.creditsPerHour, size.disabled, order],
      )
    }
  }
  for (const cluster of BUILTIN_CLUSTERS) {
    const inserted = await tx.query(
      `INSERT INTO mzcluster.clusters (id, ord, name, builtin, managed, size, replication_factor, created_at)
       VALUES ($1, $2, $3, true, true, $4, 1, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [cluster.id, Number(cluster.id.slice(1)), cluster.name, cluster.size, now],
    )
    if (inserted.length > 0) {
      const [replica] = await tx.query<{n: number}>("SELECT nextval('mzcluster.system_replica_ids')::int AS n")
      await tx.query(
        `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at) VALUES ($1, $2, $3, 'r1', $4, $5)`,
        [`s${replica?.n}`, replica?.n, cluster.id, cluster.size, now],
      )
    }
  }
  return environmentId
}
