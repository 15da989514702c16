#!/usr/bin/env node
// Live flag sync of `mzcluster run` (docs/flags.md, "Live sync"): the time from an edit of the
// flags file to the changed row in mzcluster.mz_replica_system_parameters, with the controller
// loop running in process (runController with --flags-file, ticks far apart so only the flags
// sync works). Each run alternates the file between serving an override to the legacy replica
// and not, and polls the view every 5 ms.
//
//   node bench/flags-live.js [--json] [--runs 10] [--backends embedded,postgres]
//
// Row: {scenario: 'flags-live-propagation', backend, runs, median_ms, min_ms, max_ms, samples_ms}.
// Target (product.md §11.5): under 2 s. PostgreSQL from $MZCLUSTER_BENCH_POSTGRES_URL.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {performance} from 'node:perf_hooks'
import {runController} from '../dist/lib/ops/run.js'
import {DEFAULT_POSTGRES_URL, openBenchCatalog} from './lib/catalogs.js'
import {median} from './lib/measure.js'

const ENVIRONMENT_ID = 'aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0'
const log = (message) => process.stderr.write(`[flags-live] ${message}\n`)

/** enable_lgalloc: legacy replicas get `legacy` (default true elsewhere); the version never changes. */
function flagData(legacy) {
  const flag = {
    key: 'enable_lgalloc',
    on: true,
    variations: [false, true],
    offVariation: 0,
    fallthrough: {variation: 1},
    targets: [],
    contextTargets: [],
    rules: [
      {
        id: 'legacy',
        clauses: [{contextKind: 'replica', attribute: 'replica_size_family', op: 'in', values: ['legacy'], negate: false}],
        variation: legacy ? 1 : 0,
      },
    ],
    prerequisites: [],
    salt: 'bench',
    version: 1,
  }
  return JSON.stringify({flags: {enable_lgalloc: flag}, segments: {}}, null, 2)
}

async function measure(backend, runs, postgresUrl) {
  const catalog = await openBenchCatalog(backend, {postgresUrl, log})
  const dir = mkdtempSync(join(tmpdir(), 'mzcluster-flags-live-'))
  const abort = new AbortController()
  let done = Promise.resolve()
  try {
    const {db} = catalog
    await db.query(
      `INSERT INTO mzcluster.meta (key, value) VALUES ('environment_id', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [ENVIRONMENT_ID],
    )
    await db.query(
      `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, created_at) VALUES ('u1', 1, 'legacy_cl', true, 'xsmall', 1, 0)`,
    )
    await db.query(`INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at) VALUES ('u1', 1, 'u1', 'r1', 'xsmall', 0)`)
    await db.query(`INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ('enable_cluster_controller', 'off', 0)`)
    const file = join(dir, 'flags.json')
    writeFileSync(file, flagData(true))
    const events = []
    done = runController(db, {
      intervalMs: 3_600_000,
      signal: abort.signal,
      log: (event) => events.push(event),
      flags: {source: {flagsFile: file}, build: {sha: 'bench', semver: '0.0.0'}, fullSyncIntervalMs: 3_600_000},
    })
    const rows = async () => (await db.query('SELECT count(*)::int AS n FROM mzcluster.mz_replica_system_parameters'))[0].n
    // Started once the first sync (nothing to change) has run: wait for the source to be open.
    while (!events.some((e) => e.event === 'leader')) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const samples = []
    for (let i = 0; i < runs; i++) {
      const want = i % 2 === 0 ? 1 : 0
      const started = performance.now()
      writeFileSync(file, flagData(want === 0))
      while ((await rows()) !== want) await new Promise((resolve) => setTimeout(resolve, 5))
      samples.push(Math.round(performance.now() - started))
    }
    const sorted = [...samples].sort((a, b) => a - b)
    return {
      scenario: 'flags-live-propagation',
      backend,
      runs,
      median_ms: median(samples),
      min_ms: sorted[0],
      max_ms: sorted.at(-1),
      samples_ms: samples,
    }
  } finally {
    abort.abort()
    await done.catch(() => {})
    await catalog.dispose()
    rmSync(dir, {recursive: true, force: true})
  }
}

const {values} = parseArgs({
  options: {json: {type: 'boolean'}, runs: {type: 'string', default: '10'}, backends: {type: 'string', default: 'embedded,postgres'}},
})
const postgresUrl = process.env.MZCLUSTER_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL
const results = []
for (const backend of values.backends.split(',')) results.push(await measure(backend, Number(values.runs), postgresUrl))
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
else for (const r of results) process.stdout.write(`${r.scenario}\t${r.backend}\tmedian ${r.median_ms} ms (min ${r.min_ms}, max ${r.max_ms}, ${r.runs} edits)\n`)
