// Create-time resolution (flags-spec §10, product.md §11.5) on real catalogs: with a flag source
// configured, `cluster create` writes the new cluster's scoped overrides and a tick writes each new
// replica's, in the transactions that create them — no `flags sync` in between. Without a source
// nothing is written; a source that cannot answer means no overrides yet and one warning, never a
// failed create.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import type {Queryable} from '../../src/lib/catalog/db.js'
import {parseClusterOptions} from '../../src/lib/ddl/cluster-options.js'
import {createCluster} from '../../src/lib/ddl/clusters.js'
import {clusterCreateHookFor, configuredFlags} from '../../src/lib/flags/configured.js'
import type {CreateTimeFlags} from '../../src/lib/flags/create-time.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {writeFlagFile} from './flag-data.js'
import {ENVIRONMENT_ID} from './objects.js'

async function view(q: Queryable): Promise<{cluster: string[]; replica: string[]}> {
  const show = (rows: {id: string; name: string; value: string}[]) => rows.map((r) => `${r.id} ${r.name}=${r.value}`)
  return {
    cluster: show(await q.query('SELECT cluster_id AS id, name, value FROM mzcluster.mz_cluster_system_parameters ORDER BY 1, 2')),
    replica: show(await q.query('SELECT replica_id AS id, name, value FROM mzcluster.mz_replica_system_parameters ORDER BY 1, 2')),
  }
}

async function replicaIds(q: Queryable, cluster: string): Promise<string[]> {
  const rows = await q.query<{id: string}>(
    'SELECT r.id FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE c.name = $1 ORDER BY r.ord',
    [cluster],
  )
  return rows.map((r) => r.id)
}

const legacy = (replicas = 1) => parseClusterOptions({size: 'xsmall', replicationFactor: String(replicas)})

describe.each(backends())('create-time flag resolution on %s', (backend) => {
  let catalog: TestCatalog
  let dir: string
  let file: string
  beforeEach(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-create-time-'))
    file = join(dir, 'flags.json')
    writeFlagFile(file, {legacyLgalloc: false, eagerClusters: ['analytics']})
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await catalog.destroy()
    rmSync(dir, {recursive: true, force: true})
  })

  it('cluster create and tick with a flags file leave the cluster’s and the replica’s rows, with no flags sync', {timeout: 120_000}, async () => {
    const {createTimeFlags, hook} = await clusterCreateHookFor(catalog.db, {flagsFile: file})
    try {
      const row = await createCluster(catalog.db, 'analytics', legacy(), {hook})
      expect(await view(catalog.db)).toEqual({cluster: [`${row.id} enable_eager_delta_joins=true`], replica: []})
      const {warnings} = await tick(catalog.db, {createTimeFlags})
      expect(warnings).toEqual([])
      const [replica] = await replicaIds(catalog.db, 'analytics')
      expect(await view(catalog.db)).toEqual({
        cluster: [`${row.id} enable_eager_delta_joins=true`],
        replica: [`${replica} enable_lgalloc=false`],
      })
      // Written with the objects, not by a sync: no sync audit events.
      const syncs = await catalog.db.query(
        `SELECT 1 FROM mzcluster.audit_events WHERE object_type = 'system-parameter' AND details->>'source' = 'sync'`,
      )
      expect(syncs).toEqual([])
      // A cluster the rule does not name gets no cluster row.
      await createCluster(catalog.db, 'other', parseClusterOptions({size: '100cc'}), {hook})
      expect((await view(catalog.db)).cluster).toEqual([`${row.id} enable_eager_delta_joins=true`])
    } finally {
      createTimeFlags?.close()
    }
  })

  it('with the source in the environment, a tick resolves new replicas too (as a driven alter’s ticks do)', {timeout: 120_000}, async () => {
    await createCluster(catalog.db, 'legacy_cl', legacy(2))
    vi.stubEnv('MZCLUSTER_FLAGS_FILE', file)
    vi.stubEnv('MZCLUSTER_LD_SDK_KEY', '')
    const {warnings} = await tick(catalog.db)
    expect(warnings).toEqual([])
    const ids = await replicaIds(catalog.db, 'legacy_cl')
    expect(ids).toHaveLength(2)
    expect((await view(catalog.db)).replica).toEqual(ids.map((id) => `${id} enable_lgalloc=false`))
  })

  it('without a flag source nothing is written at creation', {timeout: 120_000}, async () => {
    vi.stubEnv('MZCLUSTER_FLAGS_FILE', '')
    vi.stubEnv('MZCLUSTER_LD_SDK_KEY', '')
    expect(await configuredFlags({})).toBeNull()
    const {hook} = await clusterCreateHookFor(catalog.db, {})
    expect(hook).toBeUndefined()
    await createCluster(catalog.db, 'analytics', legacy(), {hook})
    await tick(catalog.db)
    expect(await replicaIds(catalog.db, 'analytics')).toHaveLength(1)
    expect(await view(catalog.db)).toEqual({cluster: [], replica: []})
  })

  it('a source that cannot answer: the objects are created without overrides and one warning is given', {timeout: 120_000}, async () => {
    const unavailable: CreateTimeFlags = {
      build: {sha: 'test', semver: '0.1.0'},
      source: async () => ({unavailable: 'LaunchDarkly did not answer'}),
    }
    const {clusterCreateHook} = await import('../../src/lib/flags/create-time.js')
    const warnings: string[] = []
    await createCluster(catalog.db, 'analytics', legacy(2), {
      hook: clusterCreateHook(catalog.db, unavailable),
      onWarning: (m) => warnings.push(m),
    })
    expect(warnings).toEqual([expect.stringMatching(/^no scoped flag overrides for the new objects yet \(LaunchDarkly did not answer\)/)])
    const result = await tick(catalog.db, {createTimeFlags: unavailable})
    expect(await replicaIds(catalog.db, 'analytics')).toHaveLength(2)
    expect(result.warnings).toEqual([expect.stringMatching(/^no scoped flag overrides for the new objects yet/)])
    expect(await view(catalog.db)).toEqual({cluster: [], replica: []})
  })
})
