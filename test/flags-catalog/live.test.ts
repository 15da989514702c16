// `run` with a flag source keeps scoped flags synced (product.md §11.5), on real catalogs: an edit
// of the flags file and a change LaunchDarkly streams reach the introspection views with no
// `flags sync`; only the lease holder syncs, and the syncing moves with the lease; an unreachable
// LaunchDarkly keeps the last flags (rows stay) and is picked up again when it answers. Every wait
// polls the views for the row itself under a generous ceiling; latency is measured in bench/.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Db, Queryable} from '../../src/lib/catalog/db.js'
import {selectCatalog} from '../../src/lib/catalog/location.js'
import {openCatalog} from '../../src/lib/catalog/open.js'
import {LiveFlags, type FlagsRunEvent, type LiveFlagsConfig} from '../../src/lib/flags/live.js'
import {runController, type RunEvent} from '../../src/lib/ops/run.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {startFakeLaunchDarkly, type FakeLaunchDarkly} from './fake-launchdarkly.js'
import {eventually, scopedFlagData, writeFlagFile} from './flag-data.js'
import {ENVIRONMENT_ID, insertObjects} from './objects.js'

const build = {sha: 'test-sha', semver: '0.1.0'}
const SDK_KEY = 'sdk-live-test-secret-key'
/** The controller's own ticks are irrelevant here: far apart. */
const TICK_MS = 60_000
/** A ceiling for one change to arrive (generous: two CPU-bound processes may run beside the suite). */
const CEILING_MS = 30_000

/** The replica overrides as the introspection view shows them: `id name=value`, sorted. */
async function replicaView(q: Queryable): Promise<string[]> {
  const rows = await q.query<{id: string; name: string; value: string}>(
    'SELECT replica_id AS id, name, value FROM mzcluster.mz_replica_system_parameters ORDER BY 1, 2',
  )
  return rows.map((r) => `${r.id} ${r.name}=${r.value}`)
}

const LEGACY_OFF = ['u2 enable_lgalloc=false', 'u3 enable_lgalloc=false']

/** The standard objects, with the controller switched off so its ticks leave the replicas alone. */
async function insertQuietObjects(q: Queryable): Promise<void> {
  await insertObjects(q)
  await q.query(`INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ('enable_cluster_controller', 'off', 0)`)
}

interface Running {
  readonly events: RunEvent[]
  readonly done: Promise<void>
  stop(): Promise<void>
}

function startRun(db: Db, flags: LiveFlagsConfig): Running {
  const abort = new AbortController()
  const events: RunEvent[] = []
  const done = runController(db, {intervalMs: TICK_MS, signal: abort.signal, log: (e) => events.push(e), flags})
  return {
    events,
    done,
    async stop() {
      abort.abort()
      await done
    },
  }
}

const flagSyncs = (events: readonly RunEvent[]) =>
  events.filter((e): e is Extract<FlagsRunEvent, {event: 'flags-sync'}> => e.event === 'flags-sync')

describe.each(backends())('run keeps scoped flags synced on %s', (backend) => {
  let catalog: TestCatalog
  let dir: string
  let file: string
  let ld: FakeLaunchDarkly | null = null
  const runs: Running[] = []
  beforeEach(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    await insertQuietObjects(catalog.db)
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-live-'))
    file = join(dir, 'flags.json')
  })
  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop()
    await ld?.close()
    ld = null
    await catalog.destroy()
    rmSync(dir, {recursive: true, force: true})
  })

  it('an edit of the flags file reaches the views with no flags sync, one log line per changing sync', {timeout: 120_000}, async () => {
    writeFlagFile(file, {legacyLgalloc: false})
    const run = startRun(catalog.db, {source: {flagsFile: file}, build, fullSyncIntervalMs: 3_600_000})
    runs.push(run)
    await eventually(async () => (await replicaView(catalog.db)).join() === LEGACY_OFF.join(), 'the first sync')
    expect(flagSyncs(run.events).map((e) => e.trigger)).toEqual(['start'])

    // The same version: the SDK's own auto-update would not report it; the whole file is reloaded.
    writeFlagFile(file, {legacyLgalloc: true})
    await eventually(async () => (await replicaView(catalog.db)).length === 0, 'the edit that removes the overrides', CEILING_MS)
    writeFlagFile(file, {legacyLgalloc: false})
    await eventually(async () => (await replicaView(catalog.db)).join() === LEGACY_OFF.join(), 'the edit that restores them', CEILING_MS)

    const syncs = flagSyncs(run.events)
    expect(syncs.map((e) => e.trigger)).toEqual(['start', 'change', 'change'])
    expect(syncs[1]?.summary).toEqual({environment: 0, added: 0, updated: 0, removed: 2})
    expect(syncs[2]?.changes.map((c) => `${c.op} ${c.object_id} ${c.name}`)).toEqual([
      'add u2 enable_lgalloc',
      'add u3 enable_lgalloc',
    ])
  })

  it('a change LaunchDarkly streams reaches the views (the real SDK against a loopback stream)', {timeout: 120_000}, async () => {
    ld = await startFakeLaunchDarkly(SDK_KEY, scopedFlagData({legacyLgalloc: false}))
    const run = startRun(catalog.db, {source: {sdkKey: SDK_KEY, baseUri: ld.baseUri}, build, fullSyncIntervalMs: 3_600_000})
    runs.push(run)
    await eventually(async () => (await replicaView(catalog.db)).join() === LEGACY_OFF.join(), 'the first sync')
    ld.publish(scopedFlagData({legacyLgalloc: true, version: 2}))
    await eventually(async () => (await replicaView(catalog.db)).length === 0, 'the streamed change', CEILING_MS)
    expect(flagSyncs(run.events).map((e) => e.trigger)).toEqual(['start', 'change'])
    expect(ld.requests.every((auth) => auth === SDK_KEY)).toBe(true)
  })

  it('an unreachable LaunchDarkly keeps the rows, is logged once, and is followed again when it answers', {timeout: 120_000}, async () => {
    ld = await startFakeLaunchDarkly(SDK_KEY, scopedFlagData({legacyLgalloc: false}))
    const events: FlagsRunEvent[] = []
    const live = new LiveFlags({source: {sdkKey: SDK_KEY, baseUri: ld.baseUri}, build, fullSyncIntervalMs: 3_600_000}, (e) => events.push(e))
    try {
      live.lead(() => catalog.db)
      await eventually(async () => (await replicaView(catalog.db)).join() === LEGACY_OFF.join(), 'the first sync')

      ld.setReachable(false)
      await eventually(async () => events.some((e) => e.event === 'flags-source' && !e.available), 'the outage to be noticed', CEILING_MS)
      // Full syncs during the outage evaluate the cached flags: nothing is cleared.
      for (let i = 0; i < 3; i++) {
        live.request('periodic')
        await live.idle()
      }
      expect(await replicaView(catalog.db)).toEqual(LEGACY_OFF)
      expect(events.filter((e) => e.event === 'flags-source')).toHaveLength(1)

      // Back, with a change made meanwhile: the reconnect's data is synced.
      ld.publish(scopedFlagData({legacyLgalloc: true, version: 2}))
      ld.setReachable(true)
      await eventually(async () => (await replicaView(catalog.db)).length === 0, 'the change after the outage', CEILING_MS)
      await eventually(async () => events.some((e) => e.event === 'flags-source' && e.available), 'the recovery to be logged', CEILING_MS)
      expect(events.filter((e) => e.event === 'flags-source').map((e) => (e as {available: boolean}).available)).toEqual([false, true])
    } finally {
      await live.standby()
    }
  })
})

describe.skipIf(!backends().includes('server'))('run: only the lease holder syncs flags', () => {
  let catalog: TestCatalog
  let dir: string
  const extra: Db[] = []
  const runs: Running[] = []
  beforeEach(async () => {
    catalog = await freshCatalog('server', {environmentId: ENVIRONMENT_ID})
    await insertQuietObjects(catalog.db)
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-live-'))
  })
  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop()
    for (const db of extra.splice(0)) await db.close()
    await catalog.destroy()
    rmSync(dir, {recursive: true, force: true})
  })

  it('a standby does not sync; when the leader stops, the new leader syncs the next edit', {timeout: 120_000}, async () => {
    const file = join(dir, 'flags.json')
    writeFlagFile(file, {legacyLgalloc: false})
    const flags: LiveFlagsConfig = {source: {flagsFile: file}, build, fullSyncIntervalMs: 3_600_000}
    const second = await openCatalog(selectCatalog(catalog.location))
    extra.push(second)
    const a = startRun(catalog.db, flags)
    runs.push(a)
    await eventually(async () => a.events.some((e) => e.event === 'leader'), 'the first run to lead')
    // A short tick interval for the standby, so it polls the lease often.
    const abortB = new AbortController()
    const bEvents: RunEvent[] = []
    const bDone = runController(second, {intervalMs: 500, signal: abortB.signal, log: (e) => bEvents.push(e), flags})
    runs.push({events: bEvents, done: bDone, stop: async () => (abortB.abort(), await bDone)})
    await eventually(async () => bEvents.some((e) => e.event === 'standby'), 'the second run to stand by')
    await eventually(async () => (await replicaView(catalog.db)).join() === LEGACY_OFF.join(), 'the leader’s first sync')

    writeFlagFile(file, {legacyLgalloc: true})
    await eventually(async () => (await replicaView(catalog.db)).length === 0, 'the leader to sync the edit', CEILING_MS)
    expect(flagSyncs(a.events).length).toBe(2)
    expect(flagSyncs(bEvents)).toEqual([])

    await runs[0]!.stop() // releases the lease
    await eventually(async () => bEvents.some((e) => e.event === 'leader'), 'the standby to take over', CEILING_MS)
    const syncsOfA = flagSyncs(a.events).length
    writeFlagFile(file, {legacyLgalloc: false})
    await eventually(async () => (await replicaView(catalog.db)).join() === LEGACY_OFF.join(), 'the new leader to sync the edit', CEILING_MS)
    expect(flagSyncs(bEvents).length).toBeGreaterThan(0)
    expect(flagSyncs(a.events).length).toBe(syncsOfA)
  })
})
