// CLI start-up figures: wall time of whole `mzcluster` processes (node bin/run.js …), as a user
// sees them, including Node start-up, oclif's manifest load and opening the catalog (through the
// embedded catalog's warm process unless the environment given opts out).

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
function cleanEnv(extra = {}) {
  const env = {...process.env}
  for (const key of ['MZCLUSTER_CATALOG', 'DATABASE_URL', 'DEBUG', 'NODE_OPTIONS', 'MZCLUSTER_NO_DAEMON']) delete env[key]
  return {...env, NO_COLOR: '1', ...extra}
}

/** Wall time of one `node bin/run.js ...args` run; throws if it exits non-zero. */
export function runCliOnce(args, {env = {}} = {}) {
  const start = performance.now()
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 28,
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
export function timeCli(args, runs, options = {}) {
  runCliOnce(args, options)
  return Array.from({length: runs}, () => runCliOnce(args, options).ms)
}

/**
 * Several commands timed side by side: one warm-up of each, then `runs` rounds in which each runs
 * once, so a busy machine weighs on all of them alike. Returns one list of wall times per command.
 */
export function timeCliInterleaved(commands, runs) {
  for (const command of commands) runCliOnce(command.args, command)
  const times = commands.map(() => [])
  for (let round = 0; round < runs; round++) {
    commands.forEach((command, i) => times[i].push(runCliOnce(command.args, command).ms))
  }
  return times
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
