// CLI start-up figures: wall time of whole `mzcluster` processes (node bin/run.js …), as a user
// sees them, including Node start-up, oclif's manifest load and (for `catalog status`) opening the
// embedded catalog.

import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const RSS_PRELOAD = pathToFileURL(fileURLToPath(new URL('./rss-preload.js', import.meta.url))).href

/** An environment that cannot redirect the command to another catalog or turn on debug output. */
function cleanEnv() {
  const env = {...process.env}
  for (const key of ['MZCLUSTER_CATALOG', 'DATABASE_URL', 'DEBUG', 'NODE_OPTIONS']) delete env[key]
  return {...env, NO_COLOR: '1'}
}

/** Wall time of one `node bin/run.js ...args` run; throws if it exits non-zero. */
export function runCliOnce(args) {
  const start = performance.now()
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  })
  const ms = performance.now() - start
  if (child.error) throw child.error
  if (child.status !== 0) {
    throw new Error(
      `mzcluster ${args.join(' ')} exited with ${child.status ?? child.signal}: ${(child.stderr || child.stdout).trim()}`,
    )
  }
  return {ms, stdout: child.stdout}
}

/** One warm-up run, then `runs` timed runs; returns the wall times in ms. */
export function timeCli(args, runs) {
  runCliOnce(args)
  return Array.from({length: runs}, () => runCliOnce(args).ms)
}

/**
 * One whole `node bin/run.js ...args` process with `env` added: its wall time and peak resident set
 * size (MiB, from getrusage in the child). stdout is discarded, so rendering costs only its own memory.
 */
export function measureCliOnce(args, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mzcluster-bench-rss-'))
  const file = join(dir, 'maxrss')
  try {
    const start = performance.now()
    const child = spawnSync(process.execPath, ['--import', RSS_PRELOAD, BIN, ...args], {
      cwd: ROOT,
      env: {...cleanEnv(), ...env, MZCLUSTER_BENCH_RSS_FILE: file},
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 600_000,
    })
    const ms = performance.now() - start
    if (child.error) throw child.error
    if (child.status !== 0) throw new Error(`mzcluster ${args.join(' ')} exited with ${child.status ?? child.signal}: ${child.stderr.trim()}`)
    return {ms, peakRssMiB: Number(readFileSync(file, 'utf8')) / 1024}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
