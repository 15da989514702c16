// No password in any output, log or error. Commands run against catalog URLs that carry a
// password: unreachable ones (refused port, invalid port, unparseable, password in the query, a
// percent-encoded password) and the real test server with a fake password added (the server
// uses trust authentication, so it is ignored). stdout and stderr are searched for the password,
// raw and percent-encoded, including --verbose stack traces, --json errors and `run` log lines.
// Every check also asserts that the URL itself was printed (redacted), so it can fail.

import {spawn} from 'node:child_process'
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../support/catalogs.js'
import type {CliResult} from '../support/cli.js'
import {BIN, runCli} from '../support/cli.js'
import {waitFor} from '../support/wait.js'

useWarmCatalogs()

const SECRET = 's3cr3t-PW'
const ENV = {NODE_ENV: undefined, DATABASE_URL: undefined, MZCLUSTER_CATALOG: undefined}

/** Every spelling of the secret that must never be printed. */
const SPELLINGS = [SECRET, encodeURIComponent(`${SECRET}@/:`), `${SECRET}@/:`]

function leaks(result: CliResult): string[] {
  return SPELLINGS.filter((spelling) => result.stdout.includes(spelling) || result.stderr.includes(spelling))
}

const cli = (args: readonly string[], env: Record<string, string | undefined> = {}) =>
  runCli(args, {env: {...ENV, ...env}, timeoutMs: 30_000})

interface RunHandle {
  /** Wait until stderr matches `pattern` (the event itself, under a generous ceiling). */
  waitFor(pattern: RegExp): Promise<void>
}

/** `run ARGS`; `during` waits for its log lines and acts while it runs; then SIGTERM, and the whole output. */
function runUntil(args: readonly string[], during: (run: RunHandle) => Promise<void>): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {...process.env, CI: '1'}
  for (const key of Object.keys(ENV)) delete env[key]
  const child = spawn(process.execPath, [BIN, 'run', ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  let exited = false
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const closed = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      exited = true
      resolve({code: code ?? (signal ? 128 : 1), stdout, stderr})
    })
  })
  const handle: RunHandle = {
    waitFor: (pattern) =>
      waitFor(
        () => {
          if (pattern.test(stderr)) return true
          if (exited) throw new Error(`run exited; stderr:\n${stderr}`)
          return false
        },
        {what: `run to log ${pattern}`, timeoutMs: 60_000},
      ).then(() => {}),
  }
  return during(handle)
    .finally(() => child.kill('SIGTERM'))
    .then(() => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 60_000)
      return closed.finally(() => clearTimeout(kill))
    })
}

const UNREACHABLE = `postgres://postgres:${SECRET}@127.0.0.1:1/nowhere`

describe('no password in output: unreachable catalog server', () => {
  const COMMANDS: readonly (readonly string[])[] = [
    ['catalog', 'status'],
    ['catalog', 'status', '--json'],
    ['catalog', 'status', '--verbose'],
    ['catalog', 'init', '--verbose'],
    ['plan'],
    ['plan', '--json', '--verbose'],
    ['tick', '--verbose'],
    ['cluster', 'list', '--verbose'],
    ['flags', 'dump', '--json'],
    ['run', '--interval', '200ms', '--verbose'],
  ]

  it.each(COMMANDS.map((args) => [args.join(' '), args] as const))('%s, with --catalog: exit 1, the URL redacted, no password', async (_label, args) => {
    const result = await cli([...args, '--catalog', UNREACHABLE])
    expect(result.code).toBe(1)
    expect(leaks(result)).toEqual([])
    expect(`${result.stdout}${result.stderr}`).toContain('postgres://postgres:***@127.0.0.1:1/nowhere')
    if (args.includes('--verbose')) expect(result.stderr).toMatch(/^\s+at /m) // the stack is there, scrubbed
  })

  it.each([
    ['MZCLUSTER_CATALOG', UNREACHABLE],
    ['DATABASE_URL', UNREACHABLE],
  ])('catalog status with the URL in $%s', async (variable, url) => {
    const result = await cli(['catalog', 'status', '--verbose'], {[variable]: url})
    expect(result.code).toBe(1)
    expect(leaks(result)).toEqual([])
    expect(result.stderr).toContain('postgres://postgres:***@127.0.0.1:1/nowhere')
  })

  // A URL that cannot be parsed is a usage error (exit 2); one that parses but cannot be reached, exit 1.
  it.each([
    ['an invalid port', `postgres://postgres:${SECRET}@127.0.0.1:99999/x`, 'postgres://postgres:***@127.0.0.1:99999/x', 2],
    ['an unparseable URL', `postgres://postgres:${SECRET}/x@127.0.0.1:1/x`, 'postgres://postgres:***@127.0.0.1:1/x', 2],
    ['a percent-encoded password', `postgres://postgres:${encodeURIComponent(`${SECRET}@/:`)}@127.0.0.1:1/x`, 'postgres://postgres:***@127.0.0.1:1/x', 1],
    ['the password in the query', `postgres://postgres@127.0.0.1:1/x?password=${SECRET}`, 'password=***', 1],
  ])('%s', async (_label, url, redacted, code) => {
    for (const args of [['catalog', 'status', '--verbose'], ['plan', '--json']]) {
      const result = await cli([...args, '--catalog', url])
      expect(result.code, args.join(' ')).toBe(code)
      expect(leaks(result)).toEqual([])
      expect(`${result.stdout}${result.stderr}`).toContain(redacted)
    }
  })
})

const serverUrl = inject('serverUrl')

describe.skipIf(!serverUrl)('no password in output: the test server with a fake password (trust auth)', () => {
  let catalog: TestCatalog
  let url: string
  let redacted: string

  beforeAll(async () => {
    catalog = await freshCatalog('server')
    await catalog.close()
    const withPassword = new URL(catalog.location)
    withPassword.password = SECRET
    url = withPassword.toString()
    withPassword.password = '***'
    redacted = withPassword.toString().replace('%2A%2A%2A', '***')
    expect(url).toContain(`:${SECRET}@`)
  })
  afterAll(async () => catalog?.destroy())

  it('catalog status (table and --json) shows the location redacted', async () => {
    const table = await cli(['catalog', 'status', '--catalog', url])
    expect(table.code).toBe(0)
    expect(leaks(table)).toEqual([])
    expect(table.stdout).toContain(`location\t${redacted}`)
    const status = await cli(['catalog', 'status', '--json', '--catalog', url])
    expect(status.code).toBe(0)
    expect(leaks(status)).toEqual([])
    expect(JSON.parse(status.stdout)).toMatchObject({kind: 'server', location: redacted})
  })

  it('writes, plan, tick, errors with --verbose, audit and flags never print it', async () => {
    const runs: CliResult[] = []
    for (const args of [
      ['catalog', 'init', '--verbose'],
      ['cluster', 'create', 'prod', '--size', '100cc'],
      ['plan'],
      ['plan', '--json'],
      ['tick', '--verbose'],
      ['cluster', 'show', 'nope', '--verbose'],
      ['cluster', 'create', 'prod', '--size', '100cc', '--json', '--verbose'],
      ['audit', '--json'],
      ['flags', 'dump', '--resolved'],
    ]) {
      const result = await cli([...args, '--catalog', url])
      expect(result.code, args.join(' ')).toBeLessThanOrEqual(2)
      expect(leaks(result), args.join(' ')).toEqual([])
      runs.push(result)
    }
    expect(runs[0]?.stderr).toContain(redacted) // catalog init names where it is
    expect(runs[5]?.stderr).toMatch(/^\s+at /m) // a --verbose stack was printed, and is clean
  })

  it('run: start, tick and error log lines (also after its connections are killed) never print it', {timeout: 180_000}, async () => {
    const admin = new pg.Client({connectionString: serverUrl as string})
    await admin.connect()
    try {
      const database = new URL(catalog.location).pathname.slice(1)
      await cli(['cluster', 'create', 'busy', '--size', '100cc', '--replication-factor', '2', '--catalog', url])
      const listening = async () =>
        (
          await admin.query<{n: number}>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'mzcluster' AND query LIKE 'LISTEN%'",
            [database],
          )
        ).rows[0]?.n
      const result = await runUntil(['--interval', '200ms', '--catalog', url], async (run) => {
        await run.waitFor(/tick: \d+ created/)
        await waitFor(listening, {what: 'run to listen', timeoutMs: 60_000})
        // Kill its connections: the run logs the lost connection and reconnects.
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'mzcluster'",
          [database],
        )
        await run.waitFor(/run: lost the listening connection .*; retrying in/)
        await waitFor(listening, {what: 'run to listen again after losing its connections', timeoutMs: 60_000})
      })
      expect(leaks(result)).toEqual([])
      expect(result.stderr).toMatch(/run: started/)
      expect(result.stderr).toMatch(/tick: \d+ created/)
      expect(result.stderr).toMatch(/run: lost the listening connection .*; retrying in/)
      const json = await runUntil(['--interval', '200ms', '--json', '--catalog', url], (run) => run.waitFor(/"event":\s*"leader"/))
      expect(leaks(json)).toEqual([])
      expect(json.stderr).toMatch(/"event":\s*"start"/)
    } finally {
      await admin.end()
    }
  })
})
