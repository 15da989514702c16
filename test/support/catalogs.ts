// Real catalogs for tests: an embedded PGlite directory seeded from the build's template, and (when
// the server suite runs) a uniquely named PostgreSQL database per catalog, dropped afterwards. One
// suite runs against both backends through `describe.each(backends())`.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pg from 'pg'
import {inject} from 'vitest'
import type {Db} from '../../src/lib/catalog/db.js'
import {initCatalog} from '../../src/lib/catalog/open.js'
import {selectCatalog} from '../../src/lib/catalog/location.js'

export type Backend = 'embedded' | 'server'

/**
 * Warm embedded catalogs for a suite that runs many commands through the CLI: commands, and this
 * process's `reopen()`, reach an embedded catalog through its warm process, as users' commands do by
 * default, instead of each opening PGlite (about a second a command). The suite-wide setting turns
 * the warm process off; call this at the top of a test file to turn it back on for that file (each
 * file runs in a process of its own). `destroy()` stops the catalog's warm process; one left behind
 * by a crashed run stops itself after the idle timeout set here.
 */
export function useWarmCatalogs(): void {
  delete process.env.MZCLUSTER_NO_DAEMON
  process.env.MZCLUSTER_DAEMON_IDLE_TIMEOUT = '30s'
}

export function backends(): Backend[] {
  return inject('serverUrl') ? ['embedded', 'server'] : ['embedded']
}

let counter = 0

export interface TestCatalog {
  readonly backend: Backend
  /** What to pass as --catalog: a directory or a postgres:// URL. */
  readonly location: string
  readonly db: Db
  /** Close the handle (an embedded catalog must be closed before the CLI can open it). */
  close(): Promise<void>
  /** Reopen after the CLI has used it. */
  reopen(): Promise<Db>
  /** Run `fn` on a reopened handle; an embedded catalog is closed again afterwards so the CLI can open it. */
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>
  destroy(): Promise<void>
}

async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({connectionString: baseUrl})
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({connectionString: baseUrl})
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

/** A freshly initialised catalog (builtins and the default size map, nothing else). */
export async function freshCatalog(backend: Backend, options: {environmentId?: string} = {}): Promise<TestCatalog> {
  let location: string
  let cleanup: () => Promise<void>
  if (backend === 'embedded') {
    const parent = mkdtempSync(join(tmpdir(), 'mzcluster-test-'))
    location = join(parent, 'catalog')
    cleanup = async () => {
      // A warm process serving the directory gives it up before the directory goes.
      const {stopDaemon} = await import('../../src/lib/catalog/daemon-client.js')
      await stopDaemon(location, 30_000).catch(() => null)
      rmSync(parent, {recursive: true, force: true})
    }
  } else {
    const baseUrl = inject('serverUrl')
    if (!baseUrl) throw new Error('server backend requested without a server')
    const name = `mzcluster_test_${inject('runId')}_${process.pid}_${++counter}`
    location = await createDatabase(baseUrl, name)
    cleanup = () => dropDatabase(baseUrl, name)
  }
  const {db: initial} = await initCatalog(selectCatalog(location), {environmentId: options.environmentId})
  let db: Db | null = initial
  const catalog: TestCatalog = {
    backend,
    location,
    get db() {
      if (!db) throw new Error('catalog handle is closed; call reopen()')
      return db
    },
    async close() {
      if (db) await db.close()
      db = null
    },
    async reopen() {
      if (!db) {
        const {openCatalog} = await import('../../src/lib/catalog/open.js')
        db = await openCatalog(selectCatalog(location))
      }
      return db
    },
    async use(fn) {
      const handle = await catalog.reopen()
      try {
        return await fn(handle)
      } finally {
        if (backend === 'embedded') await catalog.close()
      }
    },
    async destroy() {
      await catalog.close()
      await cleanup()
    },
  }
  return catalog
}
