// Opening the catalog for a command: select the location, open the right driver, and check the
// schema version (every command but `catalog init` refuses a missing, older or newer catalog).
// `initCatalog` creates or upgrades it and seeds what every catalog starts with.

import {randomUUID} from 'node:crypto'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CatalogError} from '../errors.js'
import type {Db, Queryable} from './db.js'
import type {CatalogLocation} from './location.js'
import {describeLocation} from './location.js'
import {migrate, newerCatalogError, schemaVersion} from './migrate.js'
import {LATEST_SCHEMA_VERSION} from './migrations/index.js'
import {embeddedState, openEmbedded, readTemplate} from './pglite.js'
import {BUILTIN_CLUSTERS, DEFAULT_SIZES} from './sizes.js'

/** The pre-initialised PGlite data directory that `npm run build` writes to dist/ (found from dist/ or src/). */
const here = dirname(fileURLToPath(import.meta.url))
export const TEMPLATE_PATHS = [join(here, '..', '..', 'catalog-template.tar.gz'), join(here, '..', '..', '..', 'dist', 'catalog-template.tar.gz')]

async function openDriver(location: CatalogLocation, create: boolean): Promise<Db> {
  if (location.kind === 'server') {
    const {openServer} = await import('./postgres.js')
    return openServer(location.url)
  }
  const fresh = ['missing', 'empty'].includes(embeddedState(location.dir))
  return openEmbedded(location.dir, {create, template: create && fresh ? readTemplate(TEMPLATE_PATHS) : undefined})
}

/** Open an existing, current catalog. */
export async function openCatalog(location: CatalogLocation): Promise<Db> {
  const db = await openDriver(location, false)
  try {
    const version = await schemaVersion(db)
    if (version === null || version === 0) {
      throw new CatalogError(`${describeLocation(location)} holds no mzcluster catalog`, {
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

/** Create or upgrade the catalog; idempotent. */
export async function initCatalog(location: CatalogLocation, options: {environmentId?: string} = {}): Promise<InitResult> {
  const db = await openDriver(location, true)
  try {
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
