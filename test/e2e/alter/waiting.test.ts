// Waiting that explains itself (`cluster alter --wait`, `cluster wait`), through the built binary:
// on a pseudo-terminal the progress line moves (spinner, elapsed counter) and Ctrl-C names the
// running controller only when one holds the `run` lease; piped, a progress line is printed only
// when something changes; a wait that cannot progress because nothing reports hydration says so
// once and names the ways forward; `--no-drive` without a controller says at the start that
// nothing will progress.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Db} from '../../../src/lib/catalog/db.js'
import {CONTROLLER_LEASE} from '../../../src/lib/catalog/leases.js'
import {addReplica, createCluster, DEFAULT_LOGGING_JSON, HOUR, setParameter} from '../../alter/fixtures.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {errorLines, runCli} from '../../support/cli.js'
import {runOnPty} from '../flags/pty.js'

useWarmCatalogs()

const CLI_ENV = {NODE_ENV: undefined}
// Generous: each embedded invocation opens PGlite, slow on a busy machine.
const SLOW = 600_000
const NO_CONTROLLER = 'no controller is running (no `mzcluster run` holds the lease) and --no-drive only watches: nothing will progress unless one starts'


describe.each(backends())('waits that explain themselves on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog

  const withDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> => catalog.use(fn)
  const cli = (args: string[]) => runCli(args, {catalog: catalog.location, env: CLI_ENV, timeoutMs: 240_000})

  /** A MANUAL 100cc × 1 cluster with its replica r1, optionally already reconfiguring to 200cc × 1. */
  const cluster = (name: string, options: {inFlight?: boolean} = {}) =>
    withDb(async (db) => {
      const id = await createCluster(db, {
        name,
        size: '100cc',
        rf: 1,
        createdAtMs: Date.now() - HOUR,
        reconfiguration: options.inFlight
          ? {
              target: {size: '200cc', replication_factor: 1, availability_zones: [], logging: DEFAULT_LOGGING_JSON},
              deadline: Date.now() + HOUR,
              on_timeout: 'rollback',
              status: 'in-progress',
            }
          : undefined,
      })
      await addReplica(db, id, 'r1', '100cc', {createdAtMs: Date.now() - HOUR})
      return id
    })

  /** Pretend a `mzcluster run` leads: a live lease row, as run writes it. */
  const leaseHeldBy = (holder: string | null) =>
    withDb(async (db) => {
      await db.query('DELETE FROM mzcluster.controller_leases')
      if (holder !== null) {
        await db.query('INSERT INTO mzcluster.controller_leases (name, holder, expires_at, renewed_at) VALUES ($1, $2, $3, $4)', [
          CONTROLLER_LEASE,
          holder,
          Date.now() + HOUR,
          Date.now(),
        ])
      }
    })

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    // Catalog signals and no orchestrator: nothing ever reports, so nothing hydrates.
    await setParameter(catalog.db, 'signal_source', 'catalog')
    await setParameter(catalog.db, 'cluster_controller_tick_interval', '200ms')
    await setParameter(catalog.db, 'cluster_alter_check_ready_interval', '100ms')
    if (backend === 'embedded') await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('piped: the no-report explanation once, naming the ways forward; progress lines only on change', async () => {
    await cluster('quiet')
    // The deadline leaves the wait dozens of polls (100ms) after the note's three tick intervals (200ms).
    const result = await cli(['cluster', 'alter', 'quiet', '--size', '200cc', '--timeout', '6s', '--wait'])
    expect(result.code, result.stderr).toBe(3)
    expect(result.stdout).toBe('')
    const notes = result.stderr.split('\n').filter((line) => line.startsWith('Note: no hydration report'))
    expect(notes).toEqual([
      'Note: no hydration report has arrived for the target replica (r2) and signal_source is catalog, so nothing will mark them hydrated. Either:',
    ])
    expect(result.stderr).toContain('mzcluster signal hydration quiet.r2')
    expect(result.stderr).toContain('mzcluster flags set signal_source=simulated')
    expect(result.stderr).toContain('docs/orchestrator.md')
    // Dozens of polls, one state: one progress line, with its elapsed time.
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('Waiting for quiet'))
    expect(progress).toHaveLength(1)
    expect(progress[0]).toMatch(/^Waiting for quiet → 200cc × 1, introspection 1000ms: 0\/1 target replicas hydrated \(\S+ elapsed, deadline in \S+/)
    expect(errorLines(result)[0]).toMatch(/^Error: quiet: timed out at /)
  }, SLOW)

  it.runIf(backend === 'embedded')('--no-drive on an embedded catalog opened directly is refused: no other process could tick it', async () => {
    await cluster('direct')
    const before = await withDb((db) => db.query('SELECT name, size, reconfiguration FROM mzcluster.clusters ORDER BY name'))
    for (const args of [
      ['cluster', 'alter', 'direct', '--size', '200cc', '--wait', '--no-drive'],
      ['cluster', 'wait', 'direct', '--no-drive'],
      ['cluster', 'cancel', 'direct', '--no-drive'],
    ]) {
      const result = await cli(args)
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2)
      expect(result.stdout).toBe('')
      expect(errorLines(result)).toEqual(['Error: --no-drive cannot progress on an embedded catalog opened directly'])
      expect(result.stderr).toContain('Hint: drop --no-drive to tick from here, or go through `mzcluster catalog serve`')
    }
    expect(await withDb((db) => db.query('SELECT name, size, reconfiguration FROM mzcluster.clusters ORDER BY name'))).toEqual(before)
  }, SLOW)

  it.runIf(backend === 'server')('--no-drive with no controller says so at the start; with one running, it promises the work goes on', async () => {
    await cluster('watch', {inFlight: true})
    await leaseHeldBy(null)
    const alone = await cli(['cluster', 'wait', 'watch', '--no-drive', '--timeout', '1s'])
    expect(alone.code, alone.stderr).toBe(3)
    const lines = alone.stderr.split('\n')
    expect(lines[0]).toMatch(/^watch: waiting for the reconfiguration to 200cc × 1/)
    expect(lines[1]).toBe(`Note: ${NO_CONTROLLER}; drop --no-drive to drive it from here.`)
    expect(alone.stderr).not.toContain('continues under the controller')

    await leaseHeldBy('ops-host:4242:abc123')
    try {
      const led = await cli(['cluster', 'wait', 'watch', '--no-drive', '--timeout', '1s'])
      expect(led.code, led.stderr).toBe(3)
      expect(led.stderr).not.toContain('no controller is running')
      expect(led.stderr).toContain('Hint: the reconfiguration continues under the controller (`mzcluster run`, ops-host:4242:abc123); follow it with `mzcluster cluster wait watch`')
    } finally {
      await leaseHeldBy(null)
    }
  }, SLOW)

  it('on a terminal: a spinner and a ticking elapsed counter; Ctrl-C under a running controller says it continues', async () => {
    await cluster('tty')
    await leaseHeldBy('ops-host:4242:abc123')
    try {
      const session = runOnPty(['cluster', 'alter', 'tty', '--size', '200cc', '--wait'], {...CLI_ENV, MZCLUSTER_CATALOG: catalog.location})
      await session.waitFor(/Waiting for tty → 200cc × 1, introspection 1000ms: 0\/1 target replicas hydrated · 1s elapsed/, 60_000)
      await session.waitFor(/· 2s elapsed/)
      // The same state redrawn with different spinner frames: the line moves between polls.
      const frames = new Set([...session.screen.matchAll(/([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Waiting for tty/g)].map((match) => match[1]))
      expect(frames.size).toBeGreaterThan(1)
      session.write('\u0003')
      expect(await session.exit).toBe(130)
      expect(session.screen).toContain(
        'Stopped waiting for tty; the reconfiguration continues under the controller (`mzcluster run`, ops-host:4242:abc123); follow it with `mzcluster cluster wait tty`.',
      )
    } finally {
      await leaseHeldBy(null)
    }
  }, SLOW)
})
