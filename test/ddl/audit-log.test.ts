// Reading the audit log: cluster, time and kind filters, newest last with the latest N kept, and
// the one-line summaries of the table.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {appendAudit} from '../../src/lib/catalog/audit.js'
import {parseAuditLimit, readAuditLog, summarizeAuditDetails} from '../../src/lib/ddl/audit-log.js'
import {UsageError} from '../../src/lib/errors.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'

const started = {
  cluster_id: 'u1',
  cluster_name: 'prod',
  transition: 'started',
  target_size: '200cc',
  target_replication_factor: 1,
  target_availability_zones: [],
  target_logging: {log_logging: false, interval: {secs: 1, nanos: 0}},
  deadline: 1_800_000_000_000,
}

describe.each(backends())('audit log on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    const db = catalog.db
    await db.transaction(async (tx) => {
      await appendAudit(
        tx,
        [{eventType: 'create', objectType: 'cluster', details: {cluster_id: 'u1', cluster_name: 'prod'}}],
        1_000,
      )
      await appendAudit(
        tx,
        [
          {
            eventType: 'create',
            objectType: 'cluster-replica',
            details: {
              cluster_id: 'u1',
              cluster_name: 'prod',
              replica_id: 'u1',
              replica_name: 'r1',
              logical_size: '100cc',
              reason: 'manual',
            },
          },
        ],
        2_000,
      )
      await appendAudit(tx, [{eventType: 'alter', objectType: 'cluster', details: started}], 3_000)
      await appendAudit(
        tx,
        [
          {
            eventType: 'alter',
            objectType: 'cluster',
            details: {cluster_id: 'u1', cluster_name: 'prod', transition: 'started', burst_size: '800cc'},
          },
        ],
        4_000,
      )
      await appendAudit(
        tx,
        [{eventType: 'create', objectType: 'cluster', details: {cluster_id: 'u2', cluster_name: 'other'}}],
        5_000,
      )
      await appendAudit(
        tx,
        [{eventType: 'drop', objectType: 'cluster', details: {cluster_id: 'u2', cluster_name: 'other'}}],
        6_000,
      )
    })
  })
  afterAll(async () => catalog.destroy())

  const ids = async (query: Parameters<typeof readAuditLog>[1]) =>
    (await readAuditLog(catalog.db, query)).map((e) => `${e.event_type}/${e.object_type}@${e.occurred_at}`)

  it('returns every event oldest first with the documented shape', async () => {
    const all = await readAuditLog(catalog.db)
    expect(all).toHaveLength(6)
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b))
    expect(all[0]).toEqual({
      id: all[0]?.id,
      occurred_at: 1_000,
      event_type: 'create',
      object_type: 'cluster',
      details: {cluster_id: 'u1', cluster_name: 'prod'},
    })
    expect(typeof all[0]?.id).toBe('number')
  })

  it('keeps the latest N (0 = all)', async () => {
    expect(await ids({limit: 2})).toEqual(['create/cluster@5000', 'drop/cluster@6000'])
    expect(await ids({limit: 0})).toHaveLength(6)
  })

  it('filters by cluster name or id, dropped clusters included', async () => {
    expect(await ids({cluster: 'other'})).toEqual(['create/cluster@5000', 'drop/cluster@6000'])
    expect(await ids({cluster: 'u2'})).toEqual(['create/cluster@5000', 'drop/cluster@6000'])
    expect(await ids({cluster: 'nope'})).toEqual([])
  })

  it('filters by time', async () => {
    expect(await ids({sinceMs: 4_000})).toEqual([
      'alter/cluster@4000',
      'create/cluster@5000',
      'drop/cluster@6000',
    ])
  })

  it('filters by kind: event type, object type, or lifecycle', async () => {
    expect(await ids({kinds: ['cluster-replica']})).toEqual(['create/cluster-replica@2000'])
    expect(await ids({kinds: ['drop']})).toEqual(['drop/cluster@6000'])
    expect(await ids({kinds: ['reconfiguration']})).toEqual(['alter/cluster@3000'])
    expect(await ids({kinds: ['burst']})).toEqual(['alter/cluster@4000'])
    expect(await ids({kinds: ['burst', 'drop'], cluster: 'prod'})).toEqual(['alter/cluster@4000'])
  })

  it('summarises details in one line, lifecycle keys first', () => {
    expect(summarizeAuditDetails(started)).toBe(
      'prod transition=started target_size=200cc target_replication_factor=1 deadline=2027-01-15T08:00:00.000Z target_logging={"log_logging":false,"interval":{"secs":1,"nanos":0}}',
    )
    expect(
      summarizeAuditDetails({
        cluster_id: 'u1',
        cluster_name: 'prod',
        replica_id: 'u3',
        replica_name: 'r 1',
        logical_size: '100cc',
        reason: 'retired',
      }),
    ).toBe('prod.r 1 reason=retired logical_size=100cc')
    expect(summarizeAuditDetails({object_name: 'idx', cluster_name: 'prod', type: 'index'})).toBe(
      'idx on prod type=index',
    )
  })

  it('parses --limit', () => {
    expect(parseAuditLimit('20')).toBe(20)
    expect(parseAuditLimit('0')).toBe(0)
    for (const bad of ['-1', '1.5', 'ten', '']) expect(() => parseAuditLimit(bad)).toThrow(UsageError)
  })
})
