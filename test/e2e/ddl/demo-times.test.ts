// The demo catalog (`catalog init --demo`) tells one story: the times `cluster show --json`
// reports for a cluster and its replicas are the occurred_at of their audit events (`audit
// --json`), a reconfiguration started before the replica it created and its deadline is the
// default timeout after its start, and audit ids follow time as for events written when they
// happen.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {AuditEntry} from '../../../src/lib/ddl/audit-log.js'
import type {ClusterView} from '../../../src/lib/ddl/show.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {json, runCli} from '../../support/cli.js'

useWarmCatalogs()

const SLOW = 300_000
/** default_cluster_reconfiguration_timeout, which the demo's reconfiguration was started with. */
const DAY = 86_400_000

describe.each(backends())('demo catalog: cluster show and audit agree on times (%s)', (backend: Backend) => {
  let catalog: TestCatalog
  let audit: AuditEntry[]
  const views = new Map<string, ClusterView>()
  const cli = (...args: string[]) => runCli(args, {catalog: catalog.location, timeoutMs: 240_000})

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await catalog.close()
    const init = await cli('catalog', 'init', '--demo')
    expect(init.code, init.stderr).toBe(0)
    expect(init.stderr).toContain('Seeded a demo environment with 5 clusters.')
    for (const name of ['prod', 'search']) {
      const shown = await cli('cluster', 'show', name, '--json')
      expect(shown.code, shown.stderr).toBe(0)
      views.set(name, json<ClusterView>(shown))
    }
    const log = await cli('audit', '--json', '--limit', '0')
    expect(log.code, log.stderr).toBe(0)
    audit = json<AuditEntry[]>(log)
  }, SLOW)
  afterAll(async () => catalog?.destroy())

  const clusterCreate = (view: ClusterView) =>
    audit.filter((event) => event.event_type === 'create' && event.object_type === 'cluster' && event.details.cluster_id === view.id)
  const replicaCreate = (replicaId: string) =>
    audit.filter((event) => event.event_type === 'create' && event.object_type === 'cluster-replica' && event.details.replica_id === replicaId)

  it.each(['prod', 'search'])('%s: created_at is its create event’s time, and each replica’s is its own', (name) => {
    const view = views.get(name) as ClusterView
    const [created, ...more] = clusterCreate(view)
    expect(more).toEqual([])
    expect(created?.occurred_at).toBe(view.created_at)
    expect(view.replicas.length).toBeGreaterThan(0)
    for (const replica of view.replicas) {
      const events = replicaCreate(replica.id)
      expect(events.map((event) => event.details.replica_name)).toEqual([replica.name])
      expect({replica: replica.name, at: events[0]?.occurred_at}).toEqual({replica: replica.name, at: replica.created_at})
      // A replica is created after its cluster.
      expect(replica.created_at).toBeGreaterThanOrEqual(view.created_at)
    }
  })

  it('search: the reconfiguration started before its target replica, a default timeout before its deadline', () => {
    const view = views.get('search') as ClusterView
    expect(view.reconfiguration?.status).toBe('in-progress')
    const started = audit.filter((event) => event.event_type === 'alter' && event.details.cluster_id === view.id && event.details.transition === 'started')
    expect(started).toHaveLength(1)
    const [event] = started as [AuditEntry]
    expect(event.details.deadline).toBe(view.reconfiguration?.deadline)
    expect(event.occurred_at + DAY).toBe(view.reconfiguration?.deadline)
    const target = view.replicas.find((replica) => replica.size === view.reconfiguration?.target.size)
    expect(target?.name).toBe('r2')
    expect(event.occurred_at).toBeGreaterThanOrEqual(view.created_at)
    expect(event.occurred_at).toBeLessThanOrEqual(target?.created_at as number)
  })

  it('audit ids follow time', () => {
    expect(audit.length).toBeGreaterThan(0)
    const times = audit.map((event) => event.occurred_at)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })
})
