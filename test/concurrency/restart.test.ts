// A real PostgreSQL server restart under `mzcluster run`. The machine's shared server is never
// restarted: this test initialises its own scratch cluster (initdb, trust auth, loopback, a free
// port) in a temporary directory, restarts it with pg_ctl while `run` is leading, and checks that
// `run` logs the lost connection with a retry, reconnects with backoff, and then acts on a change
// made after the restart. Where the PostgreSQL server binaries or root (to run them as the postgres
// user) are missing it is reported as skipped, and its name says which of the two is missing.

import {execFileSync} from 'node:child_process'
import {chownSync, existsSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {selectCatalog} from '../../src/lib/catalog/location.js'
import {initCatalog} from '../../src/lib/catalog/open.js'
import {createManagedCluster} from './scenario.js'
import {killChildren, RunProcess, sql} from './support.js'

const PG_BIN = existsSync('/etc/postgresql')
  ? `/usr/lib/postgresql/${execFileSync('ls', ['/etc/postgresql']).toString().trim().split('\n')[0]}/bin`
  : ''
/** Why this machine cannot run the test, or null when it can. */
const skipReason =
  PG_BIN === '' || !existsSync(join(PG_BIN, 'pg_ctl'))
    ? 'no PostgreSQL server binaries (pg_ctl) under /usr/lib/postgresql'
    : process.getuid?.() !== 0
      ? 'not root, so initdb and pg_ctl cannot run as the postgres user'
      : null

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

function asPostgres(command: string, args: readonly string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], {stdio: 'ignore', timeout: 60_000})
}

describe.skipIf(skipReason !== null)(`run across a real server restart (scratch PostgreSQL cluster)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let dir: string
  let port: number
  let url: string
  const pgCtl = (...args: string[]) =>
    asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '30', ...args])

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-restart-'))
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()))
    port = await freePort()
    asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync'])
    pgCtl('start', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off`)
    url = `postgres://postgres@127.0.0.1:${port}/postgres`
    const {db} = await initCatalog(selectCatalog(url))
    await createManagedCluster(db, 'svc', '100cc', 1)
    await db.close()
  }, 120_000)

  afterAll(() => {
    killChildren()
    try {
      pgCtl('stop', '-m', 'immediate')
    } catch {
      // already stopped
    }
    rmSync(dir, {recursive: true, force: true})
  })

  it('reconnects with backoff after the server restarts and carries on', {timeout: 240_000}, async () => {
    const run = RunProcess.start(url, ['--interval', '300ms'])
    await run.waitFor(/run: leading/, {timeoutMs: 60_000})
    await run.waitFor(/tick.*1 created/, {timeoutMs: 60_000})

    const from = run.lines.length
    pgCtl('restart', '-m', 'fast')
    await run.waitFor(/run: .*; retrying in \d+ms/, {timeoutMs: 60_000, from})

    // A change made after the restart is acted on: the controller is connected again.
    await sql(url, "UPDATE mzcluster.clusters SET replication_factor = 2, version = version + 1 WHERE name = 'svc'")
    await run.waitFor(/tick.*1 created/, {timeoutMs: 60_000, from})
    const replicas = await sql<{n: number}>(url, "SELECT count(*)::int AS n FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE c.name = 'svc'")
    expect(replicas[0]?.n).toBe(2)
    expect(run.running).toBe(true)

    run.kill('SIGTERM')
    const exit = await run.exited
    expect(exit.code).toBe(0)
  })
})
