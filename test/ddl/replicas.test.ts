// Manual replica DDL: allowed on unmanaged clusters only, audited with reason manual, and refused
// without writing anything everywhere else.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {readAuditLog} from '../../src/lib/ddl/audit-log.js'
import {parseClusterOptions} from '../../src/lib/ddl/cluster-options.js'
import {createCluster} from '../../src/lib/ddl/clusters.js'
import {createReplica, dropReplica} from '../../src/lib/ddl/replicas.js'
import {listReplicas} from '../../src/lib/ddl/show.js'
import {UsageError} from '../../src/lib/errors.js'
import {parseReplicaRef} from '../../src/lib/input/names.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {catalogCounts} from './fixtures.js'

describe.each(backends())('replica DDL on %s', (backend) => {
  let catalog: TestCatalog
  const weird = `we'ird; name ✓`
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await createCluster(catalog.db, weird, parseClusterOptions({unmanaged: true}))
    await createCluster(catalog.db, 'prod', parseClusterOptions({size: '100cc'}))
  })
  afterAll(async () => catalog.destroy())

  async function expectRefused(action: () => Promise<unknown>, message: RegExp): Promise<void> {
    const before = await catalogCounts(catalog.db)
    const error = await action().then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toMatch(message)
    expect(await catalogCounts(catalog.db)).toEqual(before)
  }

  it('creates a replica in an unmanaged cluster, pinned to a zone, audited', async () => {
    const row = await createReplica(
      catalog.db,
      {cluster: weird, replica: 'r 1'},
      {size: '50cc', availabilityZone: 'az1'},
      {nowMs: 7},
    )
    expect(row).toMatchObject({name: 'r 1', size: '50cc', availability_zones: ['az1'], internal: false})
    expect(row.id).toMatch(/^u\d+$/)
    const [event] = await readAuditLog(catalog.db, {cluster: weird, kinds: ['cluster-replica']})
    expect(event).toMatchObject({
      occurred_at: 7,
      event_type: 'create',
      object_type: 'cluster-replica',
      details: {
        cluster_name: weird,
        replica_id: row.id,
        replica_name: 'r 1',
        logical_size: '50cc',
        reason: 'manual',
      },
    })
    expect((await listReplicas(catalog.db, {cluster: weird})).map((r) => r.name)).toEqual(['r 1'])
  })

  it('accepts quoted cluster references with dots and quotes', async () => {
    await createCluster(catalog.db, 'my.cluster', parseClusterOptions({unmanaged: true}))
    const ref = parseReplicaRef('"my.cluster".r.1')
    await createReplica(catalog.db, ref, {size: '25cc'})
    expect((await listReplicas(catalog.db, {cluster: 'my.cluster'})).map((r) => r.name)).toEqual(['r.1'])
    await dropReplica(catalog.db, ref)
    expect(await listReplicas(catalog.db, {cluster: 'my.cluster'})).toEqual([])
  })

  it('refuses managed and builtin clusters, naming cluster alter', async () => {
    await expectRefused(
      () => createReplica(catalog.db, {cluster: 'prod', replica: 'r9'}, {size: '100cc'}),
      /^cannot create replicas of managed cluster "prod": the controller owns its replica set$/,
    )
    const error = await createReplica(catalog.db, {cluster: 'prod', replica: 'r9'}, {size: '100cc'}).catch(
      (e: UsageError) => e,
    )
    expect((error as UsageError).hint).toMatch(/cluster alter/)
    await expectRefused(
      () => dropReplica(catalog.db, {cluster: 'mz_system', replica: 'r1'}),
      /builtin cluster "mz_system"/,
    )
    await expectRefused(
      () => createReplica(catalog.db, {cluster: 'mz_system', replica: 'r2'}, {size: '100cc'}),
      /builtin cluster "mz_system"/,
    )
  })

  it('refuses unknown clusters, replicas and sizes, and duplicate names', async () => {
    await expectRefused(
      () => createReplica(catalog.db, {cluster: 'nope', replica: 'r1'}, {size: '50cc'}),
      /unknown cluster "nope"/,
    )
    await expectRefused(
      () => createReplica(catalog.db, {cluster: weird, replica: 'r2'}, {size: 'huge'}),
      /unknown cluster replica size "huge"/,
    )
    await expectRefused(
      () => createReplica(catalog.db, {cluster: weird, replica: 'r 1'}, {size: '50cc'}),
      /^replica "r 1" already exists in cluster "we'ird; name ✓"$/,
    )
    await expectRefused(
      () => dropReplica(catalog.db, {cluster: weird, replica: 'r9'}),
      /unknown replica "r9"/,
    )
    await expectRefused(
      () => createReplica(catalog.db, {cluster: weird, replica: 'r2'}, {size: '50cc', availabilityZone: ''}),
      /empty/,
    )
  })

  it('holds unmanaged clusters to max_replicas_per_cluster', async () => {
    await catalog.db.query(
      "INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ('max_replicas_per_cluster', '1', 0)",
    )
    try {
      await expectRefused(
        () => createReplica(catalog.db, {cluster: weird, replica: 'r2'}, {size: '50cc'}),
        /would have 2 replicas; max_replicas_per_cluster is 1 \(the cluster has 1\)/,
      )
    } finally {
      await catalog.db.query(
        "DELETE FROM mzcluster.system_parameters WHERE name = 'max_replicas_per_cluster'",
      )
    }
  })

  it('drops a replica of an unmanaged cluster, audited with reason manual', async () => {
    const result = await dropReplica(catalog.db, {cluster: weird, replica: 'r 1'})
    expect(result).toMatchObject({replica_name: 'r 1', cluster_name: weird, size: '50cc'})
    const events = await readAuditLog(catalog.db, {cluster: weird, kinds: ['drop']})
    expect(events.at(-1)).toMatchObject({
      event_type: 'drop',
      object_type: 'cluster-replica',
      details: {replica_id: result.replica_id, replica_name: 'r 1', reason: 'manual'},
    })
    expect(await listReplicas(catalog.db, {cluster: weird})).toEqual([])
  })
})
