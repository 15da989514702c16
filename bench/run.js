#!/usr/bin/env node
// `npm run bench`: the controller's tick/plan over synthetic catalogs of 1,000 and 10,000 managed
// clusters (3 replicas each) on PostgreSQL and on the embedded catalog, plus the CLI's start-up.
// Reports the median wall time and the SQL statement count per scenario; checks correctness as it
// goes (a steady tick decides nothing, a reconfiguring tick creates exactly the target replicas).
//
//   npm run bench [-- --json] [--sizes 1000,10000] [--backends postgres,embedded] [--runs N]
//                 [--scenarios a,b] [--profile]
//
// Progress goes to stderr; stdout carries only the table (or, with --json, one JSON array).
// See docs/benchmarks.md.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {tick} from '../dist/lib/ops/tick.js'
import {initCatalog} from '../dist/lib/catalog/open.js'
import {selectCatalog} from '../dist/lib/catalog/location.js'
import {
  DEFAULT_POSTGRES_URL,
  REPLICAS_PER_CLUSTER,
  markReconfiguring,
  maxAuditId,
  openBenchCatalog,
  populateSteady,
  restoreReconfiguring,
  setBenchParameters,
  userReplicaCount,
  vacuum,
} from './lib/catalogs.js'
import {measureCliOnce, runCliOnce, timeCli, timeCliInterleaved} from './lib/cli.js'
import {installSqlProbe, median, round1, timed} from './lib/measure.js'
import {benchSimulate} from './simulate.js'

const ALL_SCENARIOS = [
  'plan-steady',
  'tick-steady',
  'plan-memory',
  'plan-reconfiguring',
  'tick-reconfiguring',
  'cli-help',
  'cli-status',
  'cli-list',
  'cli-list-cold',
  'simulate',
]
const DB_SCENARIOS = new Set(ALL_SCENARIOS.slice(0, 5))
/** Whole-process runs of `plan-memory` (each costs a process start and a full read). */
const MEMORY_RUNS = 3
const STEADY_SCENARIOS = new Set(['plan-steady', 'tick-steady'])
/** A warm-up slower than this (ms) cuts the timed runs to SLOW_RUNS unless --runs was given. */
const SLOW_WARMUP_MS = 1500
const SLOW_RUNS = 3
const CLI_RUNS = 10
/** product.md §11.6: a reconfiguring tick issues at most this many statements. */
const RECONFIGURING_MAX_STATEMENTS = 50
/** Clusters in the catalog `cli-list` lists (product.md §11.6). */
const CLI_LIST_CLUSTERS = 1000
/** The smallest catalog with at least one reconfiguring cluster (every 10th). */
const RECONFIGURING_MIN = 10

const log = (message) => process.stderr.write(`[bench] ${message}\n`)

class BenchFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new BenchFailure(`CHECK FAILED: ${message}`)
}

function parseOptions(argv) {
  const {values} = parseArgs({
    args: argv,
    options: {
      json: {type: 'boolean', default: false},
      sizes: {type: 'string', default: '1000,10000'},
      backends: {type: 'string', default: 'postgres,embedded'},
      runs: {type: 'string'},
      scenarios: {type: 'string', default: ALL_SCENARIOS.join(',')},
      profile: {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--json] [--sizes 1000,10000] [--backends postgres,embedded] [--runs N]\n' +
        `                        [--scenarios ${ALL_SCENARIOS.join(',')}] [--profile]\n` +
        `PostgreSQL: $MZCLUSTER_BENCH_POSTGRES_URL (default ${DEFAULT_POSTGRES_URL}); see docs/benchmarks.md\n`,
    )
    process.exit(0)
  }
  const list = (value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
  const sizes = list(values.sizes).map(Number)
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < RECONFIGURING_MIN)) {
    throw new Error(
      `--sizes: positive integers of at least ${RECONFIGURING_MIN} expected, got ${values.sizes}`,
    )
  }
  const backends = list(values.backends)
  for (const backend of backends) {
    if (!['postgres', 'embedded'].includes(backend)) throw new Error(`--backends: unknown backend ${backend}`)
  }
  const scenarios = list(values.scenarios)
  for (const scenario of scenarios) {
    if (!ALL_SCENARIOS.includes(scenario)) throw new Error(`--scenarios: unknown scenario ${scenario}`)
  }
  let runs = null
  if (values.runs !== undefined) {
    runs = Number(values.runs)
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(`--runs: a positive integer expected, got ${values.runs}`)
  }
  return {json: values.json, sizes, backends, runs, scenarios: new Set(scenarios), profile: values.profile}
}
// --- scenario checks ---------------------------------------------------------------------------

function checkSteady(label, report, clusters) {
  check(report.controllerEnabled, `${label}: the controller is disabled`)
  check(
    report.clustersExamined === clusters,
    `${label}: examined ${report.clustersExamined} clusters, expected ${clusters}`,
  )
  check(
    report.clusters.length === 0,
    `${label}: a steady ${label.startsWith('plan') ? 'plan' : 'tick'} produced batches for ${report.clusters.length} clusters ` +
      `(first: ${JSON.stringify(report.clusters[0]?.batches?.[0] ?? null).slice(0, 300)})`,
  )
}

function checkReconfiguring(label, report, clusters, reconfiguring) {
  check(report.controllerEnabled, `${label}: the controller is disabled`)
  check(
    report.clustersExamined === clusters,
    `${label}: examined ${report.clustersExamined} clusters, expected ${clusters}`,
  )
  check(
    report.clusters.length === reconfiguring,
    `${label}: batches for ${report.clusters.length} clusters, expected ${reconfiguring}`,
  )
  for (const entry of report.clusters) {
    const batches = entry.batches
    const ok =
      !entry.skipped &&
      batches.length === 1 &&
      batches[0].phase === 'replicas' &&
      batches[0].outcome === 'applied' &&
      batches[0].drops.length === 0 &&
      batches[0].creates.length === REPLICAS_PER_CLUSTER &&
      batches[0].creates.every((create) => create.shape.size === '200cc')
    check(
      ok,
      `${label}: unexpected batches for ${entry.clusterName}: ${JSON.stringify(batches).slice(0, 400)}`,
    )
  }
}

// --- one scenario --------------------------------------------------------------------------------

/**
 * Warm-up + timed runs of `call`; `before`/`after` run around every call (restores), untimed.
 * Returns {median_ms, statements, runs, sql_ms?, js_ms?}.
 */
async function measure(db, label, call, {runs, runsExplicit, before, after, profile}) {
  if (before) await before()
  const warm = await timed(db, call)
  if (after) await after(warm)
  let count = runs
  if (!runsExplicit && warm.ms > SLOW_WARMUP_MS && count > SLOW_RUNS) {
    count = SLOW_RUNS
    log(`${label}: warm-up took ${Math.round(warm.ms)} ms, timing ${count} runs instead of ${runs}`)
  }
  const times = []
  const statements = []
  for (let i = 0; i < count; i++) {
    if (before) await before()
    const run = await timed(db, call)
    if (after) await after(run)
    times.push(run.ms)
    statements.push(run.statements)
  }
  const distinct = [...new Set(statements)]
  if (distinct.length > 1)
    log(`WARNING: ${label}: the statement count varied between runs: ${statements.join(', ')}`)
  const result = {median_ms: round1(median(times)), statements: median(statements), runs: count}
  if (profile) {
    if (before) await before()
    const probe = installSqlProbe(db)
    let run
    try {
      run = await timed(db, call)
    } finally {
      probe.uninstall()
    }
    if (after) await after(run)
    result.sql_ms = round1(probe.sqlMs)
    result.js_ms = round1(run.ms - probe.sqlMs)
    for (const entry of probe.topStatements()) {
      log(`  ${label}: ${entry.calls} x ${round1(entry.ms)} ms  ${entry.statement}`)
    }
  }
  log(
    `${label}: median ${result.median_ms} ms over ${count} runs (${times.map((t) => Math.round(t)).join(', ')}), ` +
      `${result.statements} statements` +
      (profile
        ? `; profiled run: ${round1(result.sql_ms + result.js_ms)} ms = ${result.sql_ms} ms SQL + ${result.js_ms} ms JavaScript`
        : ''),
  )
  return result
}

async function benchCatalog(catalog, sizes, options, results) {
  const {db, backend} = catalog
  await setBenchParameters(db)
  const runs = options.runs ?? 5
  const common = {runs, runsExplicit: options.runs !== null, profile: options.profile}
  const want = (scenario) => options.scenarios.has(scenario)
  const push = (scenario, clusters, result) => results.push({scenario, backend, clusters, ...result})

  for (const clusters of sizes) {
    const label = (scenario) => `${scenario} ${backend} ${clusters}`
    let start = performance.now()
    const population = await populateSteady(db, clusters)
    log(
      `${backend} ${clusters}: populated ${clusters} clusters / ${population.replicas} replicas in ${Math.round(performance.now() - start)} ms`,
    )

    if (want('plan-steady')) {
      const r = await measure(db, label('plan-steady'), () => tick(db, {dryRun: true}), {
        ...common,
        after: (run) => checkSteady('plan-steady', run.result.report, clusters),
      })
      push('plan-steady', clusters, r)
    }
    if (want('tick-steady')) {
      const r = await measure(db, label('tick-steady'), () => tick(db), {
        ...common,
        after: (run) => checkSteady('tick-steady', run.result.report, clusters),
      })
      push('tick-steady', clusters, r)
      check((await userReplicaCount(db)) === population.replicas, 'tick-steady changed the replica set')
    }

    if (want('plan-memory') && backend === 'postgres') {
      // A whole `plan --json` process, as a user runs it: wall time and peak RSS (median of runs).
      log(`plan-memory ${backend} ${clusters}: mzcluster plan --json, ${MEMORY_RUNS} processes`)
      const runs = Array.from({length: MEMORY_RUNS}, () => measureCliOnce(['plan', '--json'], {MZCLUSTER_CATALOG: catalog.url}))
      const r = {
        median_ms: round1(median(runs.map((run) => run.ms))),
        statements: null,
        runs: MEMORY_RUNS,
        peak_rss_mib: round1(median(runs.map((run) => run.peakRssMiB))),
      }
      log(
        `plan-memory ${backend} ${clusters}: median ${r.median_ms} ms, peak RSS ${r.peak_rss_mib} MiB ` +
          `(${runs.map((run) => `${Math.round(run.ms)} ms/${round1(run.peakRssMiB)} MiB`).join(', ')})`,
      )
      push('plan-memory', clusters, r)
    }

    if (!want('plan-reconfiguring') && !want('tick-reconfiguring')) continue
    start = performance.now()
    const reconfiguring = await markReconfiguring(db)
    check(
      reconfiguring === Math.floor(clusters / 10),
      `marked ${reconfiguring} clusters reconfiguring, expected ${Math.floor(clusters / 10)}`,
    )
    log(
      `${backend} ${clusters}: marked ${reconfiguring} clusters mid-reconfiguration in ${Math.round(performance.now() - start)} ms`,
    )

    if (want('plan-reconfiguring')) {
      const r = await measure(db, label('plan-reconfiguring'), () => tick(db, {dryRun: true}), {
        ...common,
        after: (run) => checkReconfiguring('plan-reconfiguring', run.result.report, clusters, reconfiguring),
      })
      push('plan-reconfiguring', clusters, r)
      check((await userReplicaCount(db)) === population.replicas, 'plan-reconfiguring wrote replicas')
    }
    if (want('tick-reconfiguring')) {
      const baseline = {maxReplicaOrd: population.maxReplicaOrd, maxAuditId: await maxAuditId(db)}
      const r = await measure(db, label('tick-reconfiguring'), () => tick(db), {
        ...common,
        after: async (run) => {
          checkReconfiguring('tick-reconfiguring', run.result.report, clusters, reconfiguring)
          for (const warning of run.result.warnings) log(`tick warning: ${warning}`)
          // Back to the state before the tick: one statement, then VACUUM so every run starts alike.
          const deleted = await restoreReconfiguring(db, baseline)
          check(
            deleted.replicas === reconfiguring * REPLICAS_PER_CLUSTER,
            `tick-reconfiguring created ${deleted.replicas} replicas, expected ${reconfiguring * REPLICAS_PER_CLUSTER}`,
          )
          await vacuum(db)
        },
      })
      push('tick-reconfiguring', clusters, r)
      // The phase's batches are applied in bulk: the statement count does not grow with the
      // reconfiguring clusters (target: at most RECONFIGURING_MAX_STATEMENTS).
      log(`tick-reconfiguring ${backend} ${clusters}: ${r.statements} statements for ${reconfiguring} reconfiguring clusters`)
      check((await userReplicaCount(db)) === population.replicas, 'restoring after tick-reconfiguring failed')
    }
  }
}

// --- CLI start-up ----------------------------------------------------------------------------------

async function benchCli(options, results, cleanups) {
  if (options.scenarios.has('cli-help')) {
    log(`cli-help: mzcluster --help, ${CLI_RUNS} runs after 1 warm-up`)
    const times = timeCli(['--help'], CLI_RUNS)
    results.push({
      scenario: 'cli-help',
      backend: 'none',
      clusters: 0,
      median_ms: round1(median(times)),
      statements: null,
      runs: CLI_RUNS,
    })
    log(`cli-help: median ${round1(median(times))} ms (${times.map((t) => Math.round(t)).join(', ')})`)
  }
  if (options.scenarios.has('cli-status') && options.backends.includes('embedded')) {
    const root = mkdtempSync(join(tmpdir(), 'mzcluster-bench-cli-'))
    const cleanup = () => rmSync(root, {recursive: true, force: true})
    cleanups.add(cleanup)
    try {
      const dir = join(root, 'catalog')
      const {db} = await initCatalog(selectCatalog(dir, {}))
      await db.close()
      log(
        `cli-status: mzcluster catalog status on a fresh embedded catalog, ${CLI_RUNS} runs after 1 warm-up`,
      )
      const times = timeCli(['catalog', 'status', '--catalog', dir], CLI_RUNS)
      results.push({
        scenario: 'cli-status',
        backend: 'embedded',
        clusters: 0,
        median_ms: round1(median(times)),
        statements: null,
        runs: CLI_RUNS,
      })
      log(`cli-status: median ${round1(median(times))} ms (${times.map((t) => Math.round(t)).join(', ')})`)
    } finally {
      cleanup()
      cleanups.delete(cleanup)
    }
  }
}

/**
 * `cluster list --json` as a whole process over a 1,000-cluster catalog on each backend, timed side
 * by side (interleaved rounds). `cli-list` on the embedded catalog is what a user gets by default:
 * the first (warm-up) run starts the warm catalog process, the timed runs reuse it.
 * `cli-list-cold` is the same with MZCLUSTER_NO_DAEMON=1: PGlite opened by every command.
 */
async function benchCliList(options, results, cleanups, postgresUrl) {
  const wanted = ['cli-list', 'cli-list-cold'].filter((scenario) => options.scenarios.has(scenario))
  if (wanted.length === 0) return
  const catalogs = []
  try {
    for (const backend of options.backends) {
      if (backend === 'postgres' && !options.scenarios.has('cli-list')) continue
      const catalog = await openBenchCatalog(backend, {postgresUrl, log})
      cleanups.add(catalog.dispose)
      catalogs.push(catalog)
      await populateSteady(catalog.db, CLI_LIST_CLUSTERS)
      // The CLI opens the catalog itself (an embedded one is one process's at a time).
      await catalog.db.close()
    }
    // Warm and cold runs cannot alternate on one catalog (a command opened without the warm
    // process asks it to stop), so the cold runs come after the interleaved rounds.
    const commands = []
    const cold = []
    for (const catalog of catalogs) {
      const args = ['cluster', 'list', '--json', '--catalog', catalog.catalogArg]
      if (options.scenarios.has('cli-list')) commands.push({scenario: 'cli-list', backend: catalog.backend, args, env: {}})
      if (catalog.backend === 'embedded' && options.scenarios.has('cli-list-cold')) {
        cold.push({scenario: 'cli-list-cold', backend: 'embedded', args, env: {MZCLUSTER_NO_DAEMON: '1'}})
      }
    }
    const runs = options.runs ?? CLI_RUNS
    const report = (command, times) => {
      const row = {
        scenario: command.scenario,
        backend: command.backend,
        clusters: CLI_LIST_CLUSTERS,
        median_ms: round1(median(times)),
        statements: null,
        runs,
      }
      results.push(row)
      log(`${command.scenario} ${command.backend}: median ${row.median_ms} ms (${times.map((t) => Math.round(t)).join(', ')})`)
    }
    if (commands.length > 0) {
      log(`cli-list: ${commands.map((c) => c.backend).join(', ')}: ${runs} interleaved rounds after 1 warm-up each`)
      const times = timeCliInterleaved(commands, runs)
      commands.forEach((command, i) => report(command, times[i]))
    }
    for (const command of cold) {
      log(`cli-list-cold: ${runs} runs after 1 warm-up, MZCLUSTER_NO_DAEMON=1`)
      report(command, timeCli(command.args, runs, command))
    }
    const pg = results.find((row) => row.scenario === 'cli-list' && row.backend === 'postgres')
    const embedded = results.find((row) => row.scenario === 'cli-list' && row.backend === 'embedded')
    if (pg && embedded) log(`cli-list: embedded / postgres = ${(embedded.median_ms / pg.median_ms).toFixed(2)} (target ≤ 1.5)`)
  } finally {
    for (const catalog of catalogs) {
      if (catalog.backend === 'embedded') {
        try {
          runCliOnce(['catalog', 'stop', '--catalog', catalog.catalogArg])
        } catch (error) {
          log(`catalog stop: ${error.message}`)
        }
      }
      await catalog.dispose()
      cleanups.delete(catalog.dispose)
    }
  }
}

// --- reporting -------------------------------------------------------------------------------------

/** Steady scenarios whose statement count differs between sizes (it must not grow with clusters). */
function statementWarnings(results) {
  const warnings = []
  const groups = new Map()
  for (const row of results) {
    if (!STEADY_SCENARIOS.has(row.scenario)) continue
    const key = `${row.scenario} ${row.backend}`
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  for (const row of results) {
    if (row.scenario === 'tick-reconfiguring' && row.statements > RECONFIGURING_MAX_STATEMENTS) {
      warnings.push(`WARNING: tick-reconfiguring ${row.backend} ${row.clusters}: ${row.statements} statements, above ${RECONFIGURING_MAX_STATEMENTS}`)
    }
  }
  for (const [key, rows] of groups) {
    const counts = new Set(rows.map((row) => row.statements))
    if (counts.size > 1) {
      warnings.push(
        `WARNING: ${key}: the statement count grows with the cluster count: ` +
          rows.map((row) => `${row.statements} at ${row.clusters}`).join(', '),
      )
    }
  }
  return warnings
}

function renderTable(results, profile) {
  const columns = [
    'scenario',
    'backend',
    'clusters',
    'median_ms',
    'statements',
    'peak_rss_mib',
    ...(profile ? ['sql_ms', 'js_ms'] : []),
  ]
  const numeric = new Set(['clusters', 'median_ms', 'statements', 'peak_rss_mib', 'sql_ms', 'js_ms'])
  const cell = (row, column) => {
    const value = row[column]
    if (value === null || value === undefined) return '-'
    return column === 'median_ms' || column === 'peak_rss_mib' || column === 'sql_ms' || column === 'js_ms'
      ? value.toFixed(1)
      : String(value)
  }
  const widths = columns.map((column) =>
    Math.max(column.length, ...results.map((row) => cell(row, column).length)),
  )
  const line = (values) =>
    values
      .map((value, i) => (numeric.has(columns[i]) ? value.padStart(widths[i]) : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...results.map((row) => line(columns.map((c) => cell(row, c)))),
  ].join('\n')
}

// --- main --------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2))
  const postgresUrl = process.env.MZCLUSTER_BENCH_POSTGRES_URL || DEFAULT_POSTGRES_URL
  const results = []
  const cleanups = new Set()
  let interrupted = false
  const onSignal = (signal) => {
    if (interrupted) return
    interrupted = true
    log(`${signal}: cleaning up`)
    Promise.allSettled([...cleanups].map((cleanup) => cleanup())).finally(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const started = performance.now()
  let failed = null
  try {
    const dbScenarios = [...options.scenarios].some((scenario) => DB_SCENARIOS.has(scenario))
    for (const backend of dbScenarios ? options.backends : []) {
      log(`${backend}: opening a fresh catalog`)
      const catalog = await openBenchCatalog(backend, {postgresUrl, log})
      cleanups.add(catalog.dispose)
      try {
        await benchCatalog(catalog, options.sizes, options, results)
      } finally {
        await catalog.dispose()
        cleanups.delete(catalog.dispose)
      }
    }
    await benchCli(options, results, cleanups)
    await benchCliList(options, results, cleanups, postgresUrl)
    if (options.scenarios.has('simulate')) {
      results.push(...(await benchSimulate({runs: options.runs ?? 3, log, check, median, round1})))
    }
  } catch (error) {
    failed = error
  }
  log(`done in ${Math.round((performance.now() - started) / 1000)} s`)

  const warnings = statementWarnings(results)
  for (const warning of warnings) log(warning)
  if (options.json) {
    const keys = [
      'scenario',
      'backend',
      'clusters',
      'median_ms',
      'statements',
      'peak_rss_mib',
      ...(options.profile ? ['sql_ms', 'js_ms'] : []),
    ]
    const rows = results.map((row) => Object.fromEntries(keys.map((key) => [key, row[key] ?? null])))
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
  } else if (results.length > 0) {
    process.stdout.write(`${renderTable(results, options.profile)}\n`)
    for (const warning of warnings) process.stdout.write(`${warning}\n`)
  }
  if (failed && !interrupted) {
    process.stderr.write(
      `bench failed: ${failed instanceof BenchFailure ? failed.message : (failed.stack ?? failed)}\n`,
    )
    process.exitCode = 1
  }
}

await main()
