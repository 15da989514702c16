// The catalog layer on both backends: init creates and upgrades idempotently, status reports,
// the version checks refuse missing/newer catalogs, and the embedded directory rules hold.

import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isRetryable, withRetries} from '../../src/lib/catalog/db.js'
import {redactUrl, selectCatalog} from '../../src/lib/catalog/location.js'
import {splitStatements} from '../../src/lib/catalog/migrate.js'
import {LATEST_SCHEMA_VERSION} from '../../src/lib/catalog/migrations/index.js'
import {initCatalog, openCatalog} from '../../src/lib/catalog/open.js'
import {catalogStatus} from '../../src/lib/catalog/status.js'
import {CatalogBusyError, CatalogError} from '../../src/lib/errors.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'

describe.each(backends())('catalog on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: 'aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0'})
  })
  afterAll(async () => catalog.destroy())

  it('creates the builtin clusters, their replicas and the default size map', async () => {
    const clusters = await catalog.db.query<{id: string; name: string; builtin: boolean}>(
      'SELECT id, name, builtin FROM mzcluster.clusters ORDER BY ord',
    )
    expect(clusters).toEqual([
      {id: 's1', name: 'mz_system', builtin: true},
      {id: 's2', name: 'mz_catalog_server', builtin: true},
      {id: 's3', name: 'mz_probe', builtin: true},
    ])
    const sizes = await catalog.db.query<{name: string; family: string}>('SELECT name, family FROM mzcluster.replica_sizes ORDER BY sort_order')
    expect(sizes.map((s) => s.name)).toContain('6400cc')
    expect(sizes.filter((s) => s.family === 'legacy').length).toBeGreaterThan(5)
    const status = await catalogStatus(catalog.db)
    expect(status).toMatchObject({kind: backend, schema_version: LATEST_SCHEMA_VERSION, builtin_clusters: 3, user_clusters: 0, replicas: 3})
    expect(status.environment_id).toBe('aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0')
  })

  it('is idempotent: a second init changes nothing', async () => {
    await catalog.close()
    const again = await initCatalog(selectCatalog(catalog.location))
    expect(again.created).toBe(false)
    expect(again.fromVersion).toBe(LATEST_SCHEMA_VERSION)
    const [count] = await again.db.query<{n: number}>('SELECT count(*)::int AS n FROM mzcluster.replicas')
    expect(count?.n).toBe(3)
    expect(again.environmentId).toBe('aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0')
    await again.db.close()
    await catalog.reopen()
  })

  it('refuses a catalog newer than the tool, naming what to do', async () => {
    await catalog.db.query("INSERT INTO mzcluster.schema_migrations VALUES (999, 'future', 'x', 0)")
    await catalog.close()
    await expect(openCatalog(selectCatalog(catalog.location))).rejects.toThrow(/schema version 999, newer than this mzcluster/)
    await expect(initCatalog(selectCatalog(catalog.location))).rejects.toThrow(/newer/)
    const db = await catalog.reopen().catch(() => null)
    expect(db).toBeNull()
    // Repair through a raw handle so later tests can use the catalog.
    if (backend === 'server') {
      const pg = (await import('pg')).default
      const client = new pg.Client({connectionString: catalog.location})
      await client.connect()
      await client.query('DELETE FROM mzcluster.schema_migrations WHERE version = 999')
      await client.end()
    } else {
      const {openEmbedded} = await import('../../src/lib/catalog/pglite.js')
      const raw = await openEmbedded(catalog.location)
      await raw.query('DELETE FROM mzcluster.schema_migrations WHERE version = 999')
      await raw.close()
    }
    await catalog.reopen()
  })

  it('retries serialization failures transparently', async () => {
    let attempts = 0
    const result = await catalog.db.transaction(async (tx) => {
      attempts++
      if (attempts < 3) {
        const error = Object.assign(new Error('could not serialize access'), {code: '40001'})
        throw error
      }
      const [row] = await tx.query<{x: number}>('SELECT 1 AS x')
      return row?.x
    })
    expect(result).toBe(1)
    expect(attempts).toBe(3)
  })

  it('rolls back every statement of a failed transaction', async () => {
    await expect(
      catalog.db.transaction(async (tx) => {
        await tx.query("INSERT INTO mzcluster.meta (key, value) VALUES ('rollback-probe', 'x')")
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const rows = await catalog.db.query("SELECT 1 FROM mzcluster.meta WHERE key = 'rollback-probe'")
    expect(rows).toEqual([])
  })
})

describe('embedded catalog directory', () => {
  let parent: string
  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), 'mzcluster-dir-'))
  })
  afterAll(() => rmSync(parent, {recursive: true, force: true}))

  it('reports a missing catalog and names catalog init', async () => {
    await expect(openCatalog(selectCatalog(join(parent, 'nothing')))).rejects.toThrow(/no catalog at .*nothing/)
  })

  it('refuses a directory that is not a catalog', async () => {
    const dir = join(parent, 'notes')
    mkdirSync(dir)
    writeFileSync(join(dir, 'todo.txt'), 'x')
    const error = await initCatalog(selectCatalog(dir)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogError)
    expect((error as Error).message).toMatch(/is not an mzcluster catalog/)
  })

  it('creates the directory private to its owner and locks it against a second opener', async () => {
    const dir = join(parent, 'cat')
    const {db} = await initCatalog(selectCatalog(dir))
    try {
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      const {openEmbedded} = await import('../../src/lib/catalog/pglite.js')
      // The lock is per process; simulate another holder by writing a live foreign pid (our parent's).
      await db.close()
      writeFileSync(`${dir}.lock`, `${process.ppid}\n`)
      const error = await openEmbedded(dir, {lockWaitMs: 200}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CatalogBusyError)
      expect((error as Error).message).toBe(`catalog is in use by process ${process.ppid} (${dir})`)
      rmSync(`${dir}.lock`)
      // A stale lock (dead pid) is taken over.
      writeFileSync(`${dir}.lock`, '999999999\n')
      const reopened = await openEmbedded(dir)
      await reopened.close()
    } finally {
      await db.close().catch(() => {})
    }
  })
})

describe('catalog selection and redaction', () => {
  it('selects flag, then MZCLUSTER_CATALOG, then DATABASE_URL, then the XDG default', () => {
    const env = {MZCLUSTER_CATALOG: '/a', DATABASE_URL: 'postgres://x@h/db', XDG_DATA_HOME: '/xdg'}
    expect(selectCatalog('/flag', env)).toEqual({kind: 'embedded', dir: '/flag', source: '--catalog'})
    expect(selectCatalog(undefined, env)).toEqual({kind: 'embedded', dir: '/a', source: 'MZCLUSTER_CATALOG'})
    expect(selectCatalog(undefined, {DATABASE_URL: 'postgresql://x@h/db'})).toEqual({kind: 'server', url: 'postgresql://x@h/db', source: 'DATABASE_URL'})
    expect(selectCatalog(undefined, {XDG_DATA_HOME: '/xdg'})).toEqual({kind: 'embedded', dir: '/xdg/mzcluster/catalog', source: 'default path'})
  })

  it('never shows a password', () => {
    expect(redactUrl('postgres://admin:s3cr%3Bet@db.example:5432/cat?sslpassword=zz')).toBe(
      'postgres://admin:***@db.example:5432/cat?sslpassword=***',
    )
    expect(redactUrl('postgres://admin@db/cat')).toBe('postgres://admin@db/cat')
  })

  it('hides the password of an unreachable server in the error', async () => {
    const error = await openCatalog(selectCatalog('postgres://admin:hunter2@127.0.0.1:1/cat')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogError)
    expect((error as Error).message).toMatch(/cannot reach the catalog server at postgres:\/\/admin:\*\*\*@127\.0\.0\.1:1\/cat/)
    expect((error as Error).message).not.toContain('hunter2')
  })
})

describe('migration runner helpers', () => {
  it('splits statements on top-level semicolons only', () => {
    expect(splitStatements("CREATE TABLE a (x text DEFAULT ';'); -- c; d\nSELECT 1;")).toEqual([
      "CREATE TABLE a (x text DEFAULT ';')",
      'SELECT 1',
    ])
  })

  it('classifies 40001 and 40P01 as retryable and nothing else', async () => {
    expect(isRetryable({code: '40001'})).toBe(true)
    expect(isRetryable({code: '40P01'})).toBe(true)
    expect(isRetryable({code: '23505'})).toBe(false)
    let calls = 0
    await expect(
      withRetries(async () => {
        calls++
        throw Object.assign(new Error('deadlock'), {code: '40P01'})
      }, 3),
    ).rejects.toThrow('deadlock')
    expect(calls).toBe(3)
  })
})
