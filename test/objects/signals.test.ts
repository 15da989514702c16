// Live-signal reports on both backends: upserts of the three tables, refusals that write nothing,
// and the hydrated-replica rule the controller reads from them.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hydratedReplicas} from '../../src/lib/catalog/signals.js'
import {UsageError} from '../../src/lib/errors.js'
import {createObject, newObject} from '../../src/lib/objects/objects.js'
import {parseFrontierReport, reportFrontier} from '../../src/lib/signals/frontier.js'
import {reportHydration} from '../../src/lib/signals/hydration.js'
import {reportOnline} from '../../src/lib/signals/online.js'
import {signalSourceKind} from '../../src/lib/signals/source.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {addCluster, snapshot} from './fixtures.js'

const NOW = Date.UTC(2026, 10, 22, 10)
const prod = (replica: string) => ({cluster: 'prod', replica})

describe.each(backends())('signals on %s', (backend) => {
  let catalog: TestCatalog
  let r: Record<string, string>

  const hydrated = async () =>
    [
      ...((
        await hydratedReplicas(catalog.db, ['u1'], {kind: 'catalog', simulatedDelayMs: 0, nowMs: NOW})
      ).get('u1') ?? []),
    ].sort()

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    r = await addCluster(catalog.db, {id: 'u1', name: 'prod', replicas: ['r1', 'r2']})
    await addCluster(catalog.db, {id: 'u2', name: 'other', replicas: ['r1']})
    for (const [name, type, replica] of [
      ['idx', 'index', undefined],
      ['mv', 'materialized-view', undefined],
      ['hook', 'webhook-source', undefined],
      ['pinned', 'materialized-view', 'r2'],
    ] as const) {
      await createObject(catalog.db, newObject({name, cluster: 'prod', type, replica}, NOW))
    }
    await createObject(catalog.db, newObject({name: 'elsewhere', cluster: 'other', type: 'sink'}, NOW))
  })
  afterAll(async () => catalog.destroy())

  it('reports a replica online, then offline (upsert)', async () => {
    expect(await reportOnline(catalog.db, prod('r1'), true, NOW)).toEqual({
      replica_id: r.r1,
      cluster_name: 'prod',
      replica_name: 'r1',
      online: true,
      reported_at: NOW,
    })
    await reportOnline(catalog.db, prod('r1'), false, NOW + 1)
    expect(
      await catalog.db.query('SELECT replica_id, online, reported_at FROM mzcluster.replica_status'),
    ).toEqual([{replica_id: r.r1, online: false, reported_at: NOW + 1}])
  })

  it('reports hydration for every object of the cluster, or for the named ones', async () => {
    const all = await reportHydration(catalog.db, prod('r1'), {hydrated: true}, NOW)
    expect(all.map((row) => row.object_name)).toEqual(['idx', 'mv', 'hook', 'pinned'])
    const some = await reportHydration(
      catalog.db,
      prod('r1'),
      {objects: ['mv', 'mv'], hydrated: false},
      NOW + 1,
    )
    expect(some).toEqual([
      {
        replica_id: r.r1,
        cluster_name: 'prod',
        replica_name: 'r1',
        object_id: 'u2',
        object_name: 'mv',
        hydrated: false,
        reported_at: NOW + 1,
      },
    ])
    const rows = await catalog.db.query<{object_id: string; hydrated: boolean}>(
      'SELECT object_id, hydrated FROM mzcluster.object_hydration WHERE replica_id = $1 ORDER BY object_id',
      [r.r1],
    )
    expect(rows).toEqual([
      {object_id: 'u1', hydrated: true},
      {object_id: 'u2', hydrated: false},
      {object_id: 'u3', hydrated: true},
      {object_id: 'u4', hydrated: true},
    ])
  })

  it('reports nothing for a cluster without objects', async () => {
    await addCluster(catalog.db, {id: 'u3', name: 'empty', replicas: ['r1']})
    expect(await reportHydration(catalog.db, {cluster: 'empty', replica: 'r1'}, {hydrated: true})).toEqual([])
  })

  it('reports a materialized view frontier, then sealed', async () => {
    expect(await reportFrontier(catalog.db, 'mv', {kind: 'upper', upperMs: NOW + 5}, NOW)).toEqual({
      object_id: 'u2',
      object_name: 'mv',
      cluster_name: 'prod',
      write_frontier: NOW + 5,
      sealed: false,
      reported_at: NOW,
    })
    await reportFrontier(catalog.db, 'mv', {kind: 'sealed'}, NOW + 1)
    expect(
      await catalog.db.query('SELECT object_id, write_frontier, sealed FROM mzcluster.object_frontiers'),
    ).toEqual([{object_id: 'u2', write_frontier: null, sealed: true}])
  })

  it('parses --upper/--sealed: exactly one', () => {
    expect(parseFrontierReport({upper: '+1h'}, NOW)).toEqual({kind: 'upper', upperMs: NOW + 3_600_000})
    expect(parseFrontierReport({sealed: true}, NOW)).toEqual({kind: 'sealed'})
    expect(() => parseFrontierReport({upper: '+1h', sealed: true}, NOW)).toThrow(
      'give either --upper or --sealed, not both',
    )
    expect(() => parseFrontierReport({}, NOW)).toThrow('give the frontier: --upper T or --sealed')
    expect(() => parseFrontierReport({upper: 'soon'}, NOW)).toThrow(/invalid time "soon"/)
  })

  it.each([
    [
      'unknown replica',
      () => reportOnline(catalog.db, prod('r9'), true),
      'unknown replica "r9" in cluster "prod"',
    ],
    [
      'unknown cluster',
      () => reportOnline(catalog.db, {cluster: 'nope', replica: 'r1'}, true),
      'unknown cluster "nope"',
    ],
    [
      'unknown object',
      () => reportHydration(catalog.db, prod('r1'), {objects: ['idx', 'nope'], hydrated: true}),
      'unknown object "nope"',
    ],
    [
      'object of another cluster',
      () => reportHydration(catalog.db, prod('r1'), {objects: ['idx', 'elsewhere'], hydrated: true}),
      'object "elsewhere" is not bound to cluster "prod"',
    ],
    [
      'frontier of an index',
      () => reportFrontier(catalog.db, 'idx', {kind: 'sealed'}),
      'object "idx" has type index: write frontiers are reported for materialized views only',
    ],
    [
      'frontier of an unknown object',
      () => reportFrontier(catalog.db, 'nope', {kind: 'sealed'}),
      'unknown object "nope"',
    ],
  ])('refuses %s, writing nothing', async (_case, report, message) => {
    const before = await snapshot(catalog.db)
    const error = await report().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(message)
    expect(await snapshot(catalog.db)).toEqual(before)
  })

  it('feeds the hydrated-replica rule: online, every hydratable object hydrated except pinned elsewhere, no report = not hydrated', async () => {
    await catalog.db.query('DELETE FROM mzcluster.object_hydration')
    await catalog.db.query('DELETE FROM mzcluster.replica_status')
    expect(await hydrated()).toEqual([])
    // r1: online with idx and mv hydrated; `pinned` belongs to r2 and the webhook source never counts.
    await reportOnline(catalog.db, prod('r1'), true, NOW)
    await reportHydration(catalog.db, prod('r1'), {objects: ['idx'], hydrated: true}, NOW)
    expect(await hydrated()).toEqual([])
    await reportHydration(catalog.db, prod('r1'), {objects: ['mv'], hydrated: true}, NOW)
    expect(await hydrated()).toEqual([r.r1])
    // r2 must hydrate its pinned view too, and be online.
    await reportHydration(catalog.db, prod('r2'), {objects: ['idx', 'mv'], hydrated: true}, NOW)
    await reportOnline(catalog.db, prod('r2'), true, NOW)
    expect(await hydrated()).toEqual([r.r1])
    await reportHydration(catalog.db, prod('r2'), {objects: ['pinned'], hydrated: true}, NOW)
    expect(await hydrated()).toEqual([r.r1, r.r2].sort())
    await reportOnline(catalog.db, prod('r1'), false, NOW)
    expect(await hydrated()).toEqual([r.r2])
  })

  it('reads the signal source (catalog unless set to simulated)', async () => {
    expect(await signalSourceKind(catalog.db)).toBe('catalog')
    await catalog.db.query(
      "INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ('signal_source', 'simulated', 0)",
    )
    expect(await signalSourceKind(catalog.db)).toBe('simulated')
    await catalog.db.query("DELETE FROM mzcluster.system_parameters WHERE name = 'signal_source'")
  })
})
