// `cluster cancel`, `--dry-run` of alter and cancel, and the refusal of wait options on a scheduled
// cluster, through the built binary on each backend. Streams and exit codes as a script sees them:
// confirmations on stderr, data (a dry run's description, --json documents) on stdout, exit 2 with
// nothing written for every refusal — checked with a dump of the whole catalog.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Db} from '../../../src/lib/catalog/db.js'
import {tick} from '../../../src/lib/ops/tick.js'
import {
  addReplica,
  auditMark,
  clusterRow,
  createCluster,
  DEFAULT_LOGGING_JSON,
  dumpCatalog,
  HOUR,
  lifecycle,
  replicaSummary,
  setParameter,
} from '../../alter/fixtures.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {errorLines, json, runCli} from '../../support/cli.js'

useWarmCatalogs()

// NODE_ENV=test (inherited from vitest) makes oclif add dev-only warnings to stderr; users never see them.
const CLI_ENV = {NODE_ENV: undefined}
// Generous: each embedded invocation opens PGlite, slow on a busy machine.
const SLOW = 600_000

const target = (size: string, rf: number) => ({size, replication_factor: rf, availability_zones: [], logging: DEFAULT_LOGGING_JSON})

describe.each(backends())('cluster cancel, --dry-run and scheduled waits on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog

  const withDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> => catalog.use(fn)
  const cli = (args: string[]) => runCli(args, {catalog: catalog.location, env: CLI_ENV, timeoutMs: 240_000})

  /** A MANUAL 100cc × 1 cluster whose replica r1 has been running for an hour. */
  const cluster = (name: string, options: {schedule?: 'on-refresh'} = {}) =>
    withDb(async (db) => {
      const scheduled = options.schedule === 'on-refresh'
      const id = await createCluster(db, {
        name,
        size: '100cc',
        rf: scheduled ? 0 : 1,
        schedule: scheduled ? {kind: 'on-refresh', hydration_time_estimate_ms: 0} : undefined,
        createdAtMs: Date.now() - HOUR,
      })
      if (!scheduled) await addReplica(db, id, 'r1', '100cc', {createdAtMs: Date.now() - HOUR})
      return id
    })

  /** `fn` must leave every table and sequence of the catalog exactly as it was. */
  const writesNothing = async (fn: () => Promise<void>) => {
    const before = await withDb(dumpCatalog)
    await fn()
    expect(await withDb(dumpCatalog)).toBe(before)
  }

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await setParameter(catalog.db, 'cluster_controller_tick_interval', '200ms')
    await setParameter(catalog.db, 'cluster_alter_check_ready_interval', '100ms')
    if (backend === 'embedded') await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('cancel ends a reconfiguration whose rf cannot be altered back, and the hints name it (the c5 case)', async () => {
    const id = await cluster('c5')
    const mark = await withDb(auditMark)
    const off = await cli(['cluster', 'alter', 'c5', '--size', '200cc', '--replication-factor', '0', '--background'])
    expect(off.code, off.stderr).toBe(0)
    expect(off.stdout).toBe('')
    expect(off.stderr).toContain('c5: replication factor 0 turns the cluster off')
    expect(off.stderr).toContain('mzcluster cluster cancel c5')

    // The old advice, an alter back to the realized shape, is impossible here; the hint says cancel.
    const back = await cli(['cluster', 'alter', 'c5', '--replication-factor', '1'])
    expect(back.code).toBe(2)
    expect(errorLines(back)).toEqual(['Error: cannot change replication factor while a reconfiguration is in progress'])
    expect(back.stderr).toContain('cancel it with `mzcluster cluster cancel c5`')
    expect(back.stderr).not.toContain('alter back')

    const cancel = await cli(['cluster', 'cancel', 'c5', '--json'])
    expect(cancel.code, cancel.stderr).toBe(0)
    expect(json(cancel)).toMatchObject({
      cluster_id: id,
      cluster_name: 'c5',
      route: 'reshape',
      action: 'cancel',
      transition: 'cancelled',
      outcome: 'cancelled',
      cancelled_target: target('200cc', 0),
      in_flight_replicas: [],
      reconfiguration: {status: 'cancelled', target: target('100cc', 1)},
      realized: {size: '100cc', replication_factor: 1},
    })
    await withDb(async (db) => {
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'cancelled'])
      // The cluster keeps serving: the next tick leaves r1 alone.
      await tick(db, {clusterNames: ['c5']})
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
    })

    const again = await cli(['cluster', 'cancel', 'c5'])
    expect(again.code).toBe(2)
    expect(again.stdout).toBe('')
    expect(errorLines(again)).toEqual(['Error: cluster "c5" has no reconfiguration in progress'])
  }, SLOW)

  it('cancel drives ticks until the in-flight target replicas are dropped (exit 0, confirmations on stderr)', async () => {
    const id = await cluster('cx')
    const mark = await withDb(auditMark)
    const started = await cli(['cluster', 'alter', 'cx', '--size', '200cc', '--background'])
    expect(started.code, started.stderr).toBe(0)
    await withDb(async (db) => {
      await tick(db, {clusterNames: ['cx']})
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])
    })

    const cancel = await cli(['cluster', 'cancel', 'cx'])
    expect(cancel.code, cancel.stderr).toBe(0)
    expect(cancel.stdout).toBe('')
    expect(cancel.stderr).toContain('cx: reconfiguration to 200cc × 1, introspection 1000ms cancelled; the cluster stays at 100cc × 1')
    expect(cancel.stderr).toContain('cx: cancelled; the in-flight replicas are dropped.')
    await withDb(async (db) => {
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      expect((await clusterRow(db, id)).reconfiguration).toMatchObject({status: 'cancelled', target: target('100cc', 1)})
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'cancelled'])
    })
  }, SLOW)

  it('cancel refuses --background with --no-drive and an unknown cluster, writing nothing', async () => {
    await cluster('cy')
    await cli(['cluster', 'alter', 'cy', '--size', '200cc', '--background'])
    await writesNothing(async () => {
      const both = await cli(['cluster', 'cancel', 'cy', '--background', '--no-drive'])
      expect(both.code).toBe(2)
      expect(errorLines(both)[0]).toMatch(/^Error: --background and --no-drive are alternatives/)
      const unknown = await cli(['cluster', 'cancel', 'nope'])
      expect(unknown.code).toBe(2)
      expect(errorLines(unknown)).toEqual(['Error: unknown cluster "nope"'])
    })
  }, SLOW)

  it('alter --dry-run shows route, target, deadline and the peak against both limits, and writes nothing', async () => {
    await cluster('dry')
    await withDb((db) => setParameter(db, 'max_credit_consumption_rate', '100'))
    await writesNothing(async () => {
      const text = await cli(['cluster', 'alter', 'dry', '--size', '200cc', '--replication-factor', '2', '--wait-for', '30m', '--dry-run'])
      expect(text.code, text.stderr).toBe(0)
      expect(text.stderr).toBe('')
      const lines = text.stdout.trimEnd().split('\n')
      expect(lines[0]).toBe('cluster alter dry (dry run; nothing written)')
      expect(lines).toContain('  route      graceful (writes a reconfiguration record)')
      expect(lines).toContain('  target     200cc × 2, introspection 1000ms')
      expect(text.stdout).toMatch(/^ {2}deadline {3}\S+Z, on timeout commit$/m)
      expect(lines).toContain('  peak       3 replicas (max_replicas_per_cluster 5)')
      expect(text.stdout).toMatch(/^ {13}\d+(\.\d+)? credits\/h in the environment \(max_credit_consumption_rate 100\)$/m)

      const doc = await cli(['cluster', 'alter', 'dry', '--size', '200cc', '--json', '--dry-run'])
      expect(doc.code, doc.stderr).toBe(0)
      const body = json<Record<string, unknown>>(doc)
      expect(body).toMatchObject({
        dry_run: true,
        cluster_name: 'dry',
        route: 'reshape',
        action: 'graceful',
        transition: 'started',
        outcome: 'planned',
        reconfiguration: {status: 'in-progress', on_timeout: 'rollback', target: target('200cc', 1), deadline: expect.any(Number)},
        realized: {size: '100cc', replication_factor: 1},
        peak: {replicas: 2, max_replicas_per_cluster: 5, credits_per_hour: expect.any(Number), max_credit_consumption_rate: 100},
      })

      const direct = json<Record<string, unknown>>(await cli(['cluster', 'alter', 'dry', '--replication-factor', '3', '--json', '--dry-run']))
      expect(direct).toMatchObject({dry_run: true, route: 'direct', action: 'direct', realized: {replication_factor: 3}, peak: null})
      const noop = json<Record<string, unknown>>(await cli(['cluster', 'alter', 'dry', '--size', '100cc', '--json', '--dry-run']))
      expect(noop).toMatchObject({dry_run: true, route: 'unchanged', action: 'no-op'})

      // Full validation: what the real alter refuses, the dry run refuses (exit 2).
      const overLimit = await cli(['cluster', 'alter', 'dry', '--size', '200cc', '--replication-factor', '5', '--dry-run'])
      expect(overLimit.code).toBe(2)
      expect(overLimit.stdout).toBe('')
      expect(errorLines(overLimit)[0]).toMatch(/would need 6 replicas while the shapes overlap; max_replicas_per_cluster is 5 \(the cluster has 1\)/)
      const unknownSize = await cli(['cluster', 'alter', 'dry', '--size', '123cc', '--dry-run', '--json'])
      expect(unknownSize.code).toBe(2)
      expect(json(unknownSize)).toMatchObject({error: {message: 'unknown cluster replica size "123cc" (--size)', exit_code: 2}})
    })
    await withDb((db) => setParameter(db, 'max_credit_consumption_rate', '1024'))
  }, SLOW)

  it('cancel --dry-run names the replicas the next tick would drop, and writes nothing', async () => {
    const id = await cluster('drycancel')
    await cli(['cluster', 'alter', 'drycancel', '--size', '200cc', '--background'])
    await withDb((db) => tick(db, {clusterNames: ['drycancel']}))
    await writesNothing(async () => {
      const text = await cli(['cluster', 'cancel', 'drycancel', '--dry-run'])
      expect(text.code, text.stderr).toBe(0)
      expect(text.stdout.trimEnd().split('\n')).toEqual([
        'cluster cancel drycancel (dry run; nothing written)',
        '  route      cancel',
        '  cancels    200cc × 1, introspection 1000ms',
        '  target     100cc × 1, introspection 1000ms (the realized shape)',
        '  drops      r2 (next tick)',
      ])
      const doc = await cli(['cluster', 'cancel', 'drycancel', '--dry-run', '--json'])
      expect(json(doc)).toMatchObject({
        dry_run: true,
        cluster_id: id,
        action: 'cancel',
        transition: 'cancelled',
        outcome: 'planned',
        in_flight_replicas: ['r2'],
        reconfiguration: {status: 'cancelled', target: target('100cc', 1)},
      })
    })
    await withDb(async (db) => expect((await clusterRow(db, id)).reconfiguration?.status).toBe('in-progress'))
  }, SLOW)

  it('on a scheduled cluster --wait, --timeout, --wait-for and --on-timeout are refused (exit 2, nothing written)', async () => {
    await cluster('sched', {schedule: 'on-refresh'})
    await writesNothing(async () => {
      for (const flags of [
        ['--size', '200cc', '--timeout', '10m', '--wait'],
        ['--size', '200cc', '--wait'],
        ['--size', '200cc', '--wait-for', '10m'],
        ['--size', '200cc', '--timeout', '10m', '--on-timeout', 'commit'],
        ['--size', '200cc', '--timeout', '10m', '--dry-run'],
      ]) {
        const result = await cli(['cluster', 'alter', 'sched', ...flags])
        expect({flags, code: result.code, stdout: result.stdout, errors: errorLines(result)}).toEqual({
          flags,
          code: 2,
          stdout: '',
          errors: ['Error: waiting is not supported when the cluster schedule is not manual'],
        })
      }
    })
    // Without them the change applies directly, confirmed on stderr.
    const direct = await cli(['cluster', 'alter', 'sched', '--size', '200cc'])
    expect(direct.code, direct.stderr).toBe(0)
    expect(direct.stdout).toBe('')
    expect(direct.stderr).toBe('sched: altered.\n')
  }, SLOW)
})
