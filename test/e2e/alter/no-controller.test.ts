// `--no-drive` with no controller, through the built binary: a wait that only watches while no
// `mzcluster run` holds the lease says so once, at the start (nothing will progress unless one
// starts), and then keeps watching. `cluster wait --timeout` bounds the watching itself: exit 3,
// still in progress. `cluster alter --timeout` is the reconfiguration's deadline, which only a
// tick acts on: the alter watches until something ticks — here the test, once the note is out —
// and then reports the timeout and rollback with exit 3. A waiting command holds an embedded
// catalog for its whole run, so there the alter runs through `catalog serve`, the documented way
// to share an embedded catalog with a controller.

import type {ChildProcessWithoutNullStreams} from 'node:child_process'
import {spawn} from 'node:child_process'
import {createServer} from 'node:net'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {Db} from '../../../src/lib/catalog/db.js'
import {selectCatalog} from '../../../src/lib/catalog/location.js'
import {openCatalog} from '../../../src/lib/catalog/open.js'
import {tick} from '../../../src/lib/ops/tick.js'
import {addReplica, createCluster, DEFAULT_LOGGING_JSON, HOUR, setParameter} from '../../alter/fixtures.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {BIN, errorLines, runCli} from '../../support/cli.js'
import {waitFor} from '../../support/wait.js'

useWarmCatalogs()

const SLOW = 600_000
const NOTE =
  'Note: no controller is running (no `mzcluster run` holds the lease) and --no-drive only watches: nothing will progress unless one starts; drop --no-drive to drive it from here.'

/** How many stderr lines are exactly the no-controller note. */
const notes = (stderr: string) => stderr.split('\n').filter((line) => line === NOTE).length

interface Running {
  readonly child: ChildProcessWithoutNullStreams
  readonly stdout: () => string
  readonly stderr: () => string
  /** The exit code (128 when killed by a signal). */
  readonly exit: Promise<number>
}

const running = new Set<ChildProcessWithoutNullStreams>()

/** The built binary in the background, its output readable while it runs (env as runCli sets it). */
function startCli(args: readonly string[], catalog: string): Running {
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, NODE_ENV: undefined, CI: '1', MZCLUSTER_CATALOG: catalog}
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  const child = spawn(process.execPath, [BIN, ...args], {env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe']})
  running.add(child)
  child.stdin.end()
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      running.delete(child)
      resolve(code ?? (signal ? 128 : 1))
    })
  })
  return {child, stdout: () => stdout, stderr: () => stderr, exit}
}

/** A TCP port on loopback that nothing listens on (for `catalog serve --port`). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

describe.each(backends())('--no-drive with no controller on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    const db = catalog.db
    // Catalog signals and no orchestrator: nothing reports, so nothing hydrates by itself.
    await setParameter(db, 'signal_source', 'catalog')
    await setParameter(db, 'cluster_alter_check_ready_interval', '100ms')
    // `lone` is steady at 100cc × 1; `watched` is already reconfiguring to 200cc × 1.
    const lone = await createCluster(db, {name: 'lone', size: '100cc', rf: 1, createdAtMs: Date.now() - HOUR})
    await addReplica(db, lone, 'r1', '100cc', {createdAtMs: Date.now() - HOUR})
    const watched = await createCluster(db, {
      name: 'watched',
      size: '100cc',
      rf: 1,
      createdAtMs: Date.now() - HOUR,
      reconfiguration: {
        target: {size: '200cc', replication_factor: 1, availability_zones: [], logging: DEFAULT_LOGGING_JSON},
        deadline: Date.now() + HOUR,
        on_timeout: 'rollback',
        status: 'in-progress',
      },
    })
    await addReplica(db, watched, 'r1', '100cc', {createdAtMs: Date.now() - HOUR})
    if (backend === 'embedded') await catalog.close()
  }, SLOW)
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL')
  })
  afterAll(async () => catalog?.destroy())

  // On an embedded catalog opened directly --no-drive is refused (test/e2e/alter/waiting.test.ts);
  // through `catalog serve` (the alter case below) it watches like on a server.
  it.runIf(backend === 'server')('cluster wait --no-drive --timeout: the note once at the start, then exit 3 still in progress', async () => {
    const result = await runCli(['cluster', 'wait', 'watched', '--no-drive', '--timeout', '1s'], {catalog: catalog.location, env: {NODE_ENV: undefined}, timeoutMs: 240_000})
    expect(result.code, result.stderr).toBe(3)
    expect(result.stdout).toBe('')
    const lines = result.stderr.split('\n')
    expect(lines[0]).toMatch(/^watched: waiting for the reconfiguration to 200cc × 1, introspection 1000ms \(deadline /)
    expect(lines[1]).toBe(NOTE)
    expect(notes(result.stderr)).toBe(1)
    expect(errorLines(result.stderr)).toEqual(['Error: watched: still in progress after the wait timeout'])
    expect(result.stderr).toContain('Hint: the reconfiguration record stays in force, but no controller is running: it progresses when something ticks')
  }, SLOW)

  it('cluster alter --wait --no-drive: the note once at the start; when a tick comes past the deadline, exit 3 timed out', async () => {
    let location = catalog.location
    let serve: Running | null = null
    let db: Db
    if (backend === 'embedded') {
      serve = startCli(['catalog', 'serve', '--port', String(await freePort())], catalog.location)
      const served = serve
      location = await waitFor(() => /^postgres:\/\/\S+$/m.exec(served.stdout())?.[0], {what: `catalog serve to print its URL (stderr: ${served.stderr()})`, timeoutMs: 120_000})
      db = await openCatalog(selectCatalog(location))
    } else {
      db = catalog.db
    }
    try {
      // --timeout 0s: the deadline is already due, but only a tick acts on it.
      const alter = startCli(['cluster', 'alter', 'lone', '--size', '200cc', '--timeout', '0s', '--wait', '--no-drive'], location)
      await waitFor(() => notes(alter.stderr()) > 0, {what: `the no-controller note (stderr so far: ${alter.stderr()})`, timeoutMs: 120_000})
      // Still watching: nothing has ticked, so the record is in force.
      const [before] = await db.query<{status: string}>("SELECT reconfiguration->>'status' AS status FROM mzcluster.clusters WHERE name = 'lone'")
      expect(before?.status).toBe('in-progress')
      // A controller comes by (one tick for this cluster): the record times out and rolls back.
      await tick(db, {clusterNames: ['lone']})
      const code = await alter.exit
      const stderr = alter.stderr()
      expect(code, stderr).toBe(3)
      expect(alter.stdout()).toBe('')
      const lines = stderr.split('\n')
      expect(lines[0]).toMatch(/^lone: reconfiguring to 200cc × 1, introspection 1000ms; deadline \S+, on timeout rollback\.$/)
      expect(lines[1]).toBe(NOTE)
      expect(notes(stderr)).toBe(1)
      expect(stderr.match(/nothing will progress unless one starts/g)).toHaveLength(1)
      const [error] = errorLines(stderr)
      expect(error).toMatch(/^Error: lone: timed out at \S+ before the target hydrated and rolled back; the cluster stays at 100cc × 1, introspection 1000ms$/)
    } finally {
      if (serve) {
        await db.close()
        serve.child.kill('SIGTERM')
        await serve.exit
      }
    }
  }, SLOW)
})
