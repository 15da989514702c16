// `cluster alter` and `cluster wait` as a user runs them: the built binary against an embedded
// catalog and a PostgreSQL server. Simulated signals with small delays make `--wait` finish in about
// a second; catalog signals with no reports make a target that can never hydrate. Exit codes: 0 the
// target was reached, 2 invalid input (nothing on stdout, nothing written), 3 a waited alter did not
// reach its target (or `cluster wait --timeout` gave up while it goes on), 130 Ctrl-C (the
// reconfiguration continues and later ticks finish it).

import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Db} from '../../../src/lib/catalog/db.js'
import {tick} from '../../../src/lib/ops/tick.js'
import {
  addReplica,
  auditMark,
  auditSince,
  clusterRow,
  createCluster,
  DEFAULT_LOGGING_JSON,
  dumpCatalog,
  HOUR,
  lifecycle,
  replicasOf,
  replicaSummary,
  setParameter,
} from '../../alter/fixtures.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {BIN, errorLines, json, runCli} from '../../support/cli.js'

useWarmCatalogs()

// NODE_ENV=test (inherited from vitest) makes oclif add dev-only warnings to stderr; users never see them.
const CLI_ENV = {NODE_ENV: undefined}

/** Each embedded invocation opens PGlite (seconds on a busy machine): generous per-test bounds. */
const SLOW = 180_000

interface AlterJson {
  cluster_id: string
  cluster_name: string
  route: string
  transition: string | null
  outcome: string
  reconfiguration: {target: Record<string, unknown>; deadline: number; on_timeout: string; status: string} | null
  realized: Record<string, unknown> | null
  burst: unknown
}


describe.each(backends())('cluster alter / wait binary on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog

  const withDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> => catalog.use(fn)
  const cli = (args: string[], timeoutMs = 60_000) => runCli(args, {catalog: catalog.location, env: CLI_ENV, timeoutMs})

  /** A MANUAL 100cc × 1 cluster whose replica r1 has been running for an hour. */
  const cluster = (name: string) =>
    withDb(async (db) => {
      const id = await createCluster(db, {name, size: '100cc', rf: 1, createdAtMs: Date.now() - HOUR})
      await addReplica(db, id, 'r1', '100cc', {createdAtMs: Date.now() - HOUR})
      return id
    })
  const signals = (source: 'simulated' | 'catalog') => withDb((db) => setParameter(db, 'signal_source', source))

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await setParameter(catalog.db, 'simulated_hydration_delay', '1s')
    await setParameter(catalog.db, 'cluster_controller_tick_interval', '200ms')
    await setParameter(catalog.db, 'cluster_alter_check_ready_interval', '100ms')
    if (backend === 'embedded') await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('--wait --json: exit 0 once the target is hydrated and cut over, with the settled record and realized config', async () => {
    await signals('simulated')
    const id = await cluster('web')
    const mark = await withDb(auditMark)
    const before = Date.now()
    const result = await cli(['cluster', 'alter', 'web', '--size', '200cc', '--wait', '--json'])
    const after = Date.now()
    expect(result.code, result.stderr).toBe(0)
    const body = json<AlterJson>(result)
    const target = {size: '200cc', replication_factor: 1, availability_zones: [], logging: DEFAULT_LOGGING_JSON}
    expect(body).toEqual({
      cluster_id: id,
      cluster_name: 'web',
      route: 'reshape',
      action: 'graceful',
      transition: 'started',
      outcome: 'finalized',
      reconfiguration: {target, deadline: expect.any(Number), on_timeout: 'rollback', status: 'finalized'},
      realized: {
        managed: true,
        size: '200cc',
        replication_factor: 1,
        availability_zones: [],
        logging: DEFAULT_LOGGING_JSON,
        schedule: {kind: 'manual'},
        auto_scaling_strategy: null,
      },
      burst: null,
    })
    // The default deadline: 24h from the alter, ROLLBACK.
    expect(body.reconfiguration?.deadline).toBeGreaterThanOrEqual(before + 24 * HOUR)
    expect(body.reconfiguration?.deadline).toBeLessThanOrEqual(after + 24 * HOUR)
    expect(result.stderr).toContain('web: reconfiguring to 200cc × 1')
    await withDb(async (db) => {
      expect(await replicaSummary(db, id)).toEqual(['r2 200cc'])
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'finalized'])
      const finalized = (await auditSince(db, mark, id)).find((event) => event.details.transition === 'finalized')
      expect(finalized?.details.forced).toBe(false)
    })
  }, SLOW)

  it('--wait exits 3 with one line naming the rollback when the timeout passes un-hydrated', async () => {
    await signals('catalog')
    const id = await cluster('slow')
    const mark = await withDb(auditMark)
    const result = await cli(['cluster', 'alter', 'slow', '--size', '200cc', '--timeout', '1s', '--wait'])
    expect(result.code, result.stderr).toBe(3)
    expect(result.stdout).toBe('')
    const errors = errorLines(result)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Error: slow: timed out at \S+ before the target hydrated and rolled back; the cluster stays at 100cc × 1/)
    await withDb(async (db) => {
      const row = await clusterRow(db, id)
      expect(row.size).toBe('100cc')
      expect(row.reconfiguration).toMatchObject({status: 'timed-out', on_timeout: 'rollback', target: {size: '200cc'}})
      // The target replica the driven ticks created is retired again.
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'timed-out'])
    })
  }, SLOW)

  it('--background returns at once; `cluster wait` then drives it to the end (exit 0)', async () => {
    await signals('simulated')
    const id = await cluster('bg')
    const background = await cli(['cluster', 'alter', 'bg', '--size', '200cc', '--background'])
    expect(background.code, background.stderr).toBe(0)
    expect(background.stdout).toBe('')
    expect(background.stderr).toContain('mzcluster cluster wait bg')
    await withDb(async (db) => {
      // Written, but nothing driven yet: no target replica exists.
      expect((await clusterRow(db, id)).reconfiguration?.status).toBe('in-progress')
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
    })
    const wait = await cli(['cluster', 'wait', 'bg'])
    expect(wait.code, wait.stderr).toBe(0)
    // The result is a confirmation: stderr, nothing on stdout.
    expect(wait.stdout).toBe('')
    expect(wait.stderr).toMatch(/^bg: reconfiguration finalized; now 200cc × 1/m)
    await withDb(async (db) => {
      expect((await clusterRow(db, id)).reconfiguration?.status).toBe('finalized')
      expect(await replicaSummary(db, id)).toEqual(['r2 200cc'])
    })
  }, SLOW)

  it('`cluster wait --timeout 1s` on a target that cannot hydrate: exit 3 "still in progress", the record stays', async () => {
    await signals('catalog')
    const id = await withDb(async (db) => {
      const clusterId = await createCluster(db, {
        name: 'stuck',
        size: '100cc',
        rf: 1,
        reconfiguration: {
          target: {size: '200cc', replication_factor: 1, availability_zones: [], logging: DEFAULT_LOGGING_JSON},
          deadline: Date.now() + HOUR,
          on_timeout: 'rollback',
          status: 'in-progress',
        },
      })
      await addReplica(db, clusterId, 'r1', '100cc')
      return clusterId
    })
    const started = Date.now()
    const result = await cli(['cluster', 'wait', 'stuck', '--timeout', '1s'])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(result.code, result.stderr).toBe(3)
    expect(result.stdout).toBe('')
    expect(errorLines(result)).toEqual(['Error: stuck: still in progress after the wait timeout'])
    // No `run` holds the lease: nothing promises that the work goes on by itself.
    expect(result.stderr).toContain('the reconfiguration record stays in force, but no controller is running')
    expect(result.stderr).not.toContain('continues under the controller')
    await withDb(async (db) => {
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', reconfiguration: {status: 'in-progress'}})
      // The wait drove the controller: the target replica is up next to r1.
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])
    })
  }, SLOW)

  it('bad input: exit 2, nothing on stdout, catalog unchanged', async () => {
    await cluster('bad')
    const before = await withDb(dumpCatalog)
    const cases: [string[], RegExp][] = [
      [['--size', '123cc', '--wait'], /unknown cluster replica size "123cc"/],
      [['--size', '200cc', '--timeout', '10 minutes'], /invalid duration "10 minutes"/],
      [['--size', '200cc', '--on-timeout', 'commit'], /^Error: --on-timeout requires --timeout$/],
      [['--size', '200cc', '--wait', '--background'], /^Error: --wait and --background are alternatives/],
    ]
    for (const [flags, message] of cases) {
      const result = await cli(['cluster', 'alter', 'bad', ...flags])
      expect({flags, code: result.code, stdout: result.stdout}).toEqual({flags, code: 2, stdout: ''})
      expect(errorLines(result)).toHaveLength(1)
      expect(errorLines(result)[0]).toMatch(message)
    }
    expect(await withDb(dumpCatalog)).toBe(before)
  }, SLOW)

  it('Ctrl-C during --wait with no controller running: exit 130, the record stays in force and says who finishes it', async () => {
    await signals('catalog')
    const id = await cluster('intr')
    const env: Record<string, string | undefined> = {...process.env, ...CLI_ENV, NO_COLOR: '1', CI: '1', MZCLUSTER_CATALOG: catalog.location}
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
    const child = spawn(process.execPath, [BIN, 'cluster', 'alter', 'intr', '--size', '200cc', '--wait'], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const waiting = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never started waiting; stderr:\n${stderr}`)), 90_000)
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('Waiting for')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('close', (code, signal) => resolve({code, signal})))
    try {
      await waiting
      child.kill('SIGINT')
      const exit = await exited
      expect(exit).toEqual({code: 130, signal: null})
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    expect(stdout).toBe('')
    expect(stderr).toContain('Stopped waiting for intr; the reconfiguration record stays in force, but no controller is running')
    expect(stderr).not.toContain('continues under the controller')
    expect(stderr).toContain('mzcluster cluster wait intr')

    await withDb(async (db) => {
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', reconfiguration: {status: 'in-progress', target: {size: '200cc'}}})
      // Later ticks (a daemon, or anyone) finish it once the target reports in.
      await tick(db, {clusterNames: ['intr']})
      const target = (await replicasOf(db, id)).find((replica) => replica.size === '200cc')
      expect(target).toBeDefined()
      await db.query('INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) VALUES ($1, true, $2)', [target?.id, Date.now()])
      await tick(db, {clusterNames: ['intr']})
      expect(await clusterRow(db, id)).toMatchObject({size: '200cc', reconfiguration: {status: 'finalized'}})
      expect((await replicasOf(db, id)).map((replica) => replica.id)).toEqual([target?.id])
    })
  }, SLOW)
})
