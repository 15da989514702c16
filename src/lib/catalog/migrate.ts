// A small migration runner that works on both drivers: one transaction per migration under an
// advisory lock, a checksum per applied migration, and refusal of a catalog newer than the tool.

import {createHash} from 'node:crypto'
import {CatalogError} from '../errors.js'
import type {Db, Queryable} from './db.js'
import type {Migration} from './migrations/index.js'
import {LATEST_SCHEMA_VERSION, MIGRATIONS} from './migrations/index.js'

const MIGRATION_LOCK = 7_273_001

export function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex').slice(0, 16)
}

/** The catalog's schema version, or null when the location holds no mzcluster catalog. */
export async function schemaVersion(db: Queryable): Promise<number | null> {
  const [exists] = await db.query<{present: boolean}>(
    "SELECT to_regclass('mzcluster.schema_migrations') IS NOT NULL AS present",
  )
  if (!exists?.present) return null
  const [row] = await db.query<{version: number | null}>('SELECT max(version)::int AS version FROM mzcluster.schema_migrations')
  return row?.version ?? 0
}

export function newerCatalogError(found: number): CatalogError {
  return new CatalogError(
    `the catalog has schema version ${found}, newer than this mzcluster supports (${LATEST_SCHEMA_VERSION})`,
    {code: 'CATALOG_TOO_NEW', hint: 'upgrade mzcluster; an older tool never reads or downgrades a newer catalog'},
  )
}

export interface MigrationResult {
  readonly from: number
  readonly to: number
}

export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  await db.exec(`
    CREATE SCHEMA IF NOT EXISTS mzcluster;
    CREATE TABLE IF NOT EXISTS mzcluster.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at bigint NOT NULL
    );`)
  const from = (await schemaVersion(db)) ?? 0
  const latest = migrations.length
  if (from > latest) throw newerCatalogError(from)
  for (const migration of migrations) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      const [applied] = await tx.query<{checksum: string}>('SELECT checksum FROM mzcluster.schema_migrations WHERE version = $1', [
        migration.version,
      ])
      if (applied) {
        if (applied.checksum !== checksum(migration)) {
          throw new CatalogError(`catalog migration ${migration.version} (${migration.name}) differs from the one this mzcluster ships`, {
            code: 'CATALOG_CHECKSUM',
          })
        }
        return
      }
      for (const statement of splitStatements(migration.sql)) await tx.query(statement)
      await tx.query('INSERT INTO mzcluster.schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        migration.version,
        migration.name,
        checksum(migration),
        Date.now(),
      ])
    })
  }
  return {from, to: latest}
}

/** Split a migration on top-level semicolons (outside quotes), so each runs as one statement. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = []
  let current = ''
  let quote: string | null = null
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string
    if (quote === '--') {
      if (ch === '\n') quote = null
      continue
    }
    if (quote) {
      current += ch
      if (ch === quote) quote = null
      continue
    }
    if (ch === '-' && sql[i + 1] === '-') {
      quote = '--'
      continue
    }
    if (ch === "'" || ch === '"') quote = ch
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim())
      current = ''
      continue
    }
    current += ch
  }
  if (current.trim()) statements.push(current.trim())
  return statements
}
