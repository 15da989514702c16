// The wait-shim (controller-spec §5.4, product.md §6): `judge` decides from the durable record and
// the realized config alone (never from the deadline), and `waitForReconfiguration` polls — driving
// the controller for the cluster unless told not to — until the record settles, the cluster is
// dropped, the caller's bound passes or the caller aborts (the reconfiguration goes on).

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {alterCluster} from '../../src/lib/alter/alter.js'
import {cancelReconfiguration} from '../../src/lib/alter/alter.js'
import type {NoReports} from '../../src/lib/alter/wait.js'
import {judge, waitForReconfiguration, waitForRetirement} from '../../src/lib/alter/wait.js'
import type {ClusterRow, TargetJson} from '../../src/lib/catalog/cluster-rows.js'
import type {Db} from '../../src/lib/catalog/db.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {Backend, TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {addReplica, clusterRow, clusterRowFixture, createCluster, DEFAULT_LOGGING_JSON, HOUR, record, replicaSummary, reportReady, req, setParameter, T0} from './fixtures.js'

const target200: TargetJson = {size: '200cc', replication_factor: 2, availability_zones: [], logging: DEFAULT_LOGGING_JSON}
const at200 = (overrides: Partial<ClusterRow>) => clusterRowFixture({size: '200cc', ...overrides})

describe('judge', () => {
  it('keeps waiting while the awaited record is in progress, whatever the deadline says', () => {
    expect(judge(clusterRowFixture({reconfiguration: record('200cc', 2, T0 - HOUR)}), target200)).toBeNull()
  })

  it('succeeds on finalized or cancelled with the realized config at the awaited target, and on a drop', () => {
    expect(judge(at200({reconfiguration: record('200cc', 2, T0, {status: 'finalized'})}), target200)).toMatchObject({kind: 'succeeded', how: 'finalized'})
    const back = {...target200, size: '100cc'}
    expect(judge(clusterRowFixture({reconfiguration: record('100cc', 2, T0, {status: 'cancelled'})}), back)).toMatchObject({kind: 'succeeded', how: 'cancelled'})
    expect(judge(null, target200)).toEqual({kind: 'succeeded', how: 'dropped', row: null})
    expect(judge(at200({reconfiguration: null}), target200)).toMatchObject({kind: 'succeeded', how: 'realized'})
  })

  it('fails on timed-out, resource-exhausted, a different in-progress target, or a cancel to another target', () => {
    expect(judge(clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'timed-out'})}), target200)).toMatchObject({
      kind: 'failed',
      why: 'timed-out',
      message: expect.stringMatching(/timed out at 2027-01-15T08:00:00.000Z before the target hydrated and rolled back; the cluster stays at 100cc × 2/),
    })
    expect(judge(clusterRowFixture({reconfiguration: record('200cc', 2, T0, {status: 'resource-exhausted'})}), target200)).toMatchObject({kind: 'failed', why: 'resource-exhausted'})
    expect(judge(clusterRowFixture({reconfiguration: record('400cc', 2, T0)}), target200)).toMatchObject({
      kind: 'failed',
      why: 'superseded',
      message: expect.stringContaining('now targeting 400cc × 2'),
    })
    expect(judge(clusterRowFixture({reconfiguration: record('100cc', 2, T0, {status: 'cancelled'})}), target200)).toMatchObject({kind: 'failed', why: 'superseded'})
    // Finalized, but something changed the realized config since: not what was awaited.
    expect(judge(at200({replication_factor: 3, reconfiguration: record('200cc', 2, T0, {status: 'finalized'})}), target200)).toMatchObject({kind: 'failed', why: 'superseded'})
    expect(judge(clusterRowFixture({reconfiguration: null}), target200)).toMatchObject({kind: 'failed', why: 'not-realized'})
  })
})

describe.each(backends())('waitForReconfiguration on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog
  let db: Db
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    db = catalog.db
    await setParameter(db, 'cluster_controller_tick_interval', '10ms')
    await setParameter(db, 'cluster_alter_check_ready_interval', '10ms')
    await setParameter(db, 'simulated_hydration_delay', '0s')
  })
  afterAll(async () => catalog.destroy())

  /** Drive the controller for the cluster, as the waiting commands do. */
  const driving = (on: Db) => async (clusterName: string) => (await tick(on, {clusterNames: [clusterName]})).warnings

  /** A 100cc × 1 cluster with its replica, and an alter to 200cc written now; returns id and awaited target. */
  const altering = async (name: string) => {
    const id = await createCluster(db, {name, size: '100cc', rf: 1, createdAtMs: Date.now() - HOUR})
    await addReplica(db, id, 'r1', '100cc', {createdAtMs: Date.now() - HOUR})
    const result = await alterCluster(db, name, req({size: '200cc'}), Date.now())
    if (!result.awaited) throw new Error('no record written')
    return {id, awaited: result.awaited}
  }

  it('drives the controller to the cut-over and succeeds (simulated signals)', async () => {
    await setParameter(db, 'signal_source', 'simulated')
    const {id, awaited} = await altering('wait-ok')
    const progress: number[] = []
    const outcome = await waitForReconfiguration(db, {
      clusterId: id,
      awaited,
      drive: driving(db),
      maxWaitMs: 20_000,
      onProgress: (p) => progress.push(p.awaiting === 'hydration' ? p.hydratedTargetReplicas : -1),
    })
    expect(outcome).toMatchObject({kind: 'succeeded', how: 'finalized', row: {size: '200cc', reconfiguration: {status: 'finalized'}}})
    expect(await replicaSummary(db, id)).toEqual(['r2 200cc'])
    expect(progress.every((n) => n === 0 || n === 1)).toBe(true)
  })

  it('without driving, only polls: the bound passes with nothing done', async () => {
    await setParameter(db, 'signal_source', 'simulated')
    const {id, awaited} = await altering('wait-no-drive')
    const started = Date.now()
    const outcome = await waitForReconfiguration(db, {clusterId: id, awaited, maxWaitMs: 300})
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(outcome).toMatchObject({kind: 'still-waiting', why: 'wait-timeout', row: {reconfiguration: {status: 'in-progress'}}})
    expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
  })

  it('an abort stops only the waiting, promptly even mid-sleep', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    // Not driving, the next check is an hour away: only an abort that cuts the sleep short ends
    // this wait before the test's timeout.
    await setParameter(db, 'cluster_alter_check_ready_interval', '1h')
    try {
      const {id, awaited} = await altering('wait-abort')
      const abort = new AbortController()
      // Reported progress is the last thing before the sleep: abort just after it has begun.
      const onProgress = () => void setTimeout(() => abort.abort(), 0)
      const outcome = await waitForReconfiguration(db, {clusterId: id, awaited, signal: abort.signal, onProgress})
      expect(outcome).toMatchObject({kind: 'still-waiting', why: 'interrupted', row: {reconfiguration: {status: 'in-progress'}}})
      expect((await clusterRow(db, id)).reconfiguration?.status).toBe('in-progress')
    } finally {
      await setParameter(db, 'cluster_alter_check_ready_interval', '10ms')
    }
  })

  it('a later alter re-targeting the record fails the wait as superseded', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    const {id, awaited} = await altering('wait-superseded')
    let retarget: Promise<unknown> | null = null
    const outcome = await waitForReconfiguration(db, {
      clusterId: id,
      awaited,
      drive: driving(db),
      maxWaitMs: 20_000,
      onProgress: () => {
        retarget ??= alterCluster(db, 'wait-superseded', req({size: '400cc'}), Date.now())
      },
    })
    expect(await retarget).toMatchObject({transition: 'started'})
    expect(outcome).toMatchObject({kind: 'failed', why: 'superseded', message: expect.stringContaining('400cc')})
    expect((await clusterRow(db, id)).reconfiguration?.target.size).toBe('400cc')
  })

  it('the cluster dropped mid-wait ends the wait successfully', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    const {id, awaited} = await altering('wait-dropped')
    let drop: Promise<unknown> | null = null
    const outcome = await waitForReconfiguration(db, {
      clusterId: id,
      awaited,
      drive: driving(db),
      maxWaitMs: 20_000,
      onProgress: () => {
        drop ??= db.query('DELETE FROM mzcluster.clusters WHERE id = $1', [id])
      },
    })
    await drop
    expect(outcome).toEqual({kind: 'succeeded', how: 'dropped', row: null})
  })

  it('the cluster dropped between the wait reading it and ticking it still ends the wait successfully', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    const {id, awaited} = await altering('wait-drop-race')
    // A handle that drops the cluster just before the driven tick resolves the cluster's name.
    let dropped = false
    const racing: Db = Object.create(db, {
      query: {
        value: async (sql: string, params?: readonly unknown[]) => {
          if (!dropped && /SELECT name, managed, builtin FROM mzcluster\.clusters/.test(sql)) {
            dropped = true
            await db.query('DELETE FROM mzcluster.clusters WHERE id = $1', [id])
          }
          return db.query(sql, params)
        },
      },
    }) as Db
    const outcome = await waitForReconfiguration(racing, {clusterId: id, awaited, drive: driving(racing), maxWaitMs: 20_000})
    expect(dropped).toBe(true)
    expect(outcome).toEqual({kind: 'succeeded', how: 'dropped', row: null})
  })

  it('counts hydrated target replicas by the kernel rule: a hydrated INTERNAL replica of the target shape is not one', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    const {id, awaited} = await altering('wait-internal')
    const internal = await addReplica(db, id, 'dbg', '200cc')
    await db.query('UPDATE mzcluster.replicas SET internal = true WHERE id = $1', [internal])
    await reportReady(db, internal, Date.now())
    const counts: number[] = []
    const outcome = await waitForReconfiguration(db, {clusterId: id, awaited, maxWaitMs: 50, onProgress: (p) => counts.push(p.awaiting === 'hydration' ? p.hydratedTargetReplicas : -1)})
    expect(outcome).toMatchObject({kind: 'still-waiting', why: 'wait-timeout'})
    expect(counts.length).toBeGreaterThan(0)
    expect(new Set(counts)).toEqual(new Set([0]))
  })

  it('says once, after a few tick intervals, that nothing reports on the target replicas (catalog signals only)', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    const {id, awaited} = await altering('wait-unreported')
    const stalls: NoReports[] = []
    const abort = new AbortController()
    let polls = 0
    const outcome = await waitForReconfiguration(db, {
      clusterId: id,
      awaited,
      drive: driving(db),
      maxWaitMs: 20_000,
      onNoReports: (stall) => stalls.push(stall),
      // Keep polling well past the first report so a second one would show.
      onProgress: () => {
        if (stalls.length > 0) polls++
        if (polls > 5) abort.abort()
      },
      signal: abort.signal,
    })
    expect(outcome).toMatchObject({kind: 'still-waiting', why: 'interrupted'})
    expect(stalls).toEqual([{clusterName: 'wait-unreported', replicaNames: ['r2']}])

    // A status report on the target replica is a report: no note.
    const reported = await altering('wait-reported')
    await tick(db, {clusterNames: ['wait-reported']})
    const [target] = await db.query<{id: string}>("SELECT id FROM mzcluster.replicas WHERE cluster_id = $1 AND size = '200cc'", [reported.id])
    await db.query('INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) VALUES ($1, false, $2)', [target?.id, Date.now()])
    const quiet: NoReports[] = []
    await waitForReconfiguration(db, {clusterId: reported.id, awaited: reported.awaited, drive: driving(db), maxWaitMs: 300, onNoReports: (stall) => quiet.push(stall)})
    expect(quiet).toEqual([])
  })

  it('after a cancel, waits until the cancelled target replicas are dropped', async () => {
    await setParameter(db, 'signal_source', 'catalog')
    const {id} = await altering('wait-cancel')
    await tick(db, {clusterNames: ['wait-cancel']})
    expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])
    const cancel = await cancelReconfiguration(db, 'wait-cancel')
    expect(cancel.inFlightReplicas).toEqual(['r2'])
    // Without driving nothing drops them.
    expect(await waitForRetirement(db, {clusterId: id, cancelled: cancel.cancelledTarget, maxWaitMs: 100})).toMatchObject({kind: 'still-waiting', why: 'wait-timeout'})
    const remaining: number[] = []
    const outcome = await waitForRetirement(db, {
      clusterId: id,
      cancelled: cancel.cancelledTarget,
      drive: driving(db),
      maxWaitMs: 20_000,
      onProgress: (p) => remaining.push(p.awaiting === 'retirement' ? p.remainingReplicas.length : -1),
    })
    expect(outcome).toMatchObject({kind: 'succeeded', how: 'cancelled', row: {size: '100cc', reconfiguration: {status: 'cancelled'}}})
    expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
    expect(remaining.every((n) => n === 1)).toBe(true)
  })
})
