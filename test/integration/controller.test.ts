// The controller on real catalogs (embedded PGlite and a PostgreSQL server): every strategy's
// lifecycle through `tick(db, …)` with explicit times, live signals reported through the signal
// tables, compare-and-append against genuinely concurrent writers, resource limits, the break-glass
// switch, a plan that writes nothing, and a steady tick whose statement count is flat in the
// cluster count. Each scenario owns its clusters and ticks only them (`clusterNames`), so the
// scenarios share one catalog per backend; the whole-catalog ones get a fresh catalog.

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {CatalogControllerCtx} from '../../src/lib/catalog/controller-context.js'
import type {Db} from '../../src/lib/catalog/db.js'
import type {ApplyOutcome, Decision} from '../../src/lib/controller/context.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {seedDemo} from '../../src/lib/demo.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {Backend, TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {waitFor} from '../support/wait.js'
import {
  addObject,
  addReplica,
  auditMark,
  auditSince,
  clusterReport,
  clusterRow,
  createCluster,
  dumpCatalog,
  HOUR,
  hydratedCount,
  inProgress,
  MINUTE,
  replicasOf,
  replicaSummary,
  reportFrontier,
  reportHydrated,
  reportOnline,
  reportReady,
  SECOND,
  setParameter,
  T0,
} from './fixtures.js'

/** A context that lets a test run a concurrent write just before the next apply reads its witnesses. */
class RacingCtx extends CatalogControllerCtx {
  beforeNextApply: ((decisions: readonly Decision[]) => Promise<void>) | null = null

  override async applyEach(batches: readonly (readonly Decision[])[]): Promise<ApplyOutcome[]> {
    const hook = this.beforeNextApply
    this.beforeNextApply = null
    if (hook) await hook(batches.flat())
    return super.applyEach(batches)
  }
}

/** A write by someone else: on a server through its own connection, embedded through the one handle. */
async function writeElsewhere(catalog: TestCatalog, sql: string, params: unknown[]): Promise<void> {
  if (catalog.backend === 'server') {
    const client = new pg.Client({connectionString: catalog.location})
    await client.connect()
    try {
      await client.query(sql, params)
    } finally {
      await client.end()
    }
  } else {
    await catalog.db.query(sql, params)
  }
}

describe.each(backends())('controller on a %s catalog', (backend: Backend) => {
  let catalog: TestCatalog
  let db: Db
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    db = catalog.db
  })
  afterAll(async () => catalog.destroy())

  const tickOnly = async (name: string, nowMs: number, options: {dryRun?: boolean} = {}) => {
    const result = await tick(db, {clusterNames: [name], nowMs, ...options})
    expect(result.warnings).toEqual([])
    return result.report
  }

  describe('baseline', () => {
    it('creates the missing replicas of a new cluster, then a steady tick is a no-op', async () => {
      const id = await createCluster(db, {name: 'base', size: '100cc', rf: 2})
      const mark = await auditMark(db)
      const report = await tickOnly('base', T0)
      const entry = clusterReport(report, id)
      expect(entry.batches).toHaveLength(1)
      expect(entry.batches[0]).toMatchObject({phase: 'replicas', outcome: 'applied', stateWrite: null, drops: []})
      expect(entry.batches[0]?.creates.map((create) => [create.name, create.shape.size, create.reason.kind])).toEqual([
        ['r1', '100cc', 'baseline'],
        ['r2', '100cc', 'baseline'],
      ])
      const replicas = await replicasOf(db, id)
      expect(replicas.map((replica) => [replica.name, replica.size, replica.created_at])).toEqual([
        ['r1', '100cc', T0],
        ['r2', '100cc', T0],
      ])
      const events = await auditSince(db, mark)
      expect(events.map((event) => [event.event_type, event.object_type, event.details.replica_name, event.details.reason])).toEqual([
        ['create', 'cluster-replica', 'r1', 'manual'],
        ['create', 'cluster-replica', 'r2', 'manual'],
      ])
      expect(events[0]?.details).toMatchObject({cluster_id: id, cluster_name: 'base', replica_id: replicas[0]?.id, logical_size: '100cc'})
      expect(events[0]?.occurred_at).toBe(T0)

      const version = (await clusterRow(db, id)).version
      const steadyMark = await auditMark(db)
      const steady = await tickOnly('base', T0 + MINUTE)
      expect(steady.clusters).toEqual([])
      expect(steady.clustersExamined).toBe(1)
      expect(await auditSince(db, steadyMark)).toEqual([])
      expect((await replicasOf(db, id)).map((replica) => replica.id)).toEqual(replicas.map((replica) => replica.id))
      expect((await clusterRow(db, id)).version).toBe(version)
    })

    it('drops surplus replicas keeping the oldest, audited as retired', async () => {
      const id = await createCluster(db, {name: 'surplus', size: '100cc', rf: 1})
      // Created oldest first; names deliberately out of order, so "oldest" is not "lowest name".
      const oldest = await addReplica(db, id, 'r5', '100cc', T0 - 3 * HOUR)
      const middle = await addReplica(db, id, 'r2', '100cc', T0 - 2 * HOUR)
      const newest = await addReplica(db, id, 'r9', '100cc', T0 - HOUR)
      const mark = await auditMark(db)
      const entry = clusterReport(await tickOnly('surplus', T0), id)
      expect(entry.batches).toHaveLength(1)
      expect(entry.batches[0]?.creates).toEqual([])
      expect(entry.batches[0]?.drops.map((drop) => drop.replicaId)).toEqual([middle, newest])
      expect((await replicasOf(db, id)).map((replica) => replica.id)).toEqual([oldest])
      const events = await auditSince(db, mark)
      expect(events.map((event) => [event.event_type, event.details.replica_name, event.details.reason])).toEqual([
        ['drop', 'r2', 'retired'],
        ['drop', 'r9', 'retired'],
      ])
    })

    it('replaces a wrong-shape replica with a create and a drop in one batch', async () => {
      const id = await createCluster(db, {name: 'reshaped', size: '200cc', rf: 1})
      const stale = await addReplica(db, id, 'r1', '100cc', T0 - HOUR)
      const mark = await auditMark(db)
      const entry = clusterReport(await tickOnly('reshaped', T0), id)
      expect(entry.batches).toHaveLength(1)
      const [batch] = entry.batches
      expect(batch?.creates.map((create) => `${create.name} ${create.shape.size}`)).toEqual(['r2 200cc'])
      expect(batch?.drops).toEqual([{replicaId: stale, name: 'r1', size: '100cc'}])
      expect(batch?.outcome).toBe('applied')
      expect(await replicaSummary(db, id)).toEqual(['r2 200cc'])
      const events = await auditSince(db, mark)
      expect(events.map((event) => [event.event_type, event.details.replica_name, event.details.reason])).toEqual([
        ['drop', 'r1', 'retired'],
        ['create', 'r2', 'manual'],
      ])
      // One transaction: one timestamp, consecutive ids.
      expect(new Set(events.map((event) => event.occurred_at))).toEqual(new Set([T0]))
    })

    it('leaves internal replicas alone: neither counted nor dropped, but their names block', async () => {
      const id = await createCluster(db, {name: 'with-internal', size: '100cc', rf: 1})
      await addReplica(db, id, 'r1', '100cc', T0 - HOUR, {internal: true})
      await tickOnly('with-internal', T0)
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 100cc'])
      expect((await tickOnly('with-internal', T0 + SECOND)).clusters).toEqual([])
    })

    it('matches replica shapes by AZ set: a reordered pool is not reprovisioned', async () => {
      const id = await createCluster(db, {name: 'zoned', size: '100cc', rf: 2, availabilityZones: ['use1-az1', 'use1-az2']})
      const existing = await addReplica(db, id, 'r1', '100cc', T0 - HOUR, {availabilityZones: ['use1-az2', 'use1-az1']})
      const entry = clusterReport(await tickOnly('zoned', T0), id)
      expect(entry.batches).toHaveLength(1)
      expect(entry.batches[0]?.drops).toEqual([])
      expect(entry.batches[0]?.creates.map((create) => create.name)).toEqual(['r2'])
      const zones = await db.query<{id: string; availability_zones: string[]}>(
        'SELECT id, availability_zones FROM mzcluster.replicas WHERE cluster_id = $1 ORDER BY ord',
        [id],
      )
      expect(zones).toEqual([
        {id: existing, availability_zones: ['use1-az2', 'use1-az1']},
        {id: expect.any(String), availability_zones: ['use1-az1', 'use1-az2']},
      ])
      expect((await tickOnly('zoned', T0 + SECOND)).clusters).toEqual([])
    })
  })

  describe('graceful reconfiguration', () => {
    it('overlaps the target set, cuts over once it is hydrated, retires the old set, never below rf hydrated', async () => {
      const id = await createCluster(db, {
        name: 'graceful',
        size: '100cc',
        rf: 2,
        reconfiguration: inProgress('200cc', 2, T0 + HOUR),
      })
      await addObject(db, id, 'graceful_idx', 'index')
      const r1 = await addReplica(db, id, 'r1', '100cc', T0 - 2 * HOUR)
      const r2 = await addReplica(db, id, 'r2', '100cc', T0 - 2 * HOUR)
      await reportReady(db, r1)
      await reportReady(db, r2)
      const mark = await auditMark(db)
      const servingAtLeastRf = async () => expect(await hydratedCount(db, id)).toBeGreaterThanOrEqual(2)
      await servingAtLeastRf()

      // Tick 1: the target replicas join; the old set stays; nothing is written to the record.
      const first = clusterReport(await tickOnly('graceful', T0), id)
      expect(first.batches.map((batch) => batch.phase)).toEqual(['replicas'])
      expect(first.batches[0]?.drops).toEqual([])
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 100cc', 'r3 200cc', 'r4 200cc'])
      expect((await auditSince(db, mark)).map((event) => [event.details.replica_name, event.details.reason])).toEqual([
        ['r3', 'reconfiguration'],
        ['r4', 'reconfiguration'],
      ])
      expect((await clusterRow(db, id)).reconfiguration?.status).toBe('in-progress')
      await servingAtLeastRf()

      // Un-hydrated target: nothing to do.
      expect((await tickOnly('graceful', T0 + MINUTE)).clusters).toEqual([])
      await servingAtLeastRf()

      const target = (await replicasOf(db, id)).filter((replica) => replica.size === '200cc').map((replica) => replica.id)
      // One target replica hydrated of two: still no cut-over.
      await reportReady(db, target[0] as string, T0 + 2 * MINUTE)
      expect((await tickOnly('graceful', T0 + 2 * MINUTE)).clusters).toEqual([])
      expect((await clusterRow(db, id)).size).toBe('100cc')
      await servingAtLeastRf()

      await reportReady(db, target[1] as string, T0 + 3 * MINUTE)
      const cutMark = await auditMark(db)
      const cut = clusterReport(await tickOnly('graceful', T0 + 3 * MINUTE), id)
      expect(cut.batches.map((batch) => [batch.phase, batch.outcome])).toEqual([
        ['state', 'applied'],
        ['replicas', 'applied'],
      ])
      expect(cut.batches[0]?.stateWrite).toMatchObject({newSize: '200cc', newReplicationFactor: 2})
      expect(cut.batches[1]?.creates).toEqual([])
      expect(cut.batches[1]?.drops.map((drop) => drop.replicaId)).toEqual([r1, r2])
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '200cc', replication_factor: 2})
      expect(row.reconfiguration).toEqual({...inProgress('200cc', 2, T0 + HOUR), status: 'finalized'})
      expect(await replicaSummary(db, id)).toEqual(['r3 200cc', 'r4 200cc'])
      const events = await auditSince(db, cutMark)
      expect(events.map((event) => [event.event_type, event.object_type, event.details.transition ?? event.details.reason])).toEqual([
        ['alter', 'cluster', 'finalized'],
        ['drop', 'cluster-replica', 'retired'],
        ['drop', 'cluster-replica', 'retired'],
      ])
      expect(events[0]?.details).toMatchObject({
        cluster_id: id,
        cluster_name: 'graceful',
        forced: false,
        deadline: T0 + HOUR,
        target_size: '200cc',
        target_replication_factor: 2,
        target_availability_zones: [],
      })
      await servingAtLeastRf()

      // A finalized record is inert history.
      const afterMark = await auditMark(db)
      expect((await tickOnly('graceful', T0 + 2 * HOUR)).clusters).toEqual([])
      expect(await auditSince(db, afterMark)).toEqual([])
      expect((await clusterRow(db, id)).reconfiguration?.status).toBe('finalized')
    })

    it('does not let an object pinned to an old replica block the target from hydrating', async () => {
      const id = await createCluster(db, {
        name: 'pinned',
        size: '100cc',
        rf: 1,
        reconfiguration: inProgress('200cc', 1, T0 + HOUR),
      })
      const r1 = await addReplica(db, id, 'r1', '100cc', T0 - HOUR)
      await addObject(db, id, 'pinned_idx', 'index')
      await addObject(db, id, 'pinned_mv', 'materialized-view', {replicaId: r1})
      await reportReady(db, r1)
      await tickOnly('pinned', T0)
      const [, target] = await replicasOf(db, id)
      // The target reports only the unpinned index (the pinned view never runs there).
      await reportOnline(db, target?.id as string)
      await db.query(
        `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at)
         SELECT $1, id, true, $2 FROM mzcluster.objects WHERE name = 'pinned_idx'`,
        [target?.id, T0],
      )
      expect(await hydratedCount(db, id)).toBe(2)
      await tickOnly('pinned', T0 + MINUTE)
      expect((await clusterRow(db, id)).size).toBe('200cc')
      expect(await replicaSummary(db, id)).toEqual(['r2 200cc'])
    })

    it('rolls back at the deadline: timed-out, realized size unchanged, the target set retired', async () => {
      const id = await createCluster(db, {
        name: 'rollback',
        size: '100cc',
        rf: 1,
        reconfiguration: inProgress('200cc', 1, T0 + 10 * MINUTE, 'rollback'),
      })
      await addObject(db, id, 'rollback_idx', 'index')
      const r1 = await addReplica(db, id, 'r1', '100cc', T0 - HOUR)
      await reportReady(db, r1)
      await tickOnly('rollback', T0)
      const [, target] = await replicasOf(db, id)
      expect(target?.size).toBe('200cc')
      // Online, but its index never hydrates.
      await reportOnline(db, target?.id as string)
      await reportHydrated(db, target?.id as string, false)
      // One millisecond before the deadline: still waiting.
      expect((await tickOnly('rollback', T0 + 10 * MINUTE - 1)).clusters).toEqual([])

      const mark = await auditMark(db)
      const entry = clusterReport(await tickOnly('rollback', T0 + 10 * MINUTE), id)
      expect(entry.batches.map((batch) => batch.phase)).toEqual(['state', 'replicas'])
      expect(entry.batches[0]?.stateWrite).toEqual({
        reconfiguration: {record: expect.objectContaining({status: 'timed-out'}), audit: {transition: 'timed-out'}},
      })
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '100cc', replication_factor: 1})
      expect(row.reconfiguration?.status).toBe('timed-out')
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      const events = await auditSince(db, mark)
      expect(events.map((event) => event.details.transition ?? event.details.reason)).toEqual(['timed-out', 'retired'])
      expect(events[0]?.details).toMatchObject({forced: null, deadline: T0 + 10 * MINUTE, target_size: '200cc'})
      expect(events[1]?.details).toMatchObject({replica_id: target?.id, logical_size: '200cc'})
      expect(await hydratedCount(db, id)).toBe(1)
    })

    it('commits at the deadline: finalized with forced = true, cut over to the un-hydrated target', async () => {
      const id = await createCluster(db, {
        name: 'commit',
        size: '100cc',
        rf: 1,
        reconfiguration: inProgress('200cc', 1, T0 + 10 * MINUTE, 'commit'),
      })
      await addObject(db, id, 'commit_idx', 'index')
      const r1 = await addReplica(db, id, 'r1', '100cc', T0 - HOUR)
      await reportReady(db, r1)
      await tickOnly('commit', T0)
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 200cc'])
      const mark = await auditMark(db)
      const entry = clusterReport(await tickOnly('commit', T0 + 10 * MINUTE), id)
      expect(entry.batches.map((batch) => [batch.phase, batch.outcome])).toEqual([
        ['state', 'applied'],
        ['replicas', 'applied'],
      ])
      const row = await clusterRow(db, id)
      expect(row).toMatchObject({size: '200cc', replication_factor: 1})
      expect(row.reconfiguration?.status).toBe('finalized')
      expect(await replicaSummary(db, id)).toEqual(['r2 200cc'])
      const events = await auditSince(db, mark)
      expect(events.map((event) => event.details.transition ?? event.details.reason)).toEqual(['finalized', 'retired'])
      expect(events[0]?.details).toMatchObject({forced: true, deadline: T0 + 10 * MINUTE})
      expect(events[1]?.details).toMatchObject({replica_id: r1})
    })
  })

  describe('hydration burst', () => {
    it('arms, stamps, re-arms, lingers and tears down through the signal tables', async () => {
      const linger = MINUTE
      const id = await createCluster(db, {
        name: 'bursty',
        size: '100cc',
        rf: 1,
        policy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: linger}},
      })
      await addObject(db, id, 'bursty_src', 'source')
      const r1 = await addReplica(db, id, 'r1', '100cc', T0 - MINUTE)
      await reportOnline(db, r1)
      const mark = await auditMark(db)

      // Arm: the steady replica is un-hydrated and the cluster has a hydratable object.
      const armed = clusterReport(await tickOnly('bursty', T0), id)
      expect(armed.batches.map((batch) => batch.phase)).toEqual(['state', 'replicas'])
      expect(armed.batches[1]?.creates.map((create) => [create.name, create.shape.size, create.reason.kind])).toEqual([
        ['r2', '800cc', 'hydration-burst'],
      ])
      expect((await clusterRow(db, id)).burst).toEqual({burst_size: '800cc', linger_duration_ms: linger, steady_hydrated_at: null})
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 800cc'])
      const armEvents = await auditSince(db, mark)
      expect(armEvents.map((event) => [event.event_type, event.object_type, event.details.transition ?? event.details.reason])).toEqual([
        ['alter', 'cluster', 'started'],
        ['create', 'cluster-replica', 'hydration-burst'],
      ])
      expect(armEvents[0]?.details).toMatchObject({cluster_id: id, burst_size: '800cc'})
      const burstReplica = (await replicasOf(db, id))[1]?.id

      // Still hydrating: nothing.
      expect((await tickOnly('bursty', T0 + SECOND)).clusters).toEqual([])

      // The steady replica hydrates: stamped, silently.
      const quiet = await auditMark(db)
      await reportHydrated(db, r1, true, T0 + 2 * SECOND)
      await tickOnly('bursty', T0 + 2 * SECOND)
      expect((await clusterRow(db, id)).burst?.steady_hydrated_at).toBe(T0 + 2 * SECOND)

      // It un-hydrates again: re-armed (stamp reset), silently; the burst replica stays.
      await reportHydrated(db, r1, false, T0 + 3 * SECOND)
      await tickOnly('bursty', T0 + 3 * SECOND)
      expect((await clusterRow(db, id)).burst).toEqual({burst_size: '800cc', linger_duration_ms: linger, steady_hydrated_at: null})
      await reportHydrated(db, r1, true, T0 + 4 * SECOND)
      await tickOnly('bursty', T0 + 4 * SECOND)
      expect((await clusterRow(db, id)).burst?.steady_hydrated_at).toBe(T0 + 4 * SECOND)
      expect(await auditSince(db, quiet)).toEqual([])
      expect((await replicasOf(db, id)).map((replica) => replica.id)).toEqual([r1, burstReplica])

      // Lingering: nothing up to and including stamp + linger.
      expect((await tickOnly('bursty', T0 + 4 * SECOND + linger)).clusters).toEqual([])
      expect((await clusterRow(db, id)).burst).not.toBeNull()

      // Past the linger: the record clears and the burst replica is retired in the same tick.
      const teardown = clusterReport(await tickOnly('bursty', T0 + 4 * SECOND + linger + 1), id)
      expect(teardown.batches.map((batch) => batch.phase)).toEqual(['state', 'replicas'])
      expect((await clusterRow(db, id)).burst).toBeNull()
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      const endEvents = await auditSince(db, quiet)
      expect(endEvents.map((event) => [event.event_type, event.details.transition ?? event.details.reason])).toEqual([
        ['alter', 'finished'],
        ['drop', 'retired'],
      ])
      expect(endEvents[0]?.details).toMatchObject({finish_cause: 'linger-elapsed', burst_size: '800cc'})
      expect(endEvents[1]?.details).toMatchObject({replica_id: burstReplica})

      // Hydrated and steady: no new burst.
      expect((await tickOnly('bursty', T0 + HOUR)).clusters).toEqual([])
    })

    it('never arms on a cluster without hydratable objects', async () => {
      const id = await createCluster(db, {
        name: 'bursty-empty',
        size: '100cc',
        rf: 1,
        policy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: null}},
      })
      // A webhook source is not hydratable.
      await addObject(db, id, 'bursty_empty_hook', 'webhook-source')
      await addReplica(db, id, 'r1', '100cc', T0 - MINUTE)
      const mark = await auditMark(db)
      for (const nowMs of [T0, T0 + MINUTE, T0 + HOUR]) {
        expect((await tickOnly('bursty-empty', nowMs)).clusters).toEqual([])
      }
      expect((await clusterRow(db, id)).burst).toBeNull()
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      expect(await auditSince(db, mark)).toEqual([])
    })
    it('resolves the default linger when armed, and tears down with the break-glass switch', async () => {
      const id = await createCluster(db, {
        name: 'bursty-glass',
        size: '100cc',
        rf: 1,
        policy: {on_hydration: {hydration_size: '400cc', linger_duration_ms: null}},
      })
      await addObject(db, id, 'bursty_glass_idx', 'index')
      await addReplica(db, id, 'r1', '100cc', T0 - MINUTE)
      await setParameter(db, 'default_hydration_burst_linger', '90s')
      try {
        await tickOnly('bursty-glass', T0)
        expect((await clusterRow(db, id)).burst).toEqual({burst_size: '400cc', linger_duration_ms: 90_000, steady_hydrated_at: null})
        expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 400cc'])
        await setParameter(db, 'enable_hydration_burst', 'off')
        const mark = await auditMark(db)
        await tickOnly('bursty-glass', T0 + SECOND)
        expect((await clusterRow(db, id)).burst).toBeNull()
        expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
        const events = await auditSince(db, mark)
        expect(events.map((event) => [event.event_type, event.details.transition ?? event.details.reason])).toEqual([
          ['alter', 'finished'],
          ['drop', 'retired'],
        ])
        expect(events[0]?.details.finish_cause).toBe('no-longer-warranted')
        // Off stays off: the un-hydrated cluster does not re-arm.
        expect((await tickOnly('bursty-glass', T0 + MINUTE)).clusters).toEqual([])
      } finally {
        await setParameter(db, 'default_hydration_burst_linger', null)
        await setParameter(db, 'enable_hydration_burst', null)
      }
    })
  })

  describe('on refresh', () => {
    it('normalizes rf to 0, runs one replica around a refresh, retires it after compaction', async () => {
      const id = await createCluster(db, {
        name: 'nightly',
        size: '100cc',
        rf: 1,
        schedule: {kind: 'on-refresh', hydration_time_estimate_ms: 5 * MINUTE},
      })
      const mv = await addObject(db, id, 'nightly_mv', 'materialized-view', {
        refreshSchedule: {everies: [{interval_ms: HOUR, aligned_to: T0}], ats: []},
      })
      // The refresh at T0 is done: the frontier is at the next one.
      await reportFrontier(db, mv, T0 + HOUR)

      // Between refreshes: rf normalized, window closed.
      const mark = await auditMark(db)
      const normalized = clusterReport(await tickOnly('nightly', T0 + 30 * MINUTE), id)
      expect(normalized.batches.map((batch) => batch.phase)).toEqual(['state'])
      expect(normalized.batches[0]?.stateWrite).toEqual({newReplicationFactor: 0})
      expect((await clusterRow(db, id)).replication_factor).toBe(0)
      expect(await replicaSummary(db, id)).toEqual([])
      expect(await auditSince(db, mark)).toEqual([])

      // The refresh at T0 + 1h is within the hydration estimate: the window opens.
      const opened = clusterReport(await tickOnly('nightly', T0 + 56 * MINUTE), id)
      expect(opened.batches.map((batch) => batch.phase)).toEqual(['replicas'])
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      const [created] = await auditSince(db, mark)
      expect(created?.details).toMatchObject({
        replica_name: 'r1',
        reason: 'schedule',
        scheduling_policies: {
          on_refresh: {
            decision: 'on',
            hydration_time_estimate: '00:05:00',
            objects_needing_refresh: [mv],
            objects_needing_compaction: [],
          },
        },
      })
      expect((await clusterRow(db, id)).replication_factor).toBe(0)

      // The refresh happened; the compaction window keeps the replica until T0 + 1h + 20m.
      await reportFrontier(db, mv, T0 + 2 * HOUR, T0 + HOUR + MINUTE)
      expect((await tickOnly('nightly', T0 + HOUR + 5 * MINUTE)).clusters).toEqual([])
      expect((await tickOnly('nightly', T0 + HOUR + 20 * MINUTE - 1)).clusters).toEqual([])
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])

      const closeMark = await auditMark(db)
      const closed = clusterReport(await tickOnly('nightly', T0 + HOUR + 20 * MINUTE), id)
      expect(closed.batches.map((batch) => [batch.phase, batch.drops.map((drop) => drop.name)])).toEqual([['replicas', ['r1']]])
      expect(await replicaSummary(db, id)).toEqual([])
      const [dropped] = await auditSince(db, closeMark)
      expect(dropped?.event_type).toBe('drop')
      expect(dropped?.details.reason).toBe('retired')
      expect(dropped?.details).not.toHaveProperty('scheduling_policies')
    })
  })

  describe('compare-and-append', () => {
    it('rejects a replica batch whose witness changed between read and apply, then recomputes', async () => {
      const id = await createCluster(db, {name: 'race-rf', size: '100cc', rf: 2})
      const ctx = new RacingCtx(db, {nowMs: T0, clusterNames: ['race-rf']})
      ctx.beforeNextApply = () =>
        writeElsewhere(catalog, 'UPDATE mzcluster.clusters SET replication_factor = 3, version = version + 1 WHERE id = $1', [id])
      const mark = await auditMark(db)
      const report = await runTick(ctx)
      const entry = clusterReport(report, id)
      expect(entry.batches.map((batch) => [batch.phase, batch.outcome, batch.creates.length])).toEqual([['replicas', 'rejected', 2]])
      expect(ctx.applyErrors).toEqual([])
      expect(await replicaSummary(db, id)).toEqual([])
      expect(await auditSince(db, mark)).toEqual([])
      expect((await clusterRow(db, id)).replication_factor).toBe(3)

      // The next tick decides from the new state.
      const next = clusterReport(await tickOnly('race-rf', T0 + SECOND), id)
      expect(next.batches.map((batch) => batch.outcome)).toEqual(['applied'])
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 100cc', 'r3 100cc'])
    })

    it('rejects a stale phase-1 cut-over, skips the cluster in phase 2, and follows the new record', async () => {
      const id = await createCluster(db, {
        name: 'race-record',
        size: '100cc',
        rf: 1,
        reconfiguration: inProgress('200cc', 1, T0 - SECOND, 'commit'),
      })
      await addReplica(db, id, 'r1', '100cc', T0 - HOUR)
      const retargeted = inProgress('400cc', 1, T0 + HOUR, 'rollback')
      const ctx = new RacingCtx(db, {nowMs: T0, clusterNames: ['race-record']})
      ctx.beforeNextApply = async (decisions) => {
        // The apply about to run is the forced cut-over; a user re-targets the record first.
        expect(decisions.map((decision) => decision.kind)).toEqual(['updateState'])
        await writeElsewhere(catalog, 'UPDATE mzcluster.clusters SET reconfiguration = $2::jsonb, version = version + 1 WHERE id = $1', [
          id,
          JSON.stringify(retargeted),
        ])
      }
      const mark = await auditMark(db)
      const entry = clusterReport(await runTick(ctx), id)
      expect(entry.batches.map((batch) => [batch.phase, batch.outcome])).toEqual([['state', 'rejected']])
      expect(entry.skipped).toBe(true)
      const row = await clusterRow(db, id)
      expect(row.size).toBe('100cc')
      expect(row.reconfiguration).toEqual(retargeted)
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      expect(await auditSince(db, mark)).toEqual([])

      // Recomputed from the re-targeted record: overlap toward 400cc, no cut-over.
      const next = clusterReport(await tickOnly('race-record', T0 + SECOND), id)
      expect(next.batches.map((batch) => batch.phase)).toEqual(['replicas'])
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc', 'r2 400cc'])
      expect((await clusterRow(db, id)).reconfiguration?.status).toBe('in-progress')
    })

    it('treats a concurrent reorder of the AZ list as a change, and a vanished cluster as a rejection', async () => {
      const zoned = await createCluster(db, {name: 'race-zones', size: '100cc', rf: 1, availabilityZones: ['a', 'b']})
      const gone = await createCluster(db, {name: 'race-gone', size: '100cc', rf: 1})
      const ctx = new RacingCtx(db, {nowMs: T0, clusterNames: ['race-zones', 'race-gone']})
      ctx.beforeNextApply = async () => {
        await writeElsewhere(catalog, `UPDATE mzcluster.clusters SET availability_zones = '["b", "a"]' WHERE id = $1`, [zoned])
        await writeElsewhere(catalog, 'DELETE FROM mzcluster.clusters WHERE id = $1', [gone])
      }
      const mark = await auditMark(db)
      const report = await runTick(ctx)
      expect(report.clusters.map((cluster) => [cluster.clusterId, cluster.batches.map((batch) => batch.outcome)])).toEqual([
        [zoned, ['rejected']],
        [gone, ['rejected']],
      ])
      expect(ctx.applyErrors).toEqual([])
      expect(await replicaSummary(db, zoned)).toEqual([])
      expect(await replicaSummary(db, gone)).toEqual([])
      expect(await auditSince(db, mark)).toEqual([])
    })

    it('does not reject for a concurrent change outside the witness (manual feature pins)', async () => {
      const id = await createCluster(db, {name: 'race-features', size: '100cc', rf: 1})
      const ctx = new RacingCtx(db, {nowMs: T0, clusterNames: ['race-features']})
      ctx.beforeNextApply = () =>
        writeElsewhere(catalog, `UPDATE mzcluster.clusters SET features = '{"enable_eager_delta_joins": "on"}', version = version + 1 WHERE id = $1`, [
          id,
        ])
      const entry = clusterReport(await runTick(ctx), id)
      expect(entry.batches.map((batch) => batch.outcome)).toEqual(['applied'])
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
      expect((await clusterRow(db, id)).features).toEqual({enable_eager_delta_joins: 'on'})
    })

    it.runIf(backend === 'server')('waits for a writer holding the cluster row and checks the witness it committed', async () => {
      const id = await createCluster(db, {name: 'race-locked', size: '100cc', rf: 1})
      const other = new pg.Client({connectionString: catalog.location})
      await other.connect()
      try {
        const ctx = new RacingCtx(db, {nowMs: T0, clusterNames: ['race-locked']})
        let committed: Promise<boolean> = Promise.resolve(false)
        ctx.beforeNextApply = async () => {
          // An ALTER's transaction has the row locked when the tick's apply starts; it commits once
          // the apply is seen waiting for that lock.
          await other.query('BEGIN')
          await other.query("UPDATE mzcluster.clusters SET size = '200cc', version = version + 1 WHERE id = $1", [id])
          const blocked = async () => {
            await other.query('SELECT pg_stat_clear_snapshot()')
            const {rows} = await other.query<{n: number}>(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
            )
            return (rows[0]?.n ?? 0) > 0
          }
          committed = waitFor(blocked, {what: "the tick's apply to wait for the locked cluster row"}).then(
            async () => (await other.query('COMMIT'), true),
            async () => (await other.query('COMMIT'), false),
          )
        }
        const entry = clusterReport(await runTick(ctx), id)
        expect(await committed, 'the apply never waited for the row lock').toBe(true)
        expect(entry.batches.map((batch) => [batch.outcome, batch.creates.map((create) => create.shape.size)])).toEqual([
          ['rejected', ['100cc']],
        ])
        expect(await replicaSummary(db, id)).toEqual([])
        await tickOnly('race-locked', T0 + SECOND)
        expect(await replicaSummary(db, id)).toEqual(['r1 200cc'])
      } finally {
        await other.end()
      }
    })
  })

  describe('resource limits', () => {
    it('sheds a reconfiguration whose transient peak exceeds max_replicas_per_cluster', async () => {
      const id = await createCluster(db, {
        name: 'limited',
        size: '100cc',
        rf: 2,
        reconfiguration: inProgress('200cc', 2, T0 + HOUR),
      })
      const r1 = await addReplica(db, id, 'r1', '100cc', T0 - HOUR)
      const r2 = await addReplica(db, id, 'r2', '100cc', T0 - HOUR)
      const before = await clusterRow(db, id)
      await setParameter(db, 'max_replicas_per_cluster', '2')
      try {
        const mark = await auditMark(db)
        const entry = clusterReport(await tickOnly('limited', T0), id)
        expect(entry.batches.map((batch) => [batch.phase, batch.outcome])).toEqual([
          ['replicas', 'resource-exhausted'],
          ['shed', 'applied'],
        ])
        expect(entry.batches[0]?.creates.map((create) => create.shape.size)).toEqual(['200cc', '200cc'])
        const row = await clusterRow(db, id)
        expect(row).toMatchObject({size: before.size, replication_factor: 2, availability_zones: [], logging: before.logging})
        expect(row.reconfiguration).toEqual({...inProgress('200cc', 2, T0 + HOUR), status: 'resource-exhausted'})
        expect((await replicasOf(db, id)).map((replica) => replica.id)).toEqual([r1, r2])
        const events = await auditSince(db, mark)
        expect(events.map((event) => [event.event_type, event.object_type, event.details.transition])).toEqual([
          ['alter', 'cluster', 'resource-exhausted'],
        ])
        expect(events[0]?.details).toMatchObject({deadline: T0 + HOUR, target_size: '200cc', forced: null})
        // The terminal record is inert: nothing more happens.
        expect((await tickOnly('limited', T0 + MINUTE)).clusters).toEqual([])
      } finally {
        await setParameter(db, 'max_replicas_per_cluster', null)
      }
    })
    it('refuses creates beyond max_credit_consumption_rate, counting the tick\'s own earlier creates', async () => {
      const [usage] = await db.query<{credits: number}>(
        `SELECT COALESCE(sum(s.credits_per_hour), 0)::float8 AS credits FROM mzcluster.replicas r
         JOIN mzcluster.clusters c ON c.id = r.cluster_id AND NOT c.builtin JOIN mzcluster.replica_sizes s ON s.name = r.size`,
      )
      const first = await createCluster(db, {name: 'credit-a', size: '100cc', rf: 1})
      const second = await createCluster(db, {name: 'credit-b', size: '100cc', rf: 1})
      // Room for one more 100cc replica (1 credit/h), not two.
      await setParameter(db, 'max_credit_consumption_rate', String(Number(usage?.credits) + 1.5))
      try {
        const mark = await auditMark(db)
        const {report, warnings} = await tick(db, {clusterNames: ['credit-a', 'credit-b'], nowMs: T0})
        expect(warnings).toEqual([])
        expect(report.clusters.map((cluster) => [cluster.clusterId, cluster.batches.map((batch) => [batch.phase, batch.outcome])])).toEqual([
          [first, [['replicas', 'applied']]],
          // No in-progress record: nothing to shed; the create is simply retried next tick.
          [second, [['replicas', 'resource-exhausted']]],
        ])
        expect(await replicaSummary(db, first)).toEqual(['r1 100cc'])
        expect(await replicaSummary(db, second)).toEqual([])
        expect((await auditSince(db, mark)).map((event) => event.details.cluster_id)).toEqual([first])
        const retry = await tickOnly('credit-b', T0 + SECOND)
        expect(clusterReport(retry, second).batches.map((batch) => batch.outcome)).toEqual(['resource-exhausted'])
      } finally {
        await setParameter(db, 'max_credit_consumption_rate', null)
      }
      await tickOnly('credit-b', T0 + MINUTE)
      expect(await replicaSummary(db, second)).toEqual(['r1 100cc'])
    })
  })

  describe('break-glass', () => {
    it('does nothing at all with enable_cluster_controller = off', async () => {
      const id = await createCluster(db, {name: 'switched-off', size: '100cc', rf: 1})
      await setParameter(db, 'enable_cluster_controller', 'off')
      try {
        const before = await dumpCatalog(db)
        const {report, warnings} = await tick(db, {nowMs: T0})
        expect(report.controllerEnabled).toBe(false)
        expect(report.clusters).toEqual([])
        expect(warnings).toEqual([])
        expect(await dumpCatalog(db)).toBe(before)
      } finally {
        await setParameter(db, 'enable_cluster_controller', null)
      }
      const {report} = await tick(db, {clusterNames: ['switched-off'], nowMs: T0})
      expect(report.controllerEnabled).toBe(true)
      expect(await replicaSummary(db, id)).toEqual(['r1 100cc'])
    })
  })
})

describe.each(backends())('plan on the demo catalog (%s)', (backend: Backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await seedDemo(catalog.db, T0)
  })
  afterAll(async () => catalog.destroy())

  it('writes nothing, previews phase 2 after the phase-1 cut-over, and matches what the tick then does', async () => {
    const db = catalog.db
    const before = await dumpCatalog(db)
    const nowMs = T0 + MINUTE
    const plan = await tick(db, {dryRun: true, nowMs})
    expect(plan.warnings).toEqual([])
    expect(await dumpCatalog(db)).toBe(before)

    const [search] = await db.query<{id: string}>("SELECT id FROM mzcluster.clusters WHERE name = 'search'")
    const oldReplica = (await replicasOf(db, search?.id as string)).find((replica) => replica.name === 'r1')
    const entry = clusterReport(plan.report, search?.id as string)
    expect(entry.batches.map((batch) => [batch.phase, batch.outcome])).toEqual([
      ['state', 'applied'],
      ['replicas', 'applied'],
    ])
    expect(entry.batches[0]?.stateWrite).toMatchObject({
      newSize: '200cc',
      reconfiguration: {record: {status: 'finalized'}, audit: {transition: 'finalized', forced: false}},
    })
    expect(entry.batches[1]?.drops).toEqual([{replicaId: oldReplica?.id, name: 'r1', size: '100cc'}])

    // The real tick at the same time does exactly what the plan showed.
    const applied = await tick(db, {nowMs})
    expect(applied.warnings).toEqual([])
    const shape = (report: typeof plan.report) =>
      report.clusters.map((cluster) => ({
        cluster: cluster.clusterName,
        batches: cluster.batches.map((batch) => ({
          phase: batch.phase,
          outcome: batch.outcome,
          stateWrite: batch.stateWrite,
          creates: batch.creates.map((create) => [create.name, create.shape.size, create.reason.kind]),
          drops: batch.drops,
        })),
      }))
    expect(shape(applied.report)).toEqual(shape(plan.report))
    expect(await dumpCatalog(db)).not.toBe(before)
    expect(await replicaSummary(db, search?.id as string)).toEqual(['r2 200cc'])

    // 31 s later the new `reports` replica is hydrated (simulated), so its refresh MV's frontier
    // advances in the plan's view; the plan must still write nothing, not even the frontier.
    const [reports] = await db.query<{id: string}>("SELECT id FROM mzcluster.clusters WHERE name = 'reports'")
    expect(await replicaSummary(db, reports?.id as string)).toEqual(['r1 100cc'])
    const afterTick = await dumpCatalog(db)
    const later = await tick(db, {dryRun: true, nowMs: nowMs + 31 * SECOND})
    expect(clusterReport(later.report, reports?.id as string).batches[0]?.drops.map((drop) => drop.name)).toEqual(['r1'])
    expect(await dumpCatalog(db)).toBe(afterTick)
    expect(await db.query('SELECT * FROM mzcluster.object_frontiers')).toEqual([])
  })
})

describe.each(backends())('steady-state statement count (%s)', (backend: Backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
  })
  afterAll(async () => catalog.destroy())

  /** `count` more steady clusters: rf 3 with three hydrated replicas, an index, and a burst policy. */
  async function addSteadyClusters(db: Db, count: number): Promise<void> {
    await db.query(
      `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, auto_scaling_strategy, created_at)
       SELECT 'u' || n, n, 'steady' || n, true, '100cc', 3,
              '{"on_hydration": {"hydration_size": "800cc", "linger_duration_ms": 0}}'::jsonb, $2
       FROM (SELECT nextval('mzcluster.user_cluster_ids') AS n FROM generate_series(1, $1)) s`,
      [count, T0 - HOUR],
    )
    await db.query(
      `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at)
       SELECT 'u' || n, n, cluster_id, name, '100cc', $1
       FROM (SELECT nextval('mzcluster.user_replica_ids') AS n, c.id AS cluster_id, 'r' || k AS name
             FROM mzcluster.clusters c CROSS JOIN generate_series(1, 3) k
             WHERE NOT c.builtin AND NOT EXISTS (SELECT 1 FROM mzcluster.replicas r WHERE r.cluster_id = c.id)
             ORDER BY c.ord, k) s`,
      [T0 - HOUR],
    )
    await db.query(
      `INSERT INTO mzcluster.objects (id, ord, name, cluster_id, type, created_at)
       SELECT 'u' || n, n, 'idx_' || cluster_id, cluster_id, 'index', $1
       FROM (SELECT nextval('mzcluster.user_object_ids') AS n, c.id AS cluster_id FROM mzcluster.clusters c
             WHERE NOT c.builtin AND NOT EXISTS (SELECT 1 FROM mzcluster.objects o WHERE o.cluster_id = c.id)
             ORDER BY c.ord) s`,
      [T0 - HOUR],
    )
    await db.query(
      `INSERT INTO mzcluster.replica_status (replica_id, online, reported_at)
       SELECT r.id, true, $1 FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id
       WHERE NOT c.builtin ON CONFLICT (replica_id) DO NOTHING`,
      [T0 - HOUR],
    )
    await db.query(
      `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at)
       SELECT r.id, o.id, true, $1 FROM mzcluster.replicas r JOIN mzcluster.objects o ON o.cluster_id = r.cluster_id
       ON CONFLICT (replica_id, object_id) DO NOTHING`,
      [T0 - HOUR],
    )
  }

  async function steadyTickStatements(db: Db, clusters: number): Promise<number> {
    const startedAt = db.statementCount
    const {report, warnings} = await tick(db, {nowMs: T0})
    const statements = db.statementCount - startedAt
    expect(warnings).toEqual([])
    expect(report.clustersExamined).toBe(clusters)
    expect(report.clusters).toEqual([])
    return statements
  }

  it('does not grow with the number of clusters', async () => {
    const db = catalog.db
    await addSteadyClusters(db, 10)
    const ten = await steadyTickStatements(db, 10)
    await addSteadyClusters(db, 190)
    const [counts] = await db.query<{clusters: number; replicas: number}>(
      `SELECT (SELECT count(*)::int FROM mzcluster.clusters WHERE NOT builtin) AS clusters,
              (SELECT count(*)::int FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE NOT c.builtin) AS replicas`,
    )
    expect(counts).toEqual({clusters: 200, replicas: 600})
    const twoHundred = await steadyTickStatements(db, 200)
    expect(twoHundred).toBe(ten)
    // A handful of batched reads, not one per cluster.
    expect(ten).toBeLessThan(10)
  })
})
