// `alterCluster` on real catalogs (embedded PGlite and a PostgreSQL server): what one alter
// transaction writes (config, record, audit events — all with the same transaction id), what it
// refuses without writing anything (unknown sizes, the transient peak against the resource limits,
// rf while in flight), and the reconfiguration lifecycles it starts, driven by controller ticks
// with explicit times and catalog signals: a graceful resize that never drops below rf serving
// replicas, rollback and forced commit at the deadline, alter-back, re-targeting mid-flight, and a
// concurrent alter landing between a tick's read and its apply.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {AlterResult} from '../../src/lib/alter/alter.js'
import {alterCluster} from '../../src/lib/alter/alter.js'
import type {AlterRequest} from '../../src/lib/alter/route.js'
import type {Db, Queryable} from '../../src/lib/catalog/db.js'
import {selectCatalog} from '../../src/lib/catalog/location.js'
import {openCatalog} from '../../src/lib/catalog/open.js'
import type {TickReport} from '../../src/lib/controller/report.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {UsageError} from '../../src/lib/errors.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {Backend, TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {RacingCtx} from '../support/racing-ctx.js'
import {
  addIndex,
  addReplica,
  auditMark,
  auditSince,
  clusterRow,
  createCluster,
  DAY,
  DEFAULT_LOGGING_JSON,
  dumpCatalog,
  hydratedIds,
  lifecycle,
  MINUTE,
  replicasOf,
  replicaSummary,
  reportReady,
  req,
  SECOND,
  setParameter,
  T0,
} from './fixtures.js'


/** The xmin (writing transaction id) of a cluster row and of audit events after a mark. */
async function writers(db: Queryable, clusterId: string, mark: number): Promise<{cluster: string; events: string[]}> {
  const [cluster] = await db.query<{x: string}>('SELECT xmin::text AS x FROM mzcluster.clusters WHERE id = $1', [clusterId])
  const events = await db.query<{x: string}>('SELECT xmin::text AS x FROM mzcluster.audit_events WHERE id > $1 ORDER BY id', [mark])
  return {cluster: cluster?.x ?? '?', events: events.map((event) => event.x)}
}

describe.each(backends())('cluster alter on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog
  let db: Db
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    db = catalog.db
  })
  afterAll(async () => catalog.destroy())

  const tickAt = async (name: string, nowMs: number): Promise<TickReport> => {
    const result = await tick(db, {clusterNames: [name], nowMs})
    expect(result.warnings).toEqual([])
    return result.report
  }

  /** The refusal an alter throws; the catalog must be byte-for-byte unchanged afterwards. */
  const refusedWithoutWrites = async (name: string, request: AlterRequest, nowMs = T0): Promise<UsageError> => {
    const before = await dumpCatalog(db)
    const error = await alterCluster(db, name, request, nowMs).then(
      (result: AlterResult) => {
        throw new Error(`expected a refusal, got ${JSON.stringify(result)}`)
      },
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).exitCode).toBe(2)
    expect(await dumpCatalog(db)).toBe(before)
    return error as UsageError
  }

  /** A MANUAL cluster with `rf` ready replicas r1..rN at `size` and one index (so hydration means something). */
  const servingCluster = async (name: string, size: string, rf: number, availabilityZones: string[] = []) => {
    const id = await createCluster(db, {name, size, rf, availabilityZones})
    await addIndex(db, id, `${name}_idx`)
    const replicas: string[] = []
    for (let i = 1; i <= rf; i++) {
      const replica = await addReplica(db, id, `r${i}`, size, {availabilityZones})
      await reportReady(db, replica)
      replicas.push(replica)
    }
    return {id, replicas}
  }

  describe('what one alter writes', () => {
    it('a reshape writes the in-progress record and a `started` event in the same transaction, no replicas', async () => {
      const {id, replicas} = await servingCluster('w-reshape', '100cc', 2)
      const before = await clusterRow(db, id)
      const mark = await auditMark(db)
      const result = await alterCluster(db, 'w-reshape', req({size: '200cc'}), T0)
      const target = {size: '200cc', replication_factor: 2, availability_zones: [], logging: DEFAULT_LOGGING_JSON}
      expect(result).toMatchObject({clusterId: id, clusterName: 'w-reshape', route: 'reshape', transition: 'started', awaited: target})

      const row = await clusterRow(db, id)
      expect(row).toEqual({
        ...before,
        version: Number(before.version) + 1,
        reconfiguration: {target, deadline: T0 + DAY, on_timeout: 'rollback', status: 'in-progress'},
      })
      expect(result.row).toEqual({...row, version: Number(before.version) + 1})
      // The alter never touches the replica set (the controller is its single writer).
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual(replicas)

      const events = await auditSince(db, mark, id)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({event_type: 'alter', object_type: 'cluster', occurred_at: T0})
      expect(events[0]?.details).toEqual({
        cluster_id: id,
        cluster_name: 'w-reshape',
        transition: 'started',
        forced: null,
        target_size: '200cc',
        target_replication_factor: 2,
        target_availability_zones: [],
        target_logging: DEFAULT_LOGGING_JSON,
        deadline: T0 + DAY,
      })
      const xmins = await writers(db, id, mark)
      expect(xmins.events).toEqual([xmins.cluster])
      // The introspection view reports the pending change.
      const [view] = await db.query<{status: string; changes: unknown}>('SELECT status, changes FROM mzcluster.mz_cluster_reconfigurations WHERE cluster_id = $1', [id])
      expect(view).toEqual({status: 'in-progress', changes: {size: '200cc'}})
    })

    it('an rf-only alter updates the realized config directly with a `changes` event and no record', async () => {
      const {id} = await servingCluster('w-direct', '100cc', 1)
      const mark = await auditMark(db)
      const result = await alterCluster(db, 'w-direct', req({replicationFactor: 3}), T0)
      expect(result).toMatchObject({route: 'direct', transition: null, awaited: null})
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', replication_factor: 3, reconfiguration: null})
      const events = await auditSince(db, mark, id)
      expect(events.map((event) => event.details)).toEqual([{cluster_id: id, cluster_name: 'w-direct', changes: {replication_factor: [1, 3]}}])
      const xmins = await writers(db, id, mark)
      expect(xmins.events).toEqual([xmins.cluster])
      // The next tick materializes the new rf at the realized shape.
      const report = await tickAt('w-direct', T0 + SECOND)
      expect(report.clusters[0]?.batches[0]?.creates.map((c) => [c.name, c.shape.size, c.reason.kind])).toEqual([
        ['r2', '100cc', 'baseline'],
        ['r3', '100cc', 'baseline'],
      ])
    })

    it('a shape option at its current value writes nothing at all', async () => {
      await servingCluster('w-noop', '100cc', 1)
      const before = await dumpCatalog(db)
      const result = await alterCluster(db, 'w-noop', req({size: '100cc', availabilityZones: []}), T0)
      expect(result.route).toBe('unchanged')
      expect(await dumpCatalog(db)).toBe(before)
    })

    it.each<[string, AlterRequest, Record<string, unknown>, string[]]>([
      ['removing the strategy', req({autoScaling: null}), {auto_scaling_strategy: null}, []],
      // Still warranted at the new size (steady replica unhydrated, objects present): re-armed fresh.
      ['changing the hydration size', req({autoScaling: {onHydration: {hydrationSize: '800cc', lingerMs: null}}}), {auto_scaling_strategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: null}}}, ['started 800cc']],
      ['setting rf to 0', req({replicationFactor: 0}), {replication_factor: 0}, []],
    ])('%s retires the burst record with `finished`/`no-longer-warranted` in the same transaction', async (what, request, expected, burstAfter) => {
      const name = `w-burst-${what.replaceAll(' ', '-')}`
      const id = await createCluster(db, {
        name,
        size: '100cc',
        rf: 1,
        policy: {on_hydration: {hydration_size: '400cc', linger_duration_ms: 0}},
        burst: {burst_size: '400cc', linger_duration_ms: 0, steady_hydrated_at: null},
      })
      await addIndex(db, id, `${name}_idx`)
      await addReplica(db, id, 'r1', '100cc')
      const burstReplica = await addReplica(db, id, 'r2', '400cc')
      const mark = await auditMark(db)
      const result = await alterCluster(db, name, request, T0)
      expect(result.route).toBe('direct')
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({...expected, burst: null})
      const events = await auditSince(db, mark, id)
      expect(events.map((event) => event.details.transition ?? 'changes')).toEqual(['changes', 'finished'])
      expect(events[1]?.details).toEqual({
        cluster_id: id,
        cluster_name: name,
        kind: 'hydration-burst',
        transition: 'finished',
        finish_cause: 'no-longer-warranted',
        burst_size: '400cc',
      })
      const xmins = await writers(db, id, mark)
      expect(xmins.events).toEqual([xmins.cluster, xmins.cluster])
      // The controller then only retires the burst replica; it has no burst record left to finish.
      const tickMark = await auditMark(db)
      await tickAt(name, T0 + SECOND)
      expect((await replicasOf(db, id)).map((r) => r.id)).not.toContain(burstReplica)
      const after = await auditSince(db, tickMark, id)
      const burstEvents = after.filter((event) => event.details.kind === 'hydration-burst')
      expect(burstEvents.map((event) => `${event.details.transition} ${event.details.burst_size}`)).toEqual(burstAfter)
      expect(after.filter((event) => event.event_type === 'drop').map((event) => [event.details.replica_name, event.details.reason])).toContainEqual(['r2', 'retired'])
    })

    it('with the controller gate off, a direct write retires an in-progress record as `cancelled`', async () => {
      const id = await createCluster(db, {
        name: 'w-gate-off',
        size: '100cc',
        rf: 1,
        reconfiguration: {target: {size: '200cc', replication_factor: 1, availability_zones: [], logging: DEFAULT_LOGGING_JSON}, deadline: T0 + DAY, on_timeout: 'rollback', status: 'in-progress'},
      })
      await setParameter(db, 'enable_cluster_controller', 'false')
      try {
        const mark = await auditMark(db)
        const result = await alterCluster(db, 'w-gate-off', req({replicationFactor: 2}), T0)
        expect(result.route).toBe('direct')
        const row = await clusterRow(db, id)
        expect(row.replication_factor).toBe(2)
        expect(row.reconfiguration).toMatchObject({status: 'cancelled', target: {size: '200cc'}, deadline: T0 + DAY})
        const events = await auditSince(db, mark, id)
        expect(events.map((event) => event.details.transition ?? 'changes')).toEqual(['changes', 'cancelled'])
        expect(events[1]?.details).toMatchObject({target_size: '200cc', deadline: T0 + DAY, forced: null})
        const xmins = await writers(db, id, mark)
        expect(xmins.events).toEqual([xmins.cluster, xmins.cluster])
      } finally {
        await setParameter(db, 'enable_cluster_controller', null)
      }
    })
  })

  describe('refusals write nothing', () => {
    it('an unknown size or hydration size is an exit-2 usage error', async () => {
      await servingCluster('n-size', '100cc', 1)
      const size = await refusedWithoutWrites('n-size', req({size: '123cc'}))
      expect(size.code).toBe('UNKNOWN_SIZE')
      expect(size.message).toMatch(/unknown cluster replica size "123cc"/)
      const hydration = await refusedWithoutWrites('n-size', req({autoScaling: {onHydration: {hydrationSize: 'huge', lingerMs: null}}}))
      expect(hydration.code).toBe('UNKNOWN_SIZE')
      // Also when it would re-target an in-flight reconfiguration.
      await alterCluster(db, 'n-size', req({size: '200cc'}), T0)
      await refusedWithoutWrites('n-size', req({size: '123cc'}))
    })

    it('rf or schedule while in flight, with the seed messages', async () => {
      await servingCluster('n-inflight', '100cc', 1)
      await alterCluster(db, 'n-inflight', req({size: '200cc'}), T0)
      expect((await refusedWithoutWrites('n-inflight', req({replicationFactor: 2}))).message).toBe(
        'cannot change replication factor while a reconfiguration is in progress',
      )
      expect((await refusedWithoutWrites('n-inflight', req({schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 0}}))).message).toBe(
        'cannot change the cluster schedule while a reconfiguration is in progress',
      )
    })

    it('converting to unmanaged while a reconfiguration or a burst is in progress', async () => {
      await servingCluster('n-unmanaged', '100cc', 1)
      await alterCluster(db, 'n-unmanaged', req({size: '200cc'}), T0)
      expect((await refusedWithoutWrites('n-unmanaged', req({unmanaged: true}))).message).toBe(
        'cannot convert cluster to unmanaged while a reconfiguration is in progress',
      )
      await createCluster(db, {
        name: 'n-unmanaged-burst',
        size: '100cc',
        rf: 1,
        policy: {on_hydration: {hydration_size: '400cc', linger_duration_ms: 0}},
        burst: {burst_size: '400cc', linger_duration_ms: 0, steady_hydrated_at: null},
      })
      expect((await refusedWithoutWrites('n-unmanaged-burst', req({unmanaged: true}))).message).toBe(
        'cannot convert cluster to unmanaged while a hydration burst is in progress',
      )
    })

    it('raising rf directly above max_replicas_per_cluster', async () => {
      const {id} = await servingCluster('n-rf-limit', '100cc', 1)
      const error = await refusedWithoutWrites('n-rf-limit', req({replicationFactor: 6}))
      expect(error).toMatchObject({code: 'RESOURCE_LIMIT', message: '--replication-factor 6 would need 6 replicas; max_replicas_per_cluster is 5 (the cluster has 1)'})
      expect((await alterCluster(db, 'n-rf-limit', req({replicationFactor: 5}), T0)).route).toBe('direct')
      expect((await clusterRow(db, id)).replication_factor).toBe(5)
    })

    it('shape options on a builtin cluster', async () => {
      const error = await refusedWithoutWrites('mz_system', req({size: '200cc'}))
      expect(error.code).toBe('INVALID_OPTIONS')
      expect(error.message).toMatch(/builtin cluster "mz_system"/)
    })

    it('the transient peak against max_replicas_per_cluster (realized rf + target rf)', async () => {
      const {id} = await servingCluster('n-peak-replicas', '100cc', 3)
      try {
        // 3 realized + 3 target = 6 > 5 (the default).
        const error = await refusedWithoutWrites('n-peak-replicas', req({size: '200cc'}))
        expect(error.code).toBe('RESOURCE_LIMIT')
        expect(error.message).toBe('would need 6 replicas while the shapes overlap; max_replicas_per_cluster is 5 (the cluster has 3)')
        // Exactly at the limit is allowed.
        await setParameter(db, 'max_replicas_per_cluster', '6')
        expect((await alterCluster(db, 'n-peak-replicas', req({size: '200cc'}), T0)).transition).toBe('started')
        // A cancel is always allowed, even under a shrunken limit.
        await setParameter(db, 'max_replicas_per_cluster', '1')
        const cancel = await alterCluster(db, 'n-peak-replicas', req({size: '100cc'}), T0 + SECOND)
        expect(cancel.transition).toBe('cancelled')
        expect((await clusterRow(db, id)).reconfiguration?.status).toBe('cancelled')
      } finally {
        await setParameter(db, 'max_replicas_per_cluster', null)
      }
    })

    it('the transient peak against max_credit_consumption_rate (other clusters + target + realized)', async () => {
      // Another cluster consuming credits: 2 × 400cc = 8 credits/h.
      const other = await createCluster(db, {name: 'n-peak-other', size: '400cc', rf: 2})
      await addReplica(db, other, 'r1', '400cc')
      await addReplica(db, other, 'r2', '400cc')
      await servingCluster('n-peak-credits', '800cc', 1)
      const [others] = await db.query<{credits: string}>(
        `SELECT COALESCE(sum(s.credits_per_hour), 0)::text AS credits FROM mzcluster.replicas r
         JOIN mzcluster.clusters c ON c.id = r.cluster_id AND NOT c.builtin
         JOIN mzcluster.replica_sizes s ON s.name = r.size WHERE c.name <> 'n-peak-credits'`,
      )
      const othersCredits = Number(others?.credits)
      expect(othersCredits).toBeGreaterThanOrEqual(8)
      // Target 1600cc × 1 (16) next to the realized 800cc × 1 (8).
      const peak = othersCredits + 16 + 8
      try {
        await setParameter(db, 'max_credit_consumption_rate', String(peak - 0.5))
        const error = await refusedWithoutWrites('n-peak-credits', req({size: '1600cc'}))
        expect(error.code).toBe('RESOURCE_LIMIT')
        expect(error.message).toContain(`consume ${peak} credits per hour at its peak`)
        await setParameter(db, 'max_credit_consumption_rate', String(peak))
        expect((await alterCluster(db, 'n-peak-credits', req({size: '1600cc'}), T0)).transition).toBe('started')
      } finally {
        await setParameter(db, 'max_credit_consumption_rate', null)
      }
    })
  })

  describe('lifecycles driven by ticks', () => {
    it('a graceful resize never has fewer than rf hydrated replicas of the realized shape', async () => {
      const {id, replicas} = await servingCluster('l-resize', '100cc', 2)
      const mark = await auditMark(db)
      await alterCluster(db, 'l-resize', req({size: '200cc'}), T0)

      const serving = async () => {
        const row = await clusterRow(db, id)
        const hydrated = await hydratedIds(db, id)
        const atRealized = (await replicasOf(db, id)).filter((r) => r.size === row.size && hydrated.has(r.id))
        return {size: row.size, status: row.reconfiguration?.status, serving: atRealized.length}
      }
      expect(await serving()).toEqual({size: '100cc', status: 'in-progress', serving: 2})

      // Tick 1: the target set comes up next to the old one.
      const t1 = await tickAt('l-resize', T0 + SECOND)
      expect(t1.clusters[0]?.batches.map((b) => [b.phase, b.creates.map((c) => `${c.name} ${c.shape.size} ${c.reason.kind}`), b.drops.length])).toEqual([
        ['replicas', ['r3 200cc graceful-reconfiguration', 'r4 200cc graceful-reconfiguration'], 0],
      ])
      expect(await serving()).toEqual({size: '100cc', status: 'in-progress', serving: 2})
      const [r3, r4] = (await replicasOf(db, id)).slice(2).map((r) => r.id) as [string, string]

      // Tick 2: one of two target replicas hydrated is not enough.
      await reportReady(db, r3)
      const t2 = await tickAt('l-resize', T0 + 2 * SECOND)
      expect(t2.clusters).toEqual([])
      expect(await serving()).toEqual({size: '100cc', status: 'in-progress', serving: 2})
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 100cc', 'r3 200cc', 'r4 200cc'])

      // Tick 3: both hydrated: cut over, then retire the old set in the same tick.
      await reportReady(db, r4)
      const t3 = await tickAt('l-resize', T0 + 3 * SECOND)
      expect(t3.clusters[0]?.batches.map((b) => [b.phase, b.outcome, b.drops.map((d) => d.name)])).toEqual([
        ['state', 'applied', []],
        ['replicas', 'applied', ['r1', 'r2']],
      ])
      expect(await serving()).toEqual({size: '200cc', status: 'finalized', serving: 2})
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual([r3, r4])
      expect((await replicasOf(db, id)).map((r) => r.id)).not.toContain(replicas[0])

      // Tick 4: steady.
      expect((await tickAt('l-resize', T0 + 4 * SECOND)).clusters).toEqual([])

      const events = await auditSince(db, mark, id)
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'finalized'])
      expect(events.find((e) => e.details.transition === 'finalized')?.details).toMatchObject({forced: false, target_size: '200cc', deadline: T0 + DAY})
      expect(events.filter((e) => e.object_type === 'cluster-replica').map((e) => [e.event_type, e.details.replica_name, e.details.reason])).toEqual([
        ['create', 'r3', 'reconfiguration'],
        ['create', 'r4', 'reconfiguration'],
        ['drop', 'r1', 'retired'],
        ['drop', 'r2', 'retired'],
      ])
      const [view] = await db.query<{status: string; changes: unknown}>('SELECT status, changes FROM mzcluster.mz_cluster_reconfigurations WHERE cluster_id = $1', [id])
      expect(view).toEqual({status: 'finalized', changes: {}})
    })

    it('ROLLBACK at the deadline with a target that never hydrates', async () => {
      const {id, replicas} = await servingCluster('l-rollback', '100cc', 1)
      const mark = await auditMark(db)
      await alterCluster(db, 'l-rollback', req({size: '200cc', timing: {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'rollback'}}), T0)
      await tickAt('l-rollback', T0 + SECOND)
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])
      // One millisecond before the deadline nothing happens.
      expect((await tickAt('l-rollback', T0 + 10 * MINUTE - 1)).clusters).toEqual([])
      // At the deadline: timed out, target retired, realized size unchanged.
      const report = await tickAt('l-rollback', T0 + 10 * MINUTE)
      expect(report.clusters[0]?.batches.map((b) => [b.phase, b.stateWrite?.newSize ?? null, b.creates.length, b.drops.map((d) => d.name)])).toEqual([
        ['state', null, 0, []],
        ['replicas', null, 0, ['r2']],
      ])
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', replication_factor: 1})
      expect(row.reconfiguration).toMatchObject({status: 'timed-out', target: {size: '200cc'}, deadline: T0 + 10 * MINUTE})
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual(replicas)
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'timed-out'])
      const timedOut = (await auditSince(db, mark, id)).find((e) => e.details.transition === 'timed-out')
      expect(timedOut?.details).toMatchObject({forced: null, deadline: T0 + 10 * MINUTE, target_size: '200cc'})
      expect((await tickAt('l-rollback', T0 + 11 * MINUTE)).clusters).toEqual([])
    })

    it('COMMIT at the deadline cuts over un-hydrated (`finalized`, forced)', async () => {
      const {id} = await servingCluster('l-commit', '100cc', 1)
      const mark = await auditMark(db)
      await alterCluster(db, 'l-commit', req({size: '200cc', timing: {kind: 'wait-for', timeoutMs: 10 * MINUTE}}), T0)
      await tickAt('l-commit', T0 + SECOND)
      const [, target] = await replicasOf(db, id)
      expect(target?.size).toBe('200cc')
      const report = await tickAt('l-commit', T0 + 10 * MINUTE)
      expect(report.clusters[0]?.batches.map((b) => [b.phase, b.stateWrite?.newSize ?? null, b.creates.length, b.drops.map((d) => d.name)])).toEqual([
        ['state', '200cc', 0, []],
        ['replicas', null, 0, ['r1']],
      ])
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '200cc', replication_factor: 1, reconfiguration: {status: 'finalized', on_timeout: 'commit'}})
      // The (un-hydrated) target replica is the one kept: no recreate.
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual([target?.id])
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'finalized'])
      const finalized = (await auditSince(db, mark, id)).find((e) => e.details.transition === 'finalized')
      expect(finalized?.details.forced).toBe(true)
    })

    it('altering back mid-flight cancels; the next tick retires the target replicas', async () => {
      const {id, replicas} = await servingCluster('l-back', '100cc', 1)
      const mark = await auditMark(db)
      await alterCluster(db, 'l-back', req({size: '200cc'}), T0)
      await tickAt('l-back', T0 + SECOND)
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])
      const backMark = await auditMark(db)
      const back = await alterCluster(db, 'l-back', req({size: '100cc'}), T0 + 2 * SECOND)
      expect(back).toMatchObject({route: 'reshape', transition: 'cancelled'})
      const xmins = await writers(db, id, backMark)
      expect(xmins.events).toEqual([xmins.cluster])
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', reconfiguration: {status: 'cancelled', target: {size: '100cc'}, deadline: T0 + 2 * SECOND + DAY}})
      const report = await tickAt('l-back', T0 + 3 * SECOND)
      expect(report.clusters[0]?.batches.map((b) => [b.phase, b.creates.length, b.drops.map((d) => d.name)])).toEqual([['replicas', 0, ['r2']]])
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual(replicas)
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'cancelled'])
      const cancelled = (await auditSince(db, mark, id)).find((e) => e.details.transition === 'cancelled')
      expect(cancelled?.details).toMatchObject({target_size: '100cc', forced: null})
      expect((await tickAt('l-back', T0 + 4 * SECOND)).clusters).toEqual([])
    })

    it('re-targeting mid-flight reuses target replicas of a surviving shape and recreates nothing else', async () => {
      const zones = ['az1', 'az2']
      const {id, replicas} = await servingCluster('l-retarget', '100cc', 1, zones)
      const [r1] = replicas as [string]
      const mark = await auditMark(db)
      await alterCluster(db, 'l-retarget', req({size: '200cc'}), T0)
      await tickAt('l-retarget', T0 + SECOND)
      const [, r2] = (await replicasOf(db, id)).map((r) => r.id) as [string, string]
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])

      // Reordering the zones keeps the size from the fold and the same zone pool: r2 still matches.
      const reorder = await alterCluster(db, 'l-retarget', req({availabilityZones: ['az2', 'az1']}), T0 + 2 * SECOND)
      expect(reorder.awaited).toMatchObject({size: '200cc', availability_zones: ['az2', 'az1']})
      expect((await tickAt('l-retarget', T0 + 3 * SECOND)).clusters).toEqual([])
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual([r1, r2])

      // A new size: the 200cc target is retired, a 400cc one created; the realized r1 is never touched.
      await alterCluster(db, 'l-retarget', req({size: '400cc'}), T0 + 4 * SECOND)
      const t = await tickAt('l-retarget', T0 + 5 * SECOND)
      expect(t.clusters[0]?.batches.map((b) => [b.creates.map((c) => `${c.name} ${c.shape.size} ${c.shape.availabilityZones.join(',')}`), b.drops.map((d) => d.name)])).toEqual([
        [['r3 400cc az2,az1'], ['r2']],
      ])
      const [, r3] = (await replicasOf(db, id)).map((r) => r.id) as [string, string]
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual([r1, r3])

      // Re-stating the target with --timeout 0s --on-timeout commit forces it through on r3.
      const force = await alterCluster(db, 'l-retarget', req({size: '400cc', timing: {kind: 'until-ready', timeoutMs: 0, onTimeout: 'commit'}}), T0 + 6 * SECOND)
      expect(force.row.reconfiguration).toMatchObject({deadline: T0 + 6 * SECOND, on_timeout: 'commit', status: 'in-progress'})
      const forced = await tickAt('l-retarget', T0 + 6 * SECOND)
      expect(forced.clusters[0]?.batches.map((b) => [b.phase, b.creates.length, b.drops.map((d) => d.name)])).toEqual([
        ['state', 0, []],
        ['replicas', 0, ['r1']],
      ])
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual([r3])
      expect(await clusterRow(db, id)).toMatchObject({size: '400cc', availability_zones: ['az2', 'az1'], reconfiguration: {status: 'finalized'}})
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'started', 'started', 'started', 'finalized'])
      const events = await auditSince(db, mark, id)
      expect(events.find((e) => e.details.transition === 'finalized')?.details.forced).toBe(true)
      expect(events.filter((e) => e.event_type === 'create').map((e) => e.details.replica_name)).toEqual(['r2', 'r3'])
    })

    it("a concurrent alter between a tick's read and its apply is rejected by the witness; the next tick recomputes", async () => {
      const {id, replicas} = await servingCluster('l-race', '100cc', 1)
      const [r1] = replicas as [string]
      const mark = await auditMark(db)
      await alterCluster(db, 'l-race', req({size: '200cc'}), T0)
      await tickAt('l-race', T0 + SECOND)
      const [, r2] = (await replicasOf(db, id)).map((r) => r.id) as [string, string]
      await reportReady(db, r2)

      // The tick reads a hydrated 200cc target and decides to cut over; before its apply, a user
      // re-targets to 400cc through another connection.
      const other = backend === 'server' ? await openCatalog(selectCatalog(catalog.location)) : db
      try {
        const ctx = new RacingCtx(db, {clusterNames: ['l-race'], nowMs: T0 + 2 * SECOND})
        ctx.beforeNextApply = async () => {
          const concurrent = await alterCluster(other, 'l-race', req({size: '400cc'}), T0 + 2 * SECOND)
          expect(concurrent.transition).toBe('started')
        }
        const report = await runTick(ctx)
        const entry = report.clusters.find((c) => c.clusterId === id)
        expect(entry?.batches.map((b) => [b.phase, b.outcome, b.stateWrite?.newSize ?? null, b.stateWrite?.reconfiguration?.record?.status ?? null])).toEqual([
          ['state', 'rejected', '200cc', 'finalized'],
        ])
        expect(entry?.skipped).toBe(true)
        expect(ctx.applyErrors).toEqual([])
      } finally {
        if (other !== db) await other.close()
      }
      // Nothing of the stale decision landed.
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', reconfiguration: {status: 'in-progress', target: {size: '400cc'}}})
      expect((await replicasOf(db, id)).map((r) => r.id)).toEqual([r1, r2])
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'started'])

      // The next tick works from the new record: a 400cc target replaces the now-unwanted 200cc one.
      const next = await tickAt('l-race', T0 + 3 * SECOND)
      expect(next.clusters[0]?.batches.map((b) => [b.phase, b.outcome, b.creates.map((c) => `${c.name} ${c.shape.size}`), b.drops.map((d) => d.name)])).toEqual([
        ['replicas', 'applied', ['r3 400cc'], ['r2']],
      ])
      expect((await clusterRow(db, id)).size).toBe('100cc')
      expect(await lifecycle(db, mark, id)).toEqual(['started', 'started'])
    })
  })
})
