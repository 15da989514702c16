// Bench scenario `simulate`: the controller played forward over 7 days for 1,000 managed clusters of
// every kind (steady, reconfiguring with near and far deadlines, on-refresh hourly and daily,
// auto-scaling with a burst to run), from an in-memory catalog snapshot, so the figure is the
// simulation itself. Reports the median wall time, the events produced, and the heap growth, which
// must follow the events and not the horizon (checked: 7 days costs no more heap per event than 1).

import {performance} from 'node:perf_hooks'
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {simulate} from '../dist/lib/simulate/engine.js'
import {SimWorld} from '../dist/lib/simulate/world.js'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const LOGGING = {log_logging: false, interval_ms: 1000}
export const SIMULATE_TARGET_MS = 10_000

// A full collection before each heap reading, so the figure is what the timeline retains.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc')

/** A snapshot of `clusters` managed clusters, a fifth of each kind, at `nowMs`. */
export function simulateSnapshot(clusters, nowMs) {
  const rows = []
  const replicas = []
  const objects = []
  let replicaOrd = 1
  let objectOrd = 1
  for (let i = 0; i < clusters; i++) {
    const id = `u${i + 1}`
    const kind = i % 5
    const onRefresh = kind === 2 || kind === 3
    rows.push({
      id,
      ord: i + 1,
      name: `c${i + 1}`,
      builtin: false,
      managed: true,
      size: '100cc',
      replication_factor: onRefresh ? 0 : 2,
      availability_zones: [],
      logging: LOGGING,
      schedule: onRefresh ? {kind: 'on-refresh', hydration_time_estimate_ms: 5 * MIN} : {kind: 'manual'},
      auto_scaling_strategy: kind === 4 ? {on_hydration: {hydration_size: '400cc', linger_duration_ms: 10 * MIN}} : null,
      reconfiguration:
        kind === 1
          ? {
              target: {size: '200cc', replication_factor: 2, availability_zones: [], logging: LOGGING},
              deadline: nowMs + (i % 2 === 0 ? 10 * MIN : DAY),
              on_timeout: i % 4 === 1 ? 'commit' : 'rollback',
              status: 'in-progress',
            }
          : null,
      burst: null,
      features: {},
      owner: 'bench',
      version: 1,
      created_at: nowMs - DAY,
    })
    if (!onRefresh && kind !== 4) {
      for (const name of ['r1', 'r2']) {
        const ord = replicaOrd++
        replicas.push({id: `u${ord}`, ord, cluster_id: id, name, size: '100cc', availability_zones: [], logging: LOGGING, internal: false, billed_as: null, pending: false, created_at: nowMs - HOUR})
      }
    }
    const ord = objectOrd++
    objects.push({
      id: `u${ord}`,
      name: `o${ord}`,
      cluster_id: id,
      type: onRefresh ? 'materialized-view' : 'index',
      replica_id: null,
      refresh_schedule: onRefresh ? {everies: [{interval_ms: kind === 2 ? HOUR : DAY, aligned_to: nowMs - (i % 60) * MIN}], ats: []} : null,
      created_at: nowMs - DAY,
      write_frontier: null,
      sealed: null,
    })
  }
  return {
    clusters: rows,
    replicas,
    objects,
    parameters: new Map([['max_credit_consumption_rate', '100000'], ['simulated_hydration_delay', '2m']]),
    sizes: ['100cc', '200cc', '400cc'].map((name) => ({name, credits_per_hour: Number.parseInt(name, 10) / 100, disabled: false})),
  }
}

async function once(clusters, horizonMs) {
  const nowMs = Date.UTC(2026, 10, 30)
  const world = new SimWorld(simulateSnapshot(clusters, nowMs))
  collect()
  const heapBefore = process.memoryUsage().heapUsed
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const timeline = await simulate(world, {fromMs: nowMs, untilMs: nowMs + horizonMs})
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  collect()
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20
  return {ms, cpuMs: (cpu.user + cpu.system) / 1000, events: timeline.events.length, heapMb}
}

/** Runs the scenario; returns result rows and throws on a failed check. */
export async function benchSimulate({runs, log, check, median, round1}) {
  const clusters = 1000
  log(`simulate: ${clusters} clusters over 7 days, ${runs} runs after 1 warm-up`)
  await once(clusters, 7 * DAY)
  const times = []
  const cpuTimes = []
  let last
  for (let i = 0; i < runs; i++) {
    last = await once(clusters, 7 * DAY)
    times.push(last.ms)
    cpuTimes.push(last.cpuMs)
  }
  const day = await once(clusters, DAY)
  const perEvent = (run) => (run.heapMb * 2 ** 20) / run.events
  log(
    `simulate: median ${round1(median(times))} ms wall, ${round1(median(cpuTimes))} ms CPU (${times.map((t) => Math.round(t)).join(', ')}); ` +
      `${last.events} events, heap +${round1(last.heapMb)} MiB retained (1 day: ${day.events} events, +${round1(day.heapMb)} MiB)`,
  )
  check(last.events > day.events * 5, `simulate: 7 days produced ${last.events} events, 1 day ${day.events}`)
  // Memory follows the events, not the horizon: no more retained bytes per event over 7 days than over 1.
  check(perEvent(last) <= perEvent(day) * 1.5, `simulate: ${Math.round(perEvent(last))} bytes per event over 7 days vs ${Math.round(perEvent(day))} over 1`)
  // CPU time is the work itself; wall time also counts whatever else the machine runs.
  check(median(cpuTimes) < SIMULATE_TARGET_MS, `simulate: median ${round1(median(cpuTimes))} ms CPU is over the ${SIMULATE_TARGET_MS} ms target`)
  if (median(times) >= SIMULATE_TARGET_MS) log(`WARNING: simulate: median wall time ${round1(median(times))} ms is over the target (a busy machine?)`)
  return [{scenario: 'simulate', backend: 'none', clusters, median_ms: round1(median(times)), cpu_ms: round1(median(cpuTimes)), statements: null, runs, events: last.events, heap_mb: round1(last.heapMb)}]
}
