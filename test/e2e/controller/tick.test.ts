// `plan` and `tick` through the built binary, the way an operator or a script runs them, on the
// demo environment (simulated signals) of each backend. Every invocation pins `--now`, so what the
// simulation does is deterministic: at `now` the demo's `search` cluster cuts over and the others
// get their first replicas; 5 s later nothing is due; 31 s later the new replicas have hydrated.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import type {CliResult} from '../../support/cli.js'
import {json, runCli} from '../../support/cli.js'
import {dumpCatalog} from '../../integration/fixtures.js'

useWarmCatalogs()

interface PlanJson {
  mode: string
  now: number
  clusters: {
    cluster_id: string
    cluster_name: string
    state_write: Record<string, unknown> | null
    creates: {name: string; size: string; availability_zones: string[]; reason: string}[]
    drops: {replica_id: string; name: string; size: string | null}[]
    outcome: string
    batches: {phase: string}[]
  }[]
  summary: Record<string, number>
}

const byName = (plan: PlanJson, name: string) => {
  const cluster = plan.clusters.find((entry) => entry.cluster_name === name)
  if (!cluster) throw new Error(`no cluster ${name} in ${JSON.stringify(plan.clusters.map((c) => c.cluster_name))}`)
  return cluster
}

describe.each(backends())('plan and tick through the CLI (%s)', (backend: Backend) => {
  let catalog: TestCatalog
  let nowMs = 0
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, {catalog: catalog.location})
  const at = (offsetMs: number) => String(nowMs + offsetMs)
  /** What a writing tick with --now says on stderr before it applies. */
  const asOfNote = (offsetMs: number) =>
    `Note: applying as of ${new Date(nowMs + offsetMs).toISOString()} (--now): changes are written as if at that time, and their audit events carry that time, out of order with the rest of the audit log.\n`

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('catalog init --demo seeds the sample environment', async () => {
    const result = await cli('catalog', 'init', '--demo')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('Seeded a demo environment with 5 clusters.')
    nowMs = Date.now()
  })

  it('plan previews the cut-over and the replicas it implies, like the product example', async () => {
    const result = await cli('plan', '--now', at(0))
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    const search = lines.indexOf('cluster search (u2)')
    expect(search).toBeGreaterThanOrEqual(0)
    expect(lines[search + 1]).toMatch(/^ {2}~ reconfiguration in-progress → finalized +graceful-reconfiguration$/)
    expect(lines[search + 2]).toBe('  ~ size 100cc → 200cc')
    expect(lines[search + 3]).toMatch(/^ {2}- replica r1 100cc +retired$/)
    expect(result.stdout).toMatch(/^cluster analytics \(u3\)\n {2}\+ burst 800cc +hydration-burst\n {2}\+ replica r1 100cc +manual\n {2}\+ replica r2 800cc +hydration-burst$/m)
    expect(result.stdout).toMatch(/^cluster reports \(u4\)\n {2}\+ replica r1 100cc +schedule$/m)
    expect(result.stdout).toMatch(/^cluster ingest \(u5\)\n {2}\+ replica r1 50cc +manual$/m)
    // The steady cluster is not mentioned.
    expect(result.stdout).not.toContain('prod')
    expect(lines.at(-1)).toBe('Plan: 4 to create, 1 to drop, 2 state writes, 0 clusters skipped.')
  })

  it('plan --json has the documented shape, and --detailed-exitcode exits 4 with changes', async () => {
    const result = await cli('plan', '--json', '--detailed-exitcode', '--now', at(0))
    expect(result.stderr).toBe('')
    expect(result.code).toBe(4)
    const plan = json<PlanJson>(result)
    expect(plan.mode).toBe('plan')
    expect(plan.now).toBe(nowMs)
    expect(plan.clusters.map((cluster) => [cluster.cluster_id, cluster.cluster_name, cluster.outcome])).toEqual([
      ['u2', 'search', 'planned'],
      ['u3', 'analytics', 'planned'],
      ['u4', 'reports', 'planned'],
      ['u5', 'ingest', 'planned'],
    ])
    const search = byName(plan, 'search')
    expect(search.state_write).toMatchObject({
      new_size: '200cc',
      new_replication_factor: 1,
      reconfiguration: {record: {status: 'finalized'}, audit: {transition: 'finalized', forced: false}},
    })
    expect(search.creates).toEqual([])
    expect(search.drops).toEqual([{replica_id: expect.stringMatching(/^u\d+$/), name: 'r1', size: '100cc'}])
    const analytics = byName(plan, 'analytics')
    expect(analytics.state_write).toMatchObject({burst: {record: {burst_size: '800cc'}, audit: {transition: 'started'}}})
    expect(analytics.creates).toEqual([
      expect.objectContaining({name: 'r1', size: '100cc', availability_zones: [], reason: 'manual'}),
      expect.objectContaining({name: 'r2', size: '800cc', availability_zones: [], reason: 'hydration-burst'}),
    ])
    expect(byName(plan, 'reports').creates).toEqual([expect.objectContaining({name: 'r1', size: '100cc', reason: 'schedule'})])
    expect(byName(plan, 'reports').state_write).toBeNull()
    expect(byName(plan, 'ingest').creates).toEqual([expect.objectContaining({name: 'r1', size: '50cc', reason: 'manual'})])
    expect(plan.summary).toEqual({creates: 4, drops: 1, state_writes: 2, clusters_skipped: 0, rejected: 0, resource_exhausted: 0})
  })

  it('tick --phase state writes only the state (the plan above wrote nothing)', async () => {
    const result = await cli('tick', '--phase', 'state', '--json', '--now', at(0))
    expect(result.stderr).toBe(asOfNote(0))
    expect(result.code).toBe(0)
    const applied = json<PlanJson>(result)
    expect(applied.mode).toBe('applied')
    expect(applied.clusters.map((cluster) => [cluster.cluster_name, cluster.outcome])).toEqual([
      ['search', 'applied'],
      ['analytics', 'applied'],
    ])
    expect(applied.clusters.flatMap((cluster) => cluster.batches.map((batch) => batch.phase))).toEqual(['state', 'state'])
    expect(applied.summary).toMatchObject({creates: 0, drops: 0, state_writes: 2})
  })

  it('tick applies the replica changes that the state writes imply', async () => {
    const result = await cli('tick', '--now', at(0))
    expect(result.stderr).toBe(asOfNote(0))
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^cluster search \(u2\)\n {2}- replica r1 100cc +retired$/m)
    expect(result.stdout).not.toContain('reconfiguration in-progress')
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Applied: 4 created, 1 dropped, 0 state writes, 0 clusters skipped.')
  })

  it('tick --detailed-exitcode exits 0 when nothing is due and 4 once the simulation moves', async () => {
    const quiet = await cli('tick', '--detailed-exitcode', '--now', at(5_000))
    expect(quiet.code).toBe(0)
    expect(quiet.stdout).toBe('No changes. Every managed cluster matches what its strategies desire.\n')

    // 31 s after creation the new replicas are hydrated: the analytics burst gets its stamp.
    const moved = await cli('tick', '--detailed-exitcode', '--json', '--now', at(31_000))
    expect(moved.code).toBe(4)
    const analytics = byName(json<PlanJson>(moved), 'analytics')
    expect(analytics.state_write).toEqual({
      burst: {record: {burst_size: '800cc', linger_duration_ms: 600_000, steady_hydrated_at: nowMs + 31_000}, audit: null},
    })
    expect(analytics.creates).toEqual([])
    expect(analytics.drops).toEqual([])

    const db = await catalog.reopen()
    try {
      const clusters = await db.query<{name: string; size: string; status: string | null; burst: unknown}>(
        `SELECT name, size, reconfiguration->>'status' AS status, burst FROM mzcluster.clusters WHERE NOT builtin ORDER BY ord`,
      )
      expect(clusters.find((row) => row.name === 'search')).toMatchObject({size: '200cc', status: 'finalized'})
      expect(clusters.find((row) => row.name === 'analytics')?.burst).toEqual({
        burst_size: '800cc',
        linger_duration_ms: 600_000,
        steady_hydrated_at: nowMs + 31_000,
      })
      const replicas = await db.query<{cluster: string; name: string; size: string}>(
        `SELECT c.name AS cluster, r.name, r.size FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id
         WHERE c.name IN ('search', 'analytics', 'ingest') ORDER BY c.ord, r.ord`,
      )
      expect(replicas.map((row) => `${row.cluster}.${row.name} ${row.size}`)).toEqual([
        'search.r2 200cc',
        'analytics.r1 100cc',
        'analytics.r2 800cc',
        'ingest.r1 50cc',
      ])
      const transitions = await db.query<{transition: string; forced: boolean | null}>(
        `SELECT details->>'transition' AS transition, (details->>'forced')::boolean AS forced FROM mzcluster.audit_events
         WHERE details->>'cluster_name' = 'search' AND event_type = 'alter' ORDER BY id`,
      )
      expect(transitions).toEqual([
        {transition: 'started', forced: null},
        {transition: 'finalized', forced: false},
      ])
    } finally {
      await catalog.close()
    }
  })

  it('a writing tick with --now says first, on stderr, that it applies as of that time with audit times out of order; looking does not', async () => {
    const later = Date.now() + 2 * 3_600_000
    const applied = await cli('tick', '--now', String(later))
    expect(applied.code, applied.stderr).toBe(0)
    const [first] = applied.stderr.split('\n')
    expect(first).toBe(
      `Note: applying as of ${new Date(later).toISOString()} (--now): changes are written as if at that time, and their audit events carry that time, out of order with the rest of the audit log.`,
    )
    expect(applied.stdout).not.toContain('Note:')
    for (const args of [['tick', '--dry-run', '--now', '+2h'], ['plan', '--now', '+2h']]) {
      const looked = await cli(...args)
      expect({args, code: looked.code, stderr: looked.stderr}).toEqual({args, code: 0, stderr: ''})
    }
    const help = await cli('tick', '--help')
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--now without --dry-run applies as of that time: .* audit times will be out of order/)
   }, 300_000)

  it('refuses an unknown cluster and an unreadable time with exit 2, writing nothing', async () => {
    const before = await dumpCatalog(await catalog.reopen())
    await catalog.close()

    const unknown = await cli('tick', '--cluster', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toContain('unknown cluster "nope"')

    const badTime = await cli('tick', '--now', 'next tuesday')
    expect(badTime.code).toBe(2)
    expect(badTime.stdout).toBe('')
    expect(badTime.stderr).toContain('invalid time "next tuesday"')

    try {
      expect(await dumpCatalog(await catalog.reopen())).toBe(before)
    } finally {
      await catalog.close()
    }
  })
})
