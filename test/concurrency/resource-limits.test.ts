// Environment-wide resource limits under concurrency, on one PostgreSQL catalog. Checking a limit
// reads a sum and then writes; two processes that both read before either commits each see room
// for one more replica. Every limit check is serialized with the write it guards by the
// resource-limit lock (src/lib/catalog/resource-limits.ts), and the invariant checker replays the
// audit log to prove that no history ever took the environment above max_credit_consumption_rate
// or a cluster above max_replicas_per_cluster.
//
//   * The race as a user meets it: `max_credit_consumption_rate` 1.5, two 100cc clusters (1
//     credit/h each) without replicas, `tick --cluster a` and `tick --cluster b` released at the
//     same instant. With the lock exactly one replica is created, every round. With the lock
//     skipped (MZCLUSTER_FAULT_SKIP_LIMIT_LOCK=1, fault injection) both are, and the invariant
//     checker reports it — the check is not one that cannot fail.
//   * Seeded chaos under binding limits: racing ticks, graceful size alters (whose transient-peak
//     check takes the same lock) and replication-factor alters, each on its own connection pool
//     (library calls in this process, so a step costs no process start-up); the invariants hold
//     after every step.

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {alterCluster} from '../../src/lib/alter/alter.js'
import type {AlterRequest} from '../../src/lib/alter/route.js'
import type {Db} from '../../src/lib/catalog/db.js'
import {openServer} from '../../src/lib/catalog/postgres.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {InvariantChecker} from './invariants.js'
import {createManagedCluster} from './scenario.js'
import type {ProcessResult} from './support.js'
import {describeResult, killChildren, Rng, runProcess, serverUrl, setParameter, sql, startingGate} from './support.js'

const SKIP_LOCK = {MZCLUSTER_FAULT_SKIP_LIMIT_LOCK: '1'}
/** How long the starting gate waits for the processes to block on it (they start slowly under load). */
const GATE_MS = 30_000
const PROCESS_MS = 120_000

/** User replicas of the named clusters, by cluster name. */
async function replicaCounts(url: string, names: readonly string[]): Promise<Record<string, number>> {
  const rows = await sql<{name: string; n: number}>(
    url,
    `SELECT c.name, count(r.id)::int AS n FROM mzcluster.clusters c LEFT JOIN mzcluster.replicas r ON r.cluster_id = c.id
     WHERE c.name = ANY($1) GROUP BY c.name`,
    [names],
  )
  return Object.fromEntries(rows.map((row) => [row.name, row.n]))
}

describe.skipIf(!serverUrl())('resource limits under concurrency on one PostgreSQL catalog', () => {
  let catalog: TestCatalog
  afterEach(() => killChildren())
  beforeAll(async () => {
    catalog = await freshCatalog('server')
  })
  afterAll(async () => {
    killChildren()
    await catalog?.destroy()
  })

  /** Turn every user cluster off (rf 0, replicas dropped by a tick), so earlier tests use no credits. */
  async function turnOffAll(): Promise<void> {
    const names = await sql<{name: string}>(catalog.location, 'SELECT name FROM mzcluster.clusters WHERE managed AND NOT builtin')
    for (const {name} of names) await alterCluster(catalog.db, name, {replicationFactor: 0, timing: {kind: 'default'}})
    await tick(catalog.db)
  }

  /**
   * Rounds of the two-tick race on clusters `${prefix}a` and `${prefix}b`; each round starts with
   * both clusters at rf 1 and no replicas (dropped through the product's own alter and tick, so the
   * audit log stays complete). Returns per round how many replicas the two ticks created and the
   * checker's violations.
   */
  async function raceRounds(prefix: string, rounds: number, env: Record<string, string>, stopAtViolation: boolean) {
    const url = catalog.location
    const db = catalog.db
    const names = [`${prefix}a`, `${prefix}b`]
    for (const name of names) await createManagedCluster(db, name, '100cc', 0)
    const checker = new InvariantChecker(url)
    expect((await checker.check()).violations).toEqual([])
    const results: {created: number; violations: string[]; gated: number}[] = []
    for (let round = 1; round <= rounds; round++) {
      for (const name of names) await alterCluster(db, name, {replicationFactor: 0, timing: {kind: 'default'}})
      await tick(db, {clusterNames: names})
      expect(await replicaCounts(url, names)).toEqual({[names[0] as string]: 0, [names[1] as string]: 0})
      for (const name of names) await alterCluster(db, name, {replicationFactor: 1, timing: {kind: 'default'}})
      const {value, waiting} = await startingGate(url, 2, () =>
        Promise.all(names.map((name) => runProcess(url, ['tick', '--cluster', name, '--json'], {env, timeoutMs: PROCESS_MS}))),
        GATE_MS,
      )
      const ticks: ProcessResult[] = await value
      for (const result of ticks) expect(result.code, describeResult(result)).toBe(0)
      const counts = await replicaCounts(url, names)
      const created = Object.values(counts).reduce((sum, n) => sum + n, 0)
      const {violations} = await checker.check()
      results.push({created, violations, gated: waiting})
      if (stopAtViolation && violations.length > 0) break
    }
    process.stderr.write(
      `[resource-limits] ${prefix}: ${results.length} rounds of two racing ticks${env.MZCLUSTER_FAULT_SKIP_LIMIT_LOCK ? ' WITHOUT the lock' : ''}: ` +
        `replicas created per round ${results.map((r) => r.created).join(',')}; processes released together ${results.map((r) => r.gated).join(',')}; ` +
        `${checker.runs} invariant runs, ${checker.checks} checks, ${results.reduce((n, r) => n + r.violations.length, 0)} violations\n`,
    )
    return results
  }

  it('two ticks racing for the last credit never both create: exactly one replica per round', {timeout: 300_000}, async () => {
    await setParameter(catalog.location, 'max_credit_consumption_rate', '1.5')
    const results = await raceRounds('lock_', 8, {}, false)
    for (const [i, result] of results.entries()) {
      expect(result.violations, `round ${i + 1}`).toEqual([])
      expect(result.created, `round ${i + 1}: replicas created by the two ticks`).toBe(1)
    }
  })

  it('without the lock the same race exceeds the limit, and the invariant checker catches it', {timeout: 300_000}, async () => {
    await setParameter(catalog.location, 'max_credit_consumption_rate', '1.5')
    await turnOffAll()
    const results = await raceRounds('nolock_', 20, SKIP_LOCK, true)
    const caught = results.find((result) => result.violations.length > 0)
    expect(caught, 'twenty rounds without the lock and no round exceeded the limit').toBeDefined()
    expect(caught?.created).toBe(2)
    expect(caught?.violations.join('\n')).toMatch(/above max_credit_consumption_rate 1\.5/)
  })

  it('seeded chaos of ticks and alters under binding limits keeps every invariant', {timeout: 300_000}, async () => {
    const url = catalog.location
    const db = catalog.db
    await turnOffAll()
    const clusters = ['lim_a', 'lim_b', 'lim_c', 'lim_d']
    for (const name of clusters) await createManagedCluster(db, name, '100cc', 1)
    // Room for 5 credits/h (5 replicas of 100cc, or 2 of 200cc and 1 of 100cc) and 3 replicas per cluster.
    await setParameter(url, 'max_credit_consumption_rate', '5')
    await setParameter(url, 'max_replicas_per_cluster', '3')
    // Five writers on their own connection pools: their transactions interleave on the server.
    const handles: Db[] = []
    for (let i = 0; i < 5; i++) handles.push(await openServer(url))
    try {
      const checker = new InvariantChecker(url)
      expect((await checker.check()).violations).toEqual([])
      const rng = new Rng(Number(process.env.MZCLUSTER_CHAOS_SEED ?? 20261130))
      const steps = Number(process.env.MZCLUSTER_LIMIT_STEPS ?? 40)
      const outcomes: Record<string, number> = {}
      let refused = 0
      for (let step = 1; step <= steps; step++) {
        const described: string[] = []
        const ops: Promise<void>[] = []
        const ticks = rng.int(2, 3)
        for (let i = 0; i < ticks; i++) {
          // Ticks of different clusters lock different rows: only the limit lock orders their checks.
          const only = rng.float() < 0.8 ? [rng.pick(clusters)] : []
          described.push(`tick ${only.join(',') || 'all'}`)
          ops.push(
            tick(handles[i] as Db, {clusterNames: only}).then(({report, warnings}) => {
              expect(warnings).toEqual([])
              for (const batch of report.clusters.flatMap((c) => c.batches)) outcomes[batch.outcome] = (outcomes[batch.outcome] ?? 0) + 1
            }),
          )
        }
        for (let i = ticks; i < 5; i++) {
          const cluster = rng.pick(clusters)
          const request: AlterRequest =
            rng.float() < 0.6
              ? {size: rng.pick(['100cc', '200cc']), timing: {kind: 'default'}}
              : {replicationFactor: rng.int(0, 3), timing: {kind: 'default'}}
          described.push(`alter ${cluster} ${JSON.stringify(request)}`)
          ops.push(
            alterCluster(handles[i] as Db, cluster, request).then(
              () => undefined,
              (error: Error) => {
                // Refused by a limit or by a reconfiguration in flight; never anything else.
                expect(error.message).toMatch(/max_replicas_per_cluster|max_credit_consumption_rate|in progress/)
                refused++
              },
            ),
          )
        }
        await Promise.all(ops)
        const {violations} = await checker.check()
        expect(violations, `step ${step}: ${described.join('; ')}`).toEqual([])
      }
      process.stderr.write(
        `[resource-limits] chaos: ${steps} steps under max 5 credits/h and 3 replicas per cluster; batch outcomes ${JSON.stringify(outcomes)}, ` +
          `${refused} alters refused; ${checker.runs} invariant runs, ${checker.checks} checks passed\n`,
      )
      expect(outcomes['resource-exhausted'] ?? 0, 'the limits never bound: the chaos tested nothing').toBeGreaterThan(0)
    } finally {
      for (const handle of handles) await handle.close()
    }
  })
})
