#!/usr/bin/env node
// Latencies of `mzcluster run`. Alter-to-first-action: listening on mzcluster_catalog versus
// --poll-only, both with the same tick interval (default 5s). For each mode: a throw-away server
// catalog (database mzcluster_bench_<random>, dropped at the end) with one managed cluster per
// sample, `run` started on it and waited for until it leads and has provisioned every cluster;
// then, at seeded random moments (uniform over one tick interval), one cluster at a time is altered to a new size (the reshape is
// committed through the library, exactly as `cluster alter --background` writes it) and the time
// from the alter's commit to the first `create` audit event for that cluster is measured, polling
// the audit table every 10 ms.
//
// Standby takeover: the time from stopping the leader (SIGKILL, or SIGTERM which releases the lease)
// to the standby leading (measureTakeover).
//
//   node bench/latency.js [--json] [--samples 10] [--interval 5s] [--seed 7] [--scenario all|alter|takeover]
//
// The server is MZCLUSTER_BENCH_POSTGRES_URL, else MZCLUSTER_TEST_POSTGRES_URL, else the local
// postgres://postgres@127.0.0.1:5432/postgres. Needs a build (dist/). Progress goes to stderr;
// stdout carries the table, or with --json one array:
//   [{"scenario": "alter-to-first-action", "mode": "listen"|"poll", "median_ms", "p90_ms", "samples"},
//    {"scenario": "standby-takeover", "mode": "sigkill"|"sigterm", ...}]

import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {dirname, join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import pg from 'pg'
import {alterCluster} from '../dist/lib/alter/alter.js'
import {selectCatalog} from '../dist/lib/catalog/location.js'
import {initCatalog} from '../dist/lib/catalog/open.js'
import {DEFAULT_LOGGING} from '../dist/lib/controller/context.js'
import {createCluster} from '../dist/lib/ddl/clusters.js'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const BASE_URL = process.env.MZCLUSTER_BENCH_POSTGRES_URL || process.env.MZCLUSTER_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const POLL_MS = 10
/** A sample that takes longer than this is a failure, not a measurement. */
const SAMPLE_TIMEOUT_MS = 60_000

const {values: options} = parseArgs({
  options: {
    json: {type: 'boolean', default: false},
    samples: {type: 'string', default: '10'},
    interval: {type: 'string', default: '5s'},
    seed: {type: 'string', default: '7'},
    scenario: {type: 'string', default: 'all'},
  },
})
if (!['all', 'alter', 'takeover'].includes(options.scenario)) throw new Error(`--scenario is all, alter or takeover, not ${options.scenario}`)
const SAMPLES = Number(options.samples)
const INTERVAL_MS = parseInterval(options.interval)

function parseInterval(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text)
  if (!match) throw new Error(`--interval takes e.g. 5s or 500ms, not ${text}`)
  return Number(match[1]) * {ms: 1, s: 1000, m: 60_000}[match[2]]
}
if (!Number.isInteger(SAMPLES) || SAMPLES < 1) throw new Error(`--samples must be a positive integer, not ${options.samples}`)

const log = (message) => process.stderr.write(`[latency] ${message}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** mulberry32: the gaps between alters are random but reproducible. */
function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function withDatabase(url, database) {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

async function admin(sql) {
  const client = new pg.Client({connectionString: BASE_URL, application_name: 'mzcluster-bench'})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end().catch(() => {})
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** `mzcluster run` with its stderr lines; `waitFor` resolves on the first matching line. */
function startRun(url, args) {
  const child = spawn(process.execPath, [BIN, 'run', ...args], {
    env: {...process.env, MZCLUSTER_CATALOG: url, NO_COLOR: '1', MZCLUSTER_FAULT_KILL_AT: ''},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const lines = []
  const waiters = new Set()
  let partial = ''
  child.stderr.on('data', (chunk) => {
    const parts = (partial + chunk.toString()).split('\n')
    partial = parts.pop() ?? ''
    lines.push(...parts)
    for (const waiter of [...waiters]) waiter()
  })
  let exited = false
  const exit = new Promise((resolve) => child.on('close', (code, signal) => ((exited = true), resolve({code, signal}))))
  const waitFor = (pattern, timeoutMs) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const line = lines.find((text) => pattern.test(text))
        if (line !== undefined || exited) {
          clearTimeout(timer)
          waiters.delete(check)
          if (line !== undefined) resolve(line)
          else reject(new Error(`run exited before logging ${pattern}:\n${lines.join('\n')}`))
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`run did not log ${pattern} within ${timeoutMs}ms:\n${lines.join('\n')}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  return {child, lines, exit, waitFor}
}

async function measureMode(mode, random) {
  const database = `mzcluster_bench_${randomBytes(6).toString('hex')}`
  await admin(`CREATE DATABASE "${database}"`)
  const url = withDatabase(BASE_URL, database)
  let run = null
  let db = null
  const reader = new pg.Client({connectionString: url, application_name: 'mzcluster-bench'})
  try {
    ;({db} = await initCatalog(selectCatalog(url)))
    const clusters = []
    for (let i = 0; i < SAMPLES; i++) {
      const row = await createCluster(db, `bench_${i}`, {
        managed: true,
        size: '100cc',
        replicationFactor: 1,
        availabilityZones: [],
        logging: DEFAULT_LOGGING,
        schedule: {kind: 'manual'},
        autoScalingPolicy: null,
        features: {},
      })
      clusters.push(row)
    }
    await reader.connect()
    run = startRun(url, ['--interval', options.interval, ...(mode === 'poll' ? ['--poll-only'] : [])])
    await run.waitFor(/run: leading/, 30_000)
    // Wait for the first tick to provision every cluster, so each sample measures one alter only.
    for (let waited = 0; ; waited += 50) {
      const {rows} = await reader.query('SELECT count(*)::int AS n FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE NOT c.builtin')
      if (rows[0].n >= SAMPLES) break
      if (waited > 30_000) throw new Error('run did not provision the clusters within 30s')
      await sleep(50)
    }
    const samples = []
    for (const cluster of clusters) {
      // A random phase against the tick schedule: anywhere in one interval (plus a little settling).
      await sleep(200 + Math.floor(random() * INTERVAL_MS))
      const {rows: marks} = await reader.query('SELECT COALESCE(max(id), 0)::int AS id FROM mzcluster.audit_events')
      await alterCluster(db, cluster.name, {size: '200cc', timing: {kind: 'default'}})
      const committed = performance.now()
      for (;;) {
        const {rows} = await reader.query(
          `SELECT 1 FROM mzcluster.audit_events
           WHERE id > $1 AND event_type = 'create' AND object_type = 'cluster-replica' AND details->>'cluster_id' = $2 LIMIT 1`,
          [marks[0].id, cluster.id],
        )
        if (rows.length > 0) break
        if (performance.now() - committed > SAMPLE_TIMEOUT_MS) throw new Error(`${mode}: no create for ${cluster.name} within ${SAMPLE_TIMEOUT_MS}ms`)
        await sleep(POLL_MS)
      }
      const ms = performance.now() - committed
      samples.push(ms)
      log(`${mode}: ${cluster.name} first create ${Math.round(ms)}ms after the alter committed`)
    }
    return samples
  } finally {
    if (run) {
      run.child.kill('SIGTERM')
      await Promise.race([run.exit, sleep(10_000)])
      if (run.child.exitCode === null) run.child.kill('SIGKILL')
    }
    await reader.end().catch(() => {})
    await db?.close().catch(() => {})
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((error) => log(`could not drop ${database}: ${error.message}`))
  }
}

/**
 * Standby takeover: two `run`s on one catalog; the leader is stopped (SIGKILL: the standby waits
 * for the lease to expire, 1.5 intervals; SIGTERM: the lease is released) and the time from the
 * signal to the standby's "run: leading" line is measured. A fresh pair per sample.
 */
async function measureTakeover(signal) {
  const database = `mzcluster_bench_${randomBytes(6).toString('hex')}`
  await admin(`CREATE DATABASE "${database}"`)
  const url = withDatabase(BASE_URL, database)
  const samples = []
  const runs = []
  try {
    const {db} = await initCatalog(selectCatalog(url))
    await db.close()
    for (let i = 0; i < SAMPLES; i++) {
      const leader = startRun(url, ['--interval', options.interval])
      runs.push(leader)
      await leader.waitFor(/run: leading/, 30_000)
      const standby = startRun(url, ['--interval', options.interval])
      runs.push(standby)
      await standby.waitFor(/run: standby/, 30_000)
      const leading = standby.waitFor(/run: leading/, SAMPLE_TIMEOUT_MS).then(() => performance.now())
      const stopped = performance.now()
      leader.child.kill(signal)
      const ms = (await leading) - stopped
      samples.push(ms)
      log(`takeover after ${signal}: the standby led ${Math.round(ms)}ms after the signal`)
      for (const run of [leader, standby]) {
        run.child.kill('SIGTERM')
        await Promise.race([run.exit, sleep(10_000)])
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL')
      }
    }
    return samples
  } finally {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL')
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((error) => log(`could not drop ${database}: ${error.message}`))
  }
}

const results = []
const random = mulberry32(Number(options.seed))
for (const mode of options.scenario === 'takeover' ? [] : ['listen', 'poll']) {
  log(`${mode}: ${SAMPLES} samples, run --interval ${options.interval}${mode === 'poll' ? ' --poll-only' : ''}`)
  const samples = await measureMode(mode, random)
  results.push({
    scenario: 'alter-to-first-action',
    mode,
    median_ms: Math.round(median(samples)),
    p90_ms: Math.round(percentile(samples, 0.9)),
    samples: samples.map((ms) => Math.round(ms)),
  })
}

for (const signal of options.scenario === 'alter' ? [] : ['SIGKILL', 'SIGTERM']) {
  log(`takeover after ${signal}: ${SAMPLES} samples, run --interval ${options.interval}`)
  const samples = await measureTakeover(signal)
  results.push({
    scenario: 'standby-takeover',
    mode: signal.toLowerCase(),
    median_ms: Math.round(median(samples)),
    p90_ms: Math.round(percentile(samples, 0.9)),
    samples: samples.map((ms) => Math.round(ms)),
  })
}

if (options.json) {
  process.stdout.write(`${JSON.stringify(results)}\n`)
} else {
  process.stdout.write(`run latencies, --interval ${options.interval}, ${SAMPLES} samples each\n`)
  process.stdout.write('SCENARIO\tMODE\tMEDIAN\tP90\n')
  for (const result of results) process.stdout.write(`${result.scenario}\t${result.mode}\t${result.median_ms}ms\t${result.p90_ms}ms\n`)
}
