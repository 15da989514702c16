#!/usr/bin/env node
// Scoped-flags benchmarks (docs/flags.md): `flags sync` over 10,000 managed replicas (2,500
// clusters × 4, half cc and half legacy sizes) with a flag for every synced parameter of the
// registry, on PostgreSQL and on the embedded catalog; and `flags dump --resolved` for one cluster
// end to end (a spawned `mzcluster` process) on PostgreSQL.
//
//   node bench/flags-sync.js [--json] [--runs N] [--backends postgres,embedded] [--replicas 10000]
//
// Scenarios (each row: {scenario, backend, clusters, replicas, median_ms, statements, runs, …}):
//   flags-sync-initial   the first sync from an empty cache (writes every override), one timed run
//                        per backend after clearing the cache;
//   flags-sync           a steady sync: the cache already matches, so it only reads (the common case);
//   flags-dump-resolved  `mzcluster flags dump --resolved --cluster C --json` as a process (postgres).
// Targets: flags-sync < 5 s, flags-dump-resolved < 300 ms (PostgreSQL). PostgreSQL comes from
// $MZCLUSTER_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres): a database
// mzcluster_bench_<random> is created there and dropped at the end. Progress goes to stderr.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {openFlagSource} from '../dist/lib/flags/evaluate.js'
import {syncFlags} from '../dist/lib/flags/sync.js'
import {dumpFlags} from '../dist/lib/flags/dump.js'
import {REGISTRY, syncedParameters} from '../dist/lib/parameters/registry.js'
import {DEFAULT_POSTGRES_URL, openBenchCatalog} from './lib/catalogs.js'
import {timeCli} from './lib/cli.js'
import {median, round1, timed} from './lib/measure.js'

const REPLICAS_PER_CLUSTER = 4
const ENVIRONMENT_ID = 'aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0'
const build = {sha: 'bench', semver: '0.0.0'}
/** Cluster-scoped flags with a rule for every 10th cluster, replica-scoped ones for legacy sizes. */
const CLUSTER_RULED = ['enable_eager_delta_joins']
const REPLICA_RULED = ['enable_lgalloc', 'enable_columnation_lgalloc']

const log = (message) => process.stderr.write(`[flags-bench] ${message}\n`)

function check(condition, message) {
  if (!condition) throw new Error(`CHECK FAILED: ${message}`)
}

// --- flag data ---------------------------------------------------------------------------------

const clause = (contextKind, attribute, op, values) => ({contextKind, attribute, op, values, negate: false})

function flag(key, variations, fallthrough, rules = []) {
  return {
    key,
    on: true,
    variations,
    offVariation: fallthrough,
    fallthrough: {variation: fallthrough},
    targets: [],
    contextTargets: [],
    rules: rules.map((rule, i) => ({id: `rule-${i}`, trackEvents: false, ...rule})),
    prerequisites: [],
    salt: `${key}-salt`,
    version: 1,
    trackEvents: false,
    trackEventsFallthrough: false,
    clientSide: false,
    deleted: false,
  }
}

/**
 * A flag for every synced parameter serving its default environment-wide (so the env-wide pass
 * changes nothing) — the full registry is evaluated for every object — plus rules that make
 * overrides: CLUSTER_RULED on clusters whose name ends in 0, REPLICA_RULED on legacy replicas.
 */
function writeFlagData(dir) {
  const flags = {}
  for (const def of syncedParameters(REGISTRY)) {
    const isBool = def.type.name === 'bool'
    const served = isBool ? def.default : def.format(def.default)
    if (isBool && CLUSTER_RULED.includes(def.name)) {
      flags[def.name] = flag(def.name, [served, !served], 0, [
        {clauses: [clause('cluster', 'cluster_name', 'endsWith', ['0'])], variation: 1},
      ])
    } else if (isBool && REPLICA_RULED.includes(def.name)) {
      flags[def.name] = flag(def.name, [served, !served], 0, [
        {clauses: [clause('replica', 'replica_size_family', 'in', ['legacy'])], variation: 1},
      ])
    } else {
      flags[def.name] = flag(def.name, [served], 0)
    }
  }
  const path = join(dir, 'bench-flags.json')
  writeFileSync(path, JSON.stringify({flags, segments: {}}))
  return path
}

// --- catalog -----------------------------------------------------------------------------------

/** `replicas` managed replicas in clusters of 4, alternating cc (100cc) and legacy (xsmall) clusters. */
async function populate(db, replicas) {
  const clusters = Math.ceil(replicas / REPLICAS_PER_CLUSTER)
  const now = Date.now()
  await db.query("UPDATE mzcluster.meta SET value = $1 WHERE key = 'environment_id'", [ENVIRONMENT_ID])
  await db.exec(
    `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, created_at)
     SELECT 'u' || g, g, 'bench_' || lpad(g::text, 6, '0'), true, CASE WHEN g % 2 = 0 THEN 'xsmall' ELSE '100cc' END,
            ${REPLICAS_PER_CLUSTER}, ${now}
     FROM generate_series(1, ${clusters}) AS g`,
  )
  await db.exec(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at)
     SELECT 'u' || ((g - 1) * ${REPLICAS_PER_CLUSTER} + k), (g - 1) * ${REPLICAS_PER_CLUSTER} + k, 'u' || g, 'r' || k,
            CASE WHEN g % 2 = 0 THEN 'xsmall' ELSE '100cc' END, ${now}
     FROM generate_series(1, ${clusters}) AS g, generate_series(1, ${REPLICAS_PER_CLUSTER}) AS k
     WHERE (g - 1) * ${REPLICAS_PER_CLUSTER} + k <= ${replicas}`,
  )
  await db.exec('VACUUM (ANALYZE) mzcluster.clusters, mzcluster.replicas')
  return clusters
}

async function clearCache(db) {
  await db.exec(
    `DELETE FROM mzcluster.cluster_system_configurations; DELETE FROM mzcluster.replica_system_configurations;
     DELETE FROM mzcluster.audit_events`,
  )
}

async function cacheCounts(db) {
  const [row] = await db.query(
    `SELECT (SELECT count(*) FROM mzcluster.cluster_system_configurations)::int AS clusters,
            (SELECT count(*) FROM mzcluster.replica_system_configurations)::int AS replicas`,
  )
  return row
}

// --- scenarios ---------------------------------------------------------------------------------

async function benchBackend(backend, {postgresUrl, runs, replicas, flagsFile}) {
  const catalog = await openBenchCatalog(backend, {postgresUrl, log})
  const rows = []
  try {
    const {db} = catalog
    const clusters = await populate(db, replicas)
    const builtinClusters = 3
    const legacyReplicas = Math.floor(clusters / 2) * REPLICAS_PER_CLUSTER
    const ruledClusters = Math.floor(clusters / 10)
    const expected = {
      clusters: ruledClusters * CLUSTER_RULED.length,
      replicas: legacyReplicas * REPLICA_RULED.length,
    }
    log(
      `${backend}: ${clusters} clusters, ${replicas} replicas (+ builtins); expecting ${expected.clusters} + ${expected.replicas} overrides`,
    )
    const source = await openFlagSource({flagsFile})
    try {
      const sync = () => syncFlags(db, {source, build})
      // Initial: from an empty cache, every override is written in one transaction.
      const initialTimes = []
      let initialStatements = 0
      for (let i = 0; i < Math.max(1, Math.min(runs, 3)); i++) {
        await clearCache(db)
        const run = await timed(db, sync)
        check(run.result.written, `${backend}: the initial sync wrote nothing`)
        initialTimes.push(run.ms)
        initialStatements = run.statements
      }
      const counts = await cacheCounts(db)
      check(
        counts.clusters === expected.clusters && counts.replicas === expected.replicas,
        `${backend}: cache holds ${counts.clusters} + ${counts.replicas} rows, expected ${expected.clusters} + ${expected.replicas}`,
      )
      rows.push({
        scenario: 'flags-sync-initial',
        backend,
        clusters: clusters + builtinClusters,
        replicas,
        median_ms: round1(median(initialTimes)),
        statements: initialStatements,
        runs: initialTimes.length,
        rows_written: counts.clusters + counts.replicas,
      })
      log(
        `${backend}: initial sync median ${round1(median(initialTimes))} ms (${initialStatements} statements)`,
      )

      // Steady: the cache matches; a sync only reads.
      const times = []
      let statements = 0
      for (let i = 0; i < runs + 1; i++) {
        const run = await timed(db, sync)
        check(
          !run.result.written && run.result.changes.length === 0,
          `${backend}: a steady sync changed something`,
        )
        if (i > 0) times.push(run.ms) // the first is a warm-up
        statements = run.statements
      }
      rows.push({
        scenario: 'flags-sync',
        backend,
        clusters: clusters + builtinClusters,
        replicas,
        median_ms: round1(median(times)),
        statements,
        runs: times.length,
      })
      log(
        `${backend}: steady sync median ${round1(median(times))} ms over ${times.length} runs (${times.map(Math.round).join(', ')}), ${statements} statements`,
      )
    } finally {
      source.close()
    }

    if (backend === 'postgres') {
      const cluster = 'bench_000010'
      const library = await timed(db, () => dumpFlags(db, {cluster}, {resolved: true}))
      check(
        library.result.length === REGISTRY.filter((d) => d.scope === 'cluster').length,
        'dump --resolved: wrong row count',
      )
      check(
        library.result.some((r) => r.layer === 'synced'),
        'dump --resolved: bench_000010 should have a synced override',
      )
      const url = new URL(postgresUrl)
      url.pathname = `/${catalog.location}`
      const times = timeCli(
        ['flags', 'dump', '--resolved', '--cluster', cluster, '--json', '--catalog', url.toString()],
        runs,
      )
      rows.push({
        scenario: 'flags-dump-resolved',
        backend,
        clusters: clusters + builtinClusters,
        replicas,
        median_ms: round1(median(times)),
        statements: library.statements,
        runs: times.length,
      })
      log(
        `${backend}: dump --resolved (process) median ${round1(median(times))} ms (${times.map(Math.round).join(', ')}), ${library.statements} statements`,
      )
    }
  } finally {
    await catalog.dispose()
  }
  return rows
}

/**
 * Run the flags benchmarks. Returns [{scenario, backend, clusters, median_ms, statements, …}].
 * `backends` defaults to both; `replicas` to 10,000.
 */
export async function runFlagsBench({
  postgresUrl = process.env.MZCLUSTER_BENCH_POSTGRES_URL || DEFAULT_POSTGRES_URL,
  runs = 5,
  backends = ['postgres', 'embedded'],
  replicas = 10_000,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mzcluster-flags-bench-'))
  try {
    const flagsFile = writeFlagData(dir)
    const rows = []
    for (const backend of backends)
      rows.push(...(await benchBackend(backend, {postgresUrl, runs, replicas, flagsFile})))
    return rows
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

async function main() {
  const {values} = parseArgs({
    options: {
      json: {type: 'boolean', default: false},
      runs: {type: 'string', default: '5'},
      backends: {type: 'string', default: 'postgres,embedded'},
      replicas: {type: 'string', default: '10000'},
    },
  })
  const rows = await runFlagsBench({
    runs: Number(values.runs),
    backends: values.backends
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    replicas: Number(values.replicas),
  })
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
    return
  }
  const header = ['scenario', 'backend', 'clusters', 'replicas', 'median_ms', 'statements', 'runs']
  process.stdout.write(`${header.join('\t')}\n`)
  for (const row of rows) process.stdout.write(`${header.map((key) => row[key]).join('\t')}\n`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`)
    process.exitCode = 1
  })
}
