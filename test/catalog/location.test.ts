// Catalog locations are checked before anything is created (product.md §11.2), through the CLI:
// a foreign URL scheme, an empty --catalog, a regular file, an unparseable URL (all exit 2, nothing
// written); every catalog error names where the location came from; and `catalog init` does not
// install itself into a DATABASE_URL database that holds another program's tables unless told to.

import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'
import {runCli} from '../support/cli.js'

describe('catalog location checks', () => {
  let work: string
  /** No catalog from the environment: only what each case gives. */
  const env = {MZCLUSTER_CATALOG: undefined, DATABASE_URL: undefined}
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mzcluster-location-'))
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  it('refuses a URL scheme that is not postgres, creating nothing', async () => {
    const result = await runCli(['catalog', 'init', '--catalog', 'mysql://x@y/z'], {env, cwd: work})
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('unsupported catalog URL scheme "mysql" (from --catalog)')
    expect(readdirSync(work)).toEqual([])
    const fromEnv = await runCli(['cluster', 'list'], {env: {...env, MZCLUSTER_CATALOG: 'sqlite:///tmp/x.db'}, cwd: work})
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain('(from MZCLUSTER_CATALOG)')
    expect(readdirSync(work)).toEqual([])
  })

  it('refuses an empty --catalog instead of falling back to the environment', async () => {
    const fallback = join(work, 'env-catalog')
    const result = await runCli(['catalog', 'init', '--catalog', ''], {env: {...env, MZCLUSTER_CATALOG: fallback}, cwd: work})
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--catalog is empty')
    expect(readdirSync(work)).toEqual([])
  })

  it('says a regular file is a file', async () => {
    const file = join(work, 'notes.txt')
    writeFileSync(file, 'not a catalog\n')
    try {
      const result = await runCli(['cluster', 'list', '--catalog', file], {env})
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`the catalog path ${file} (from --catalog) is a file, not a catalog directory`)
      const init = await runCli(['catalog', 'init', '--catalog', file], {env})
      expect(init.code).toBe(2)
    } finally {
      rmSync(file)
    }
  })

  it('an unparseable server URL is a usage error, not an unreachable server', async () => {
    const result = await runCli(['cluster', 'list', '--catalog', 'postgres://[bad'], {env})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/the catalog URL .* \(from --catalog\) cannot be parsed/)
    expect(result.stderr).not.toMatch(/cannot reach/)
  })

  it('every catalog error names where the location came from', async () => {
    const missing = join(work, 'missing')
    const fromEnv = await runCli(['cluster', 'list'], {env: {...env, MZCLUSTER_CATALOG: missing}})
    expect(fromEnv.code).toBe(1)
    expect(fromEnv.stderr).toContain(`no catalog at ${missing} (from MZCLUSTER_CATALOG)`)
    const fromFlag = await runCli(['cluster', 'list', '--catalog', missing], {env})
    expect(fromFlag.stderr).toContain(`no catalog at ${missing} (from --catalog)`)
    const fromDefault = await runCli(['cluster', 'list'], {env: {...env, XDG_DATA_HOME: work}})
    expect(fromDefault.code).toBe(1)
    expect(fromDefault.stderr).toContain(`(from default path)`)
    const server = await runCli(['cluster', 'list'], {env: {...env, DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/app'}})
    expect(server.code).toBe(1)
    expect(server.stderr).toMatch(/cannot reach the catalog server at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app \(from DATABASE_URL\)/)
    expect(server.stderr).not.toContain('hunter2')
  })
})

describe.skipIf(!inject('serverUrl'))('catalog init into a DATABASE_URL database of another program', () => {
  const base = inject('serverUrl') as string
  const name = `mzcluster_test_${inject('runId')}_${process.pid}_foreign`
  let url: string
  const admin = async (sql: string, target = base) => {
    const client = new pg.Client({connectionString: target})
    await client.connect()
    try {
      return (await client.query(sql)).rows
    } finally {
      await client.end()
    }
  }
  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`)
    const parsed = new URL(base)
    parsed.pathname = `/${name}`
    url = parsed.toString()
    await admin('CREATE TABLE invoices (id int PRIMARY KEY)', url)
  })
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  })

  const hasCatalog = async () => (await admin("SELECT 1 FROM pg_namespace WHERE nspname = 'mzcluster'", url)).length > 0

  it('refuses without --yes when it cannot ask (exit 2, nothing installed), installs with --yes', async () => {
    const refused = await runCli(['catalog', 'init'], {env: {MZCLUSTER_CATALOG: undefined, DATABASE_URL: url}})
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('DATABASE_URL points at a database with 1 other table and no mzcluster catalog')
    expect(refused.stderr).toContain('--yes')
    expect(await hasCatalog()).toBe(false)
    const installed = await runCli(['catalog', 'init', '--yes'], {env: {MZCLUSTER_CATALOG: undefined, DATABASE_URL: url}})
    expect(installed.code, installed.stderr).toBe(0)
    expect(await hasCatalog()).toBe(true)
    // Once the catalog is there, init (an upgrade) no longer asks.
    const again = await runCli(['catalog', 'init'], {env: {MZCLUSTER_CATALOG: undefined, DATABASE_URL: url}})
    expect(again.code, again.stderr).toBe(0)
  })
})
