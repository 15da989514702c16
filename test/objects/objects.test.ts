// Objects on both backends: create (with refresh schedules and pins), list, drop, with their audit
// events; every refusal writes nothing.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/errors.js'
import type {CreateObjectSpec} from '../../src/lib/objects/objects.js'
import {createObject, dropObject, findObject, listObjects, newObject} from '../../src/lib/objects/objects.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {addCluster, snapshot} from './fixtures.js'

const NOW = Date.UTC(2026, 10, 22, 10)
const HOUR = 3_600_000

describe.each(backends())('objects on %s', (backend) => {
  let catalog: TestCatalog
  let replicas: Record<string, string>
  const create = (spec: CreateObjectSpec, nowMs = NOW) => createObject(catalog.db, newObject(spec, nowMs))

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    replicas = await addCluster(catalog.db, {id: 'u1', name: 'prod', replicas: ['r1', 'r2']})
    await addCluster(catalog.db, {id: 'u2', name: 'reporting', replicas: ['r1']})
  })
  afterAll(async () => catalog.destroy())

  it('creates a refresh materialized view with ids from the object allocator, audited', async () => {
    const mv = await create({
      name: 'daily',
      cluster: 'reporting',
      type: 'materialized-view',
      refresh: {every: '1d', ats: ['+1h']},
    })
    expect(mv).toEqual({
      id: 'u1',
      name: 'daily',
      cluster_id: 'u2',
      cluster_name: 'reporting',
      type: 'materialized-view',
      replica_id: null,
      replica_name: null,
      refresh_schedule: {everies: [{interval_ms: 24 * HOUR, aligned_to: NOW}], ats: [NOW + HOUR]},
      write_frontier: null,
      sealed: false,
      created_at: NOW,
    })
    const [row] = await catalog.db.query<{ord: number}>("SELECT ord FROM mzcluster.objects WHERE id = 'u1'")
    expect(Number(row?.ord)).toBe(1)
    const audits = await catalog.db.query(
      "SELECT occurred_at, event_type, details FROM mzcluster.audit_events WHERE object_type = 'object'",
    )
    expect(audits).toEqual([
      {
        occurred_at: NOW,
        event_type: 'create',
        details: {
          object_id: 'u1',
          object_name: 'daily',
          object_type: 'materialized-view',
          cluster_id: 'u2',
          cluster_name: 'reporting',
        },
      },
    ])
  })

  it('pins an object to a replica of its cluster', async () => {
    const pinned = await create({name: 'pinned_idx', cluster: 'prod', type: 'index', replica: 'r2'})
    expect(pinned).toMatchObject({
      id: 'u2',
      replica_id: replicas.r2,
      replica_name: 'r2',
      refresh_schedule: null,
    })
  })

  it('takes any non-empty name: quotes, semicolons, Unicode', async () => {
    for (const name of [`it's "x"; DROP TABLE mzcluster.objects; --`, 'café ☕', '集群']) {
      expect((await create({name, cluster: 'prod', type: 'source'})).name).toBe(name)
      expect((await findObject(catalog.db, name)).name).toBe(name)
    }
  })

  it('allows objects on builtin clusters', async () => {
    expect(
      await create({name: 'mz_introspection_idx', cluster: 'mz_catalog_server', type: 'index'}),
    ).toMatchObject({cluster_id: 's2'})
  })

  it.each([
    [{name: 'x', cluster: 'nope', type: 'index'}, 'unknown cluster "nope"', 'CLUSTER_NOT_FOUND'],
    [
      {name: 'x', cluster: 'prod', type: 'index', replica: 'r9'},
      'unknown replica "r9" in cluster "prod" (--replica)',
      'REPLICA_NOT_FOUND',
    ],
    [{name: 'daily', cluster: 'prod', type: 'index'}, 'object "daily" already exists', 'OBJECT_EXISTS'],
  ] as const)('refuses %j, writing nothing', async (spec, message, code) => {
    const before = await snapshot(catalog.db)
    const error = await create(spec).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error).toMatchObject({message, code, exitCode: 2})
    expect(await snapshot(catalog.db)).toEqual(before)
  })

  it('refuses bad names and refresh options before touching the catalog', () => {
    expect(() => newObject({name: '', cluster: 'prod', type: 'index'}, NOW)).toThrow(
      'object name must not be empty',
    )
    expect(() => newObject({name: 'x', cluster: 'prod', type: 'index', refresh: {every: '1h'}}, NOW)).toThrow(
      /materialized views only/,
    )
  })

  it('lists in creation order, optionally for one cluster, with reported frontiers', async () => {
    await catalog.db.query(
      "INSERT INTO mzcluster.object_frontiers (object_id, write_frontier, sealed, reported_at) VALUES ('u1', 42, false, 1)",
    )
    const all = await listObjects(catalog.db)
    expect(all.map((o) => o.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6'])
    expect(all[0]).toMatchObject({name: 'daily', write_frontier: 42, sealed: false})
    expect((await listObjects(catalog.db, {cluster: 'reporting'})).map((o) => o.name)).toEqual(['daily'])
    await expect(listObjects(catalog.db, {cluster: 'nope'})).rejects.toThrow('unknown cluster "nope"')
  })

  it('drops an object with its reports, audited; ids are never reused', async () => {
    await catalog.db.query(
      'INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at) VALUES ($1, $2, true, 1)',
      [replicas.r2, 'u2'],
    )
    const dropped = await dropObject(catalog.db, 'pinned_idx', NOW + 1)
    expect(dropped).toMatchObject({id: 'u2', name: 'pinned_idx'})
    expect(await catalog.db.query("SELECT * FROM mzcluster.object_hydration WHERE object_id = 'u2'")).toEqual(
      [],
    )
    const [audit] = await catalog.db.query(
      "SELECT details FROM mzcluster.audit_events WHERE event_type = 'drop' AND object_type = 'object'",
    )
    expect(audit?.details).toEqual({
      object_id: 'u2',
      object_name: 'pinned_idx',
      object_type: 'index',
      cluster_id: 'u1',
      cluster_name: 'prod',
    })
    await expect(dropObject(catalog.db, 'pinned_idx')).rejects.toThrow('unknown object "pinned_idx"')
    expect((await create({name: 'pinned_idx', cluster: 'prod', type: 'index'})).id).toBe('u7')
  })
})
