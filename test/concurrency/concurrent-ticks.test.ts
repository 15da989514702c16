// Many concurrent `tick` processes racing random `cluster alter` (size changes with the default,
// zero-rollback and zero-commit deadlines, alter-backs, replication-factor changes) and random
// orchestrator reports (`signal online` + `signal hydration` through the CLI, or the same rows
// written with SQL and pg_notify) on one PostgreSQL catalog, for a bounded number of steps from a
// fixed seed. Each step's ticks and alters wait at a starting gate (a table lock every one of them
// needs first) and are released together, so they really race; some of them SIGKILL themselves at
// a random statement. After every step the invariant checker (invariants.ts) reads the catalog
// consistently and must find nothing. At the end the chaos stops, `tick` runs to a fixpoint (`plan
// --detailed-exitcode` exits 0), and the result is compared with a SEQUENTIAL run: a fresh catalog
// with the same final cluster configs, ticked one tick at a time by the library, must reach the
// same replica shapes. Every `tick --json` report is kept, and every batch it says it applied must
// be in the audit log exactly as reported (its creates with the reported sizes, its drops, its
// record transition with the reported target) — together with the replay checks of the invariant
// checker this is "no stale decision was ever applied".
//
// Signals only ever report replicas hydrated, oldest first (an orchestrator brings replicas up
// roughly in creation order), so the only way serving capacity can fall is a controller drop — which
// the graceful floor check watches.

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {hasChanges} from '../../src/lib/output/plan.js'
import {alterCluster} from '../../src/lib/alter/alter.js'
import {tick} from '../../src/lib/ops/tick.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import type {Snapshot} from './invariants.js'
import {actualShapes, fixpointViolations, InvariantChecker, readSnapshot} from './invariants.js'
import {createManagedCluster} from './scenario.js'
import type {ProcessResult} from './support.js'
import {describeResult, killChildren, processesSpawned, reportReadySql, Rng, runProcess, serverUrl, startingGate, withClient} from './support.js'

const SEED = Number(process.env.MZCLUSTER_CHAOS_SEED ?? 20260611)
// 20 steps of the default seed start 77 processes and include every kind of operation (asserted
// below); MZCLUSTER_CHAOS_STEPS runs longer chaos.
const STEPS = Number(process.env.MZCLUSTER_CHAOS_STEPS ?? 20)
const SIZES = ['100cc', '200cc', '400cc'] as const
const CLUSTERS = [
  {name: 'chaos_a', size: '100cc', rf: 2},
  {name: 'chaos_b', size: '200cc', rf: 1},
  {name: 'chaos_c', size: '100cc', rf: 1},
  {name: 'chaos_d', size: '400cc', rf: 2},
] as const

type Op =
  | {kind: 'tick'; killAt: number | null}
  | {kind: 'alter-size'; cluster: string; size: string; timing: 'default' | 'rollback-now' | 'commit-now'; killAt: number | null}
  | {kind: 'alter-back'; cluster: string}
  | {kind: 'alter-rf'; cluster: string; rf: number}
  | {kind: 'signal-cli'; cluster: string}
  | {kind: 'signal-sql'; cluster: string}

/** A step: 2–4 ticks and 1–2 other operations, all started at once (3–6 processes). */
function planStep(rng: Rng): Op[] {
  const ops: Op[] = []
  const ticks = rng.int(2, 4)
  // Some ticks and alters SIGKILL themselves at a random statement (MZCLUSTER_FAULT_KILL_AT).
  for (let i = 0; i < ticks; i++) ops.push({kind: 'tick', killAt: rng.float() < 0.15 ? rng.int(4, 30) : null})
  const others = rng.int(1, 2)
  for (let i = 0; i < others; i++) {
    const cluster = rng.pick(CLUSTERS).name
    const kind = rng.weighted({'alter-size': 24, 'alter-back': 8, 'alter-rf': 10, 'signal-cli': 14, 'signal-sql': 44})
    if (kind === 'alter-size') {
      const timing = rng.weighted({default: 8, 'rollback-now': 1, 'commit-now': 1})
      ops.push({kind, cluster, size: rng.pick(SIZES), timing, killAt: rng.float() < 0.15 ? rng.int(6, 14) : null})
    } else if (kind === 'alter-rf') ops.push({kind, cluster, rf: rng.pick([0, 1, 1, 2, 2, 3])})
    else ops.push({kind, cluster})
  }
  // Interleave deterministically so the alters do not always start last.
  return ops.map((op) => ({op, key: rng.float()})).sort((a, b) => a.key - b.key).map(({op}) => op)
}

/** The oldest replicas of the cluster not yet hydrated in the snapshot (an orchestrator's next reports). */
function nextToHydrate(snapshot: Snapshot, clusterName: string, count: number): {id: string; name: string}[] {
  const cluster = snapshot.clusters.find((c) => c.name === clusterName)
  if (!cluster) return []
  return snapshot.replicas
    .filter((r) => r.cluster_id === cluster.id && !snapshot.hydrated.has(r.id))
    .sort((a, b) => a.ord - b.ord)
    .slice(0, count)
    .map((r) => ({id: r.id, name: r.name}))
}

interface TickJson {
  clusters: {
    cluster_id: string
    cluster_name: string
    batches: {
      phase: string
      outcome: string
      state_write: {reconfiguration?: {record: {target: Record<string, unknown>; deadline: number; status: string} | null; audit: {transition: string} | null}} | null
      creates: {name: string; size: string}[]
      drops: {replica_id: string; name: string}[]
    }[]
  }[]
}

const REFUSALS = [/reconfiguration is in progress/, /max_replicas_per_cluster/, /credits per hour/, /unknown replica/]

describe.skipIf(!serverUrl())('concurrent ticks, alters and signals on one PostgreSQL catalog', () => {
  let catalog: TestCatalog
  let reference: TestCatalog | null = null
  beforeAll(async () => {
    catalog = await freshCatalog('server')
  })
  afterEach(() => killChildren())
  afterAll(async () => {
    killChildren()
    await catalog?.destroy()
    await reference?.destroy()
  })

  it(`${STEPS} seeded steps of 3–6 racing processes keep every invariant, and converge like a sequential run`, {timeout: 900_000}, async () => {
    const url = catalog.location
    const db = catalog.db
    for (const spec of CLUSTERS) await createManagedCluster(db, spec.name, spec.size, spec.rf)
    const checker = new InvariantChecker(url)
    let snapshot = (await checker.check()).snapshot

    const rng = new Rng(SEED)
    const stats = {steps: 0, processes: 0, operations: {} as Record<string, number>, refused: 0, applied: 0, rejected: 0, exhausted: 0, signalsSql: 0, gated: 0, killed: 0}
    const tickReports: TickJson[] = []
    const problems: string[] = []
    const started = Date.now()

    const killEnv = (killAt: number | null) => ({env: {MZCLUSTER_FAULT_KILL_AT: killAt === null ? undefined : String(killAt)}})
    const killedAsAsked = (killAt: number | null, result: ProcessResult): boolean => {
      if (killAt === null || result.signal !== 'SIGKILL' || result.timedOut) return false
      stats.processes++
      stats.killed++
      return true
    }
    const runOp = async (op: Op, gateOpened: Promise<void>): Promise<void> => {
      stats.operations[op.kind] = (stats.operations[op.kind] ?? 0) + 1
      const expectOk = (result: ProcessResult, refusalsAllowed: boolean) => {
        stats.processes++
        if (result.code === 0) return
        if (refusalsAllowed && result.code === 2 && REFUSALS.some((pattern) => pattern.test(result.stderr)) && !/\n\s+at /.test(result.stderr)) {
          stats.refused++
          return
        }
        problems.push(describeResult(result))
      }
      switch (op.kind) {
        case 'tick': {
          const result = await runProcess(url, ['tick', '--json'], killEnv(op.killAt))
          if (killedAsAsked(op.killAt, result)) return
          expectOk(result, false)
          if (result.code !== 0) return
          if (/Warning/.test(result.stderr)) problems.push(`tick warned:\n${result.stderr}`)
          const report = JSON.parse(result.stdout) as TickJson
          tickReports.push(report)
          for (const cluster of report.clusters) {
            for (const batch of cluster.batches) {
              if (batch.outcome === 'applied') stats.applied++
              else if (batch.outcome === 'rejected') stats.rejected++
              else stats.exhausted++
            }
          }
          return
        }
        case 'alter-size': {
          const timing = op.timing === 'rollback-now' ? ['--timeout', '0s'] : op.timing === 'commit-now' ? ['--wait-for', '0s'] : []
          const result = await runProcess(url, ['cluster', 'alter', op.cluster, '--size', op.size, '--background', ...timing], killEnv(op.killAt))
          if (killedAsAsked(op.killAt, result)) return
          expectOk(result, true)
          return
        }
        case 'alter-back': {
          const realized = snapshot.clusters.find((c) => c.name === op.cluster)?.size as string
          expectOk(await runProcess(url, ['cluster', 'alter', op.cluster, '--size', realized, '--background']), true)
          return
        }
        case 'alter-rf':
          expectOk(await runProcess(url, ['cluster', 'alter', op.cluster, '--replication-factor', String(op.rf)]), true)
          return
        case 'signal-cli': {
          const [replica] = nextToHydrate(snapshot, op.cluster, 1)
          if (!replica) return
          const target = `${op.cluster}.${replica.name}`
          expectOk(await runProcess(url, ['signal', 'online', target]), true)
          expectOk(await runProcess(url, ['signal', 'hydration', target]), true)
          return
        }
        case 'signal-sql': {
          const replicas = nextToHydrate(snapshot, op.cluster, 2)
          if (replicas.length === 0) return
          await gateOpened
          await withClient(url, async (client) => {
            for (const replica of replicas) if (await reportReadySql(client, replica.id)) stats.signalsSql++
          })
          return
        }
      }
    }

    for (let step = 1; step <= STEPS; step++) {
      const ops = planStep(rng)
      // Ticks and alters block at the gate until all of them are there, then race for real.
      // (A process with a kill point may die before it reaches the gate: not waited for.)
      const gated = ops.filter((op) => (op.kind === 'tick' || op.kind.startsWith('alter')) && !('killAt' in op && op.killAt !== null)).length
      const {value: running, waiting} = await startingGate(url, gated, (opened) => Promise.all(ops.map((op) => runOp(op, opened))))
      await running
      stats.gated += waiting
      stats.steps++
      expect(problems, `step ${step}: unexpected process failures`).toEqual([])
      const result = await checker.check()
      expect(result.violations, `step ${step} (${ops.map((op) => op.kind).join(', ')}): invariant violations`).toEqual([])
      snapshot = result.snapshot
    }
    const chaosMs = Date.now() - started

    // Stop the chaos; tick to a fixpoint (bounded).
    let rounds = 0
    for (; rounds < 10; rounds++) {
      const plan = await runProcess(url, ['plan', '--detailed-exitcode'])
      stats.processes++
      if (plan.code === 0) break
      expect(plan.code, describeResult(plan)).toBe(4)
      const result = await runProcess(url, ['tick', '--json'])
      stats.processes++
      expect(result.code, describeResult(result)).toBe(0)
      tickReports.push(JSON.parse(result.stdout) as TickJson)
    }
    expect(rounds, 'the ticks did not reach a fixpoint within 10 rounds').toBeLessThan(10)
    const final = await checker.check()
    expect(final.violations, 'invariant violations at the fixpoint').toEqual([])
    const fixpoint = fixpointViolations(final.snapshot)
    expect(fixpoint.violations, 'replica sets at the fixpoint').toEqual([])

    // Every batch a tick reported applied is in the audit log as reported.
    const audit = final.snapshot.audit
    let batchesVerified = 0
    const misreported: string[] = []
    for (const report of tickReports) {
      for (const cluster of report.clusters) {
        const events = audit.filter((event) => event.details.cluster_id === cluster.cluster_id)
        for (const batch of cluster.batches) {
          if (batch.outcome !== 'applied') continue
          batchesVerified++
          for (const create of batch.creates) {
            const found = events.some((e) => e.event_type === 'create' && e.object_type === 'cluster-replica' && e.details.replica_name === create.name)
            const sameSize = events.some(
              (e) => e.event_type === 'create' && e.object_type === 'cluster-replica' && e.details.replica_name === create.name && e.details.logical_size === create.size,
            )
            if (!found || !sameSize) misreported.push(`${cluster.cluster_name}: applied create ${create.name} ${create.size} is not in the audit log as such`)
          }
          for (const drop of batch.drops) {
            if (!events.some((e) => e.event_type === 'drop' && e.details.replica_id === drop.replica_id)) {
              misreported.push(`${cluster.cluster_name}: applied drop of ${drop.name} (${drop.replica_id}) has no drop event`)
            }
          }
          const write = batch.state_write?.reconfiguration
          if (write?.audit && write.record) {
            const record = write.record
            const found = events.some(
              (e) =>
                e.details.transition === write.audit?.transition &&
                e.details.target_size === record.target.size &&
                e.details.target_replication_factor === record.target.replication_factor &&
                e.details.deadline === record.deadline,
            )
            if (!found) misreported.push(`${cluster.cluster_name}: applied ${write.audit.transition} of ${JSON.stringify(record.target)} has no audit event`)
          }
        }
      }
    }
    expect(misreported, 'applied batches missing from the audit log').toEqual([])

    // A sequential run from the same final configs, on a fresh catalog, one library tick at a time.
    reference = await freshCatalog('server')
    for (const cluster of final.snapshot.clusters.filter((c) => !c.builtin)) {
      await createManagedCluster(reference.db, cluster.name, cluster.size as string, cluster.replication_factor as number)
      const record = cluster.reconfiguration
      if (record?.status === 'in-progress') {
        await alterCluster(reference.db, cluster.name, {size: record.target.size, timing: {kind: 'default'}})
      }
    }
    let sequentialTicks = 0
    for (; sequentialTicks < 10; sequentialTicks++) {
      const {report} = await tick(reference.db)
      if (!hasChanges(report)) break
    }
    const sequential = await readSnapshot(reference.location)
    const divergent: string[] = []
    for (const cluster of final.snapshot.clusters.filter((c) => !c.builtin)) {
      const other = sequential.clusters.find((c) => c.name === cluster.name)
      const inFlight = (c: typeof cluster | undefined) => (c?.reconfiguration?.status === 'in-progress' ? c.reconfiguration.target : null)
      const mine = {size: cluster.size, rf: cluster.replication_factor, target: inFlight(cluster), shapes: Object.fromEntries(actualShapes(final.snapshot, cluster.id))}
      const theirs = {size: other?.size, rf: other?.replication_factor, target: inFlight(other), shapes: other ? Object.fromEntries(actualShapes(sequential, other.id)) : null}
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) divergent.push(`${cluster.name}: concurrent ${JSON.stringify(mine)} vs sequential ${JSON.stringify(theirs)}`)
    }
    expect(divergent, 'replica sets diverge from a sequential run').toEqual([])

    const transitions: Record<string, number> = {}
    for (const event of final.snapshot.audit) {
      const key = typeof event.details.transition === 'string' ? `${event.details.kind ?? 'reconfiguration'} ${event.details.transition}` : `${event.object_type} ${event.event_type}`
      transitions[key] = (transitions[key] ?? 0) + 1
    }
    process.stderr.write(
      `[concurrency] seed ${SEED}: ${stats.steps} steps in ${Math.round(chaosMs / 1000)}s, ${processesSpawned()} processes, operations ${JSON.stringify(stats.operations)} ` +
        `(${stats.refused} refused as expected, ${stats.killed} SIGKILLed mid-run at a random statement, ${stats.signalsSql} SQL signal reports, ${stats.gated} processes released together at the starting gate); batches applied ${stats.applied}, rejected ${stats.rejected}, ` +
        `resource-exhausted ${stats.exhausted}; ${batchesVerified} applied batches verified against the audit log; fixpoint after ${rounds} rounds; ` +
        `${checker.runs} invariant runs, ${checker.checks} checks passed (+${fixpoint.checks} fixpoint); sequential reference reached in ${sequentialTicks} ticks; ` +
        `${final.snapshot.audit.length} audit events ${JSON.stringify(transitions)}, ${final.snapshot.replicas.length} replicas at the end\n`,
    )
    expect(stats.applied, 'the chaos did nothing').toBeGreaterThan(0)
    if (SEED === 20260611 && STEPS >= 20) {
      // The default run covers every kind of operation, and processes killed at a random statement.
      expect(Object.keys(stats.operations).sort()).toEqual(['alter-back', 'alter-rf', 'alter-size', 'signal-cli', 'signal-sql', 'tick'])
      expect(stats.killed).toBeGreaterThan(0)
    }
  })
})
