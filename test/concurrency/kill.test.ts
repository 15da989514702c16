// SIGKILL at every statement boundary of a `tick` and of a `cluster alter`. The catalog's fault
// injection (MZCLUSTER_FAULT_KILL_AT=N) makes the process kill itself, with no clean-up at all,
// just before it sends its N-th statement — inside or outside a transaction. For every N from 1 up
// to the first N at which the command runs to completion (that is how the statements are counted),
// the scenario is rebuilt from scratch in the same database, the command is run with the kill point,
// and then:
//   - it must have died by SIGKILL;
//   - the invariant checker must find the catalog consistent (rows and audit events agree, records
//     replay, nothing half-written);
//   - what committed must be a whole-transaction prefix of the uninterrupted run: the audit events
//     written are exactly the first k events of the uninterrupted run, where k ends a batch (a tick)
//     or is all-or-nothing (an alter) — and the rows agree with them (invariant replay);
//   - ticking again (the library's tick at the same `now`) converges, to exactly the final state of
//     an uninterrupted run — replica names and sizes, records, and the audit log, event by event.

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {alterCluster} from '../../src/lib/alter/alter.js'
import type {Db} from '../../src/lib/catalog/db.js'
import {hasChanges} from '../../src/lib/output/plan.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {checkSnapshot, fixpointViolations, readSnapshot} from './invariants.js'
import type {NormalizedState} from './scenario.js'
import {createManagedCluster, normalizedState, resetCatalog} from './scenario.js'
import type {ProcessResult} from './support.js'
import {describeResult, killChildren, reportReadySql, runProcess, serverUrl, sql, withClient} from './support.js'

/** A fixed, round time the tick scenario counts from (every write of it uses explicit times). */
const T0 = 1_900_000_000_000
const KILL_TICK_AT = T0 + 60_000
/** Far more statements than either command sends: the probe must end long before. */
const MAX_KILL_POINTS = 200

interface KillStats {
  points: number
  committedPrefixes: Map<number, number>
  checks: number
}

async function maxAuditId(url: string): Promise<number> {
  const [row] = await sql<{id: number | null}>(url, 'SELECT max(id)::int AS id FROM mzcluster.audit_events')
  return row?.id ?? 0
}

async function tickToFixpoint(db: Db, nowMs?: number): Promise<number> {
  for (let ticks = 1; ticks <= 6; ticks++) {
    const {report, warnings} = await tick(db, {nowMs})
    expect(warnings).toEqual([])
    if (!hasChanges(report)) return ticks
  }
  throw new Error('no fixpoint within 6 ticks')
}

/**
 * Two clusters whose next tick (at KILL_TICK_AT) does every kind of write, in three transactions:
 *   k_cut   100cc × 2 → 200cc × 2 in flight, target r3 r4 hydrated: phase 1 cut-over (finalized,
 *           size and rf written), phase 2 drops r1 r2;
 *   k_grow  100cc, rf raised 1 → 3: phase 2 creates r2 r3.
 */
async function buildTickScenario(db: Db, url: string): Promise<void> {
  await resetCatalog(url)
  await createManagedCluster(db, 'k_cut', '100cc', 2, T0)
  await createManagedCluster(db, 'k_grow', '100cc', 1, T0)
  await tickToFixpoint(db, T0)
  await alterCluster(db, 'k_cut', {size: '200cc', timing: {kind: 'default'}}, T0 + 1000)
  await tickToFixpoint(db, T0 + 2000)
  await alterCluster(db, 'k_grow', {replicationFactor: 3, timing: {kind: 'default'}}, T0 + 3000)
  const ready = await sql<{id: string}>(
    url,
    `SELECT r.id FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE c.name = 'k_cut' ORDER BY r.ord`,
  )
  await withClient(url, async (client) => {
    for (const {id} of ready) await reportReadySql(client, id, T0 + 4000)
  })
}

/** One cluster, 100cc × 2, steady: the alter to 200cc writes a record (the reshape path). */
async function buildAlterScenario(db: Db, url: string, t0: number): Promise<void> {
  await resetCatalog(url)
  await createManagedCluster(db, 'k_alter', '100cc', 2, t0)
  await tickToFixpoint(db, t0)
}

/** Audit events written after `mark`, normalised (no ids). */
const tail = (state: NormalizedState, count: number) => state.audit.slice(state.audit.length - count)

describe.skipIf(!serverUrl())('SIGKILL at every statement of a tick and of an alter', () => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog('server')
  })
  afterEach(() => killChildren())
  afterAll(async () => {
    killChildren()
    await catalog?.destroy()
  })

  it('a tick killed at any statement leaves whole transactions only, and the next tick converges to the uninterrupted result', {timeout: 600_000}, async () => {
    const url = catalog.location
    const db = catalog.db
    const args = ['tick', '--json', '--now', String(KILL_TICK_AT)]

    // The uninterrupted run: its statements (library count), its batches, its audit events and final state.
    await buildTickScenario(db, url)
    const mark = await maxAuditId(url)
    const before = await normalizedState(url)
    const clean = await runProcess(url, args)
    expect(clean.code, describeResult(clean)).toBe(0)
    const report = JSON.parse(clean.stdout) as {clusters: {batches: {phase: string; creates: unknown[]; drops: unknown[]; state_write: unknown}[]}[]}
    // Batches in the order the kernel applies them: every phase-1 write, then every phase-2 batch.
    const batches = ['state', 'replicas'].flatMap((phase) => report.clusters.flatMap((cluster) => cluster.batches.filter((batch) => batch.phase === phase)))
    expect(batches.map((batch) => batch.phase)).toEqual(['state', 'replicas', 'replicas'])
    const boundaries = [0]
    for (const batch of batches) boundaries.push((boundaries.at(-1) as number) + batch.creates.length + batch.drops.length + (batch.state_write ? 1 : 0))
    // Each phase applies its batches in one bulk transaction: these are the only commit points.
    const phaseEnds = [0]
    for (const phase of ['state', 'replicas']) {
      const events = batches.filter((batch) => batch.phase === phase).reduce((sum, batch) => sum + batch.creates.length + batch.drops.length + (batch.state_write ? 1 : 0), 0)
      phaseEnds.push((phaseEnds.at(-1) as number) + events)
    }
    const afterTick = await normalizedState(url)
    const tickEvents = tail(afterTick, afterTick.audit.length - before.audit.length)
    expect(tickEvents.length).toBe(boundaries.at(-1))
    expect(await maxAuditId(url)).toBe(mark + tickEvents.length)
    await tickToFixpoint(db, KILL_TICK_AT)
    const expectedFinal = await normalizedState(url)

    // The same tick through the library counts the statements of the tick itself.
    await buildTickScenario(db, url)
    const counted = db.statementCount
    await tick(db, {nowMs: KILL_TICK_AT})
    const tickStatements = db.statementCount - counted

    const stats: KillStats = {points: 0, committedPrefixes: new Map(), checks: 0}
    let completedAt = 0
    for (let n = 1; n <= MAX_KILL_POINTS; n++) {
      await buildTickScenario(db, url)
      const result: ProcessResult = await runProcess(url, args, {env: {MZCLUSTER_FAULT_KILL_AT: String(n)}})
      if (result.code === 0) {
        completedAt = n
        break
      }
      stats.points++
      expect(result.signal, `kill point ${n}: ${describeResult(result)}`).toBe('SIGKILL')

      const snapshot = await readSnapshot(url)
      const consistency = checkSnapshot(snapshot)
      stats.checks += consistency.checks
      expect(consistency.violations, `kill point ${n}: catalog inconsistent after SIGKILL`).toEqual([])
      const afterKill = await normalizedState(url)
      const written = afterKill.audit.length - before.audit.length
      expect(phaseEnds, `kill point ${n}: ${written} audit events written, not a whole number of phases`).toContain(written)
      expect(tail(afterKill, written), `kill point ${n}: the committed events are not the uninterrupted run's first ${written}`).toEqual(tickEvents.slice(0, written))
      stats.committedPrefixes.set(written, (stats.committedPrefixes.get(written) ?? 0) + 1)

      await tickToFixpoint(db, KILL_TICK_AT)
      const converged = await readSnapshot(url)
      expect(checkSnapshot(converged).violations, `kill point ${n}: inconsistent after converging`).toEqual([])
      expect(fixpointViolations(converged).violations, `kill point ${n}: not at the desired replica sets`).toEqual([])
      expect(await normalizedState(url), `kill point ${n}: converged to a different state than an uninterrupted run`).toEqual(expectedFinal)
    }
    expect(completedAt, 'the probe never reached a run that completes').toBeGreaterThan(0)
    // Every statement of the tick itself (plus opening the catalog) was a kill point.
    expect(stats.points).toBeGreaterThanOrEqual(tickStatements)
    // Kills landed before and between the phase transactions: every prefix but the whole was seen
    // (the last COMMIT is the tick's last statement, so only the completed run commits everything).
    expect([...stats.committedPrefixes.keys()].sort((a, b) => a - b)).toEqual(phaseEnds.slice(0, -1))
    process.stderr.write(
      `[kill] tick: ${stats.points} kill points (tick statements ${tickStatements}), committed prefixes ${JSON.stringify(Object.fromEntries(stats.committedPrefixes))} ` +
        `over phase boundaries ${JSON.stringify(phaseEnds)}; ${stats.checks} invariant checks passed\n`,
    )
  })

  it('an alter killed at any statement writes its record and events together or not at all, and the next tick converges', {timeout: 600_000}, async () => {
    const url = catalog.location
    const db = catalog.db
    const args = ['cluster', 'alter', 'k_alter', '--size', '200cc', '--background']
    // `cluster alter` writes with the wall clock: build the scenario at a fixed time just before it.
    const t0 = Date.now() - 60_000

    await buildAlterScenario(db, url, t0)
    const before = await normalizedState(url)
    const clean = await runProcess(url, args)
    expect(clean.code, describeResult(clean)).toBe(0)
    const afterAlter = await normalizedState(url, {ignoreTimes: true})
    expect(afterAlter.audit.length - before.audit.length).toBe(1)
    expect(afterAlter.clusters.find((c) => c.name === 'k_alter')?.record).toMatchObject({status: 'in-progress'})
    await tickToFixpoint(db)
    const expectedFinal = await normalizedState(url, {ignoreTimes: true})
    expect(expectedFinal.replicas.filter((r) => r.size === '200cc')).toHaveLength(2)

    let points = 0
    let committed = 0
    let checks = 0
    for (let n = 1; n <= MAX_KILL_POINTS; n++) {
      await buildAlterScenario(db, url, t0)
      const result = await runProcess(url, args, {env: {MZCLUSTER_FAULT_KILL_AT: String(n)}})
      if (result.code === 0) break
      points++
      expect(result.signal, `kill point ${n}: ${describeResult(result)}`).toBe('SIGKILL')
      const consistency = checkSnapshot(await readSnapshot(url))
      checks += consistency.checks
      expect(consistency.violations, `kill point ${n}: catalog inconsistent after SIGKILL`).toEqual([])
      const exact = await normalizedState(url)
      if (exact.audit.length === before.audit.length) {
        // Not committed: nothing at all changed.
        expect(exact, `kill point ${n}: a rolled-back alter left something behind`).toEqual(before)
      } else {
        committed++
        expect(await normalizedState(url, {ignoreTimes: true}), `kill point ${n}: a committed alter differs from an uninterrupted one`).toEqual(afterAlter)
      }
      await tickToFixpoint(db)
      expect(checkSnapshot(await readSnapshot(url)).violations).toEqual([])
      const converged = await normalizedState(url, {ignoreTimes: true})
      // An alter that never committed leaves the cluster as it was; one that did converges like the uninterrupted run.
      if (exact.audit.length === before.audit.length) expect(converged).toEqual(await normalizeIgnoringTimes(before))
      else expect(converged).toEqual(expectedFinal)
    }
    expect(points).toBeGreaterThan(5)
    // The alter's COMMIT is its last statement: every kill point lands before it and rolls the whole
    // alter back; the run that completes is the committed case checked above.
    expect(committed).toBe(0)
    process.stderr.write(`[kill] alter: ${points} kill points, ${committed} after the commit; ${checks} invariant checks passed\n`)
  })
})

/** The same normalisation as `normalizedState(…, {ignoreTimes: true})`, applied to an exact state. */
function normalizeIgnoringTimes(state: NormalizedState): NormalizedState {
  return {
    clusters: state.clusters.map((cluster) => ({
      ...cluster,
      record: cluster.record && typeof cluster.record === 'object' ? {...(cluster.record as Record<string, unknown>), deadline: undefined} : cluster.record,
    })),
    replicas: state.replicas,
    audit: state.audit.map((event) => {
      const details = {...event.details}
      delete details.occurred_at
      delete details.deadline
      return {...event, details}
    }),
  }
}
