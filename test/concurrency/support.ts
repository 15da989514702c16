// Shared machinery of the concurrency and fault-injection suites: a seeded PRNG (mulberry32), the
// built CLI as a subprocess with its exit signal (a SIGKILLed process has no exit code), long-lived
// `run` processes whose stderr lines are timestamped as they arrive, and small SQL helpers over a
// plain pg.Client (application_name `mzcluster-test`, so terminating the CLI's backends by
// application name never hits the test's own connections). Every child is tracked and
// `killChildren()` (afterEach) SIGKILLs whatever is still running.

import type {ChildProcess} from 'node:child_process'
import {spawn} from 'node:child_process'
import pg from 'pg'
import {inject} from 'vitest'
import {BIN} from '../support/cli.js'

/** The PostgreSQL server of the run, or null: these suites need real concurrency and skip without it. */
export function serverUrl(): string | null {
  return inject('serverUrl')
}

/** mulberry32: a tiny, fast, seedable PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Rng {
  private readonly next: () => number

  constructor(readonly seed: number) {
    this.next = mulberry32(seed)
  }

  float(): number {
    return this.next()
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.int(0, items.length - 1)] as T
  }

  /** A key of `weights`, drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][]
    const total = entries.reduce((sum, [, w]) => sum + w, 0)
    let x = this.next() * total
    for (const [key, weight] of entries) {
      x -= weight
      if (x < 0) return key
    }
    return (entries[entries.length - 1] as [K, number])[0]
  }
}

const children = new Set<ChildProcess>()
let spawned = 0

/** How many CLI processes this test file has started. */
export function processesSpawned(): number {
  return spawned
}

/** SIGKILL every child still running (afterEach). */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  children.clear()
}

function cliEnv(url: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    CI: '1',
    MZCLUSTER_CATALOG: url,
    DATABASE_URL: undefined,
    MZCLUSTER_FAULT_KILL_AT: undefined,
    ...extra,
  }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  return env as NodeJS.ProcessEnv
}

export interface ProcessResult {
  readonly args: readonly string[]
  /** null when the process was killed by a signal. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
  /** True when our own timeout killed it. */
  readonly timedOut: boolean
}

export interface ProcessOptions {
  readonly env?: Record<string, string | undefined>
  readonly timeoutMs?: number
}

/** Run `node bin/run.js ARGS` against the catalog at `url` and wait for it to end. */
export function runProcess(url: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: cliEnv(url, options.env), stdio: ['ignore', 'pipe', 'pipe']})
    children.add(child)
    spawned++
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 120_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      children.delete(child)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      resolve({args, code, signal, stdout, stderr, ms: Date.now() - started, timedOut})
    })
  })
}

/** A one-line description of a process result for assertion messages. */
export function describeResult(result: ProcessResult): string {
  const how = result.signal ? `signal ${result.signal}` : `exit ${result.code}`
  return `mzcluster ${result.args.join(' ')} → ${how}${result.timedOut ? ' (timed out)' : ''}\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`
}

export interface LogLine {
  /** Date.now() when the line arrived on our side of the pipe. */
  readonly at: number
  readonly text: string
}

/** A long-running `mzcluster run` with its stderr split into timestamped lines. */
export class RunProcess {
  readonly lines: LogLine[] = []
  readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>
  private readonly waiters = new Set<() => void>()
  private partial = ''
  private exitInfo: {code: number | null; signal: NodeJS.Signals | null; at: number} | null = null

  private constructor(readonly child: ChildProcess) {
    children.add(child)
    spawned++
    child.stderr?.on('data', (chunk: Buffer) => {
      const at = Date.now()
      const parts = (this.partial + chunk.toString()).split('\n')
      this.partial = parts.pop() ?? ''
      for (const text of parts) this.lines.push({at, text})
      this.notify()
    })
    child.stdout?.resume()
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        children.delete(child)
        if (this.partial) this.lines.push({at: Date.now(), text: this.partial})
        this.exitInfo = {code, signal, at: Date.now()}
        this.notify()
        resolve(this.exitInfo)
      })
    })
  }

  static start(url: string, args: readonly string[], env: Record<string, string | undefined> = {}): RunProcess {
    const child = spawn(process.execPath, [BIN, 'run', ...args], {env: cliEnv(url, env), stdio: ['ignore', 'pipe', 'pipe']})
    return new RunProcess(child)
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  get running(): boolean {
    return this.exitInfo === null
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake()
  }

  /** The first line at or after index `from` matching `pattern`; rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, options: {timeoutMs: number; from?: number}): Promise<LogLine & {index: number}> {
    const from = options.from ?? 0
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = from; i < this.lines.length; i++) {
          const line = this.lines[i] as LogLine
          if (pattern.test(line.text)) {
            finish()
            resolve({...line, index: i})
            return true
          }
        }
        if (this.exitInfo) {
          finish()
          reject(new Error(`run exited (${JSON.stringify(this.exitInfo)}) before logging ${pattern}:\n${this.text()}`))
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`no line matching ${pattern} within ${options.timeoutMs}ms:\n${this.text()}`))
      }, options.timeoutMs)
      const waiter = () => void check()
      const finish = () => {
        clearTimeout(timer)
        this.waiters.delete(waiter)
      }
      this.waiters.add(waiter)
      check()
    })
  }

  text(): string {
    return this.lines.map((line) => line.text).join('\n')
  }

  kill(signal: NodeJS.Signals): number {
    const at = Date.now()
    this.child.kill(signal)
    return at
  }
}

/** A plain client for the test's own reads and writes (never a CLI application name). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({connectionString: url, application_name: 'mzcluster-test'})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(text, params)).rows)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The database name of a server URL. */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1))
}

/** A system parameter, environment-wide. */
export async function setParameter(url: string, name: string, value: string): Promise<void> {
  await sql(
    url,
    `INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3`,
    [name, value, Date.now()],
  )
}

/**
 * An orchestrator's report that a replica is online and every hydratable object of its cluster is
 * hydrated on it, in one transaction that notifies a running controller. False when the replica no
 * longer exists (it was dropped concurrently).
 */
export async function reportReadySql(client: pg.Client, replicaId: string, atMs = Date.now()): Promise<boolean> {
  // Like any orchestrator, retry a deadlock with a concurrent drop of the replica (their lock orders
  // on replica_status and replicas differ) or a serialization failure.
  for (let attempt = 1; ; attempt++) {
    try {
      return await reportReadyOnce(client, replicaId, atMs)
    } catch (error) {
      const code = (error as {code?: string}).code
      if ((code !== '40P01' && code !== '40001') || attempt >= 5) throw error
    }
  }
}

async function reportReadyOnce(client: pg.Client, replicaId: string, atMs: number): Promise<boolean> {
  try {
    await client.query('BEGIN')
    const found = await client.query(
      `INSERT INTO mzcluster.replica_status (replica_id, online, reported_at)
       SELECT id, true, $2 FROM mzcluster.replicas WHERE id = $1
       ON CONFLICT (replica_id) DO UPDATE SET online = true, reported_at = $2 RETURNING replica_id`,
      [replicaId, atMs],
    )
    await client.query(
      `INSERT INTO mzcluster.object_hydration (replica_id, object_id, hydrated, reported_at)
       SELECT r.id, o.id, true, $2 FROM mzcluster.replicas r JOIN mzcluster.objects o ON o.cluster_id = r.cluster_id
       WHERE r.id = $1
       ON CONFLICT (replica_id, object_id) DO UPDATE SET hydrated = true, reported_at = $2`,
      [replicaId, atMs],
    )
    await client.query(`SELECT pg_notify('mzcluster_catalog', 'signal')`)
    await client.query('COMMIT')
    return (found.rowCount ?? 0) > 0
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    // 23503: the replica was dropped between our read and our write.
    if ((error as {code?: string}).code === '23503') return false
    throw error
  }
}

/**
 * A starting gate: hold an ACCESS EXCLUSIVE lock on mzcluster.system_parameters (every tick and
 * every alter reads it first thing) while `start` launches processes, wait until `waiters` of them
 * are blocked on it (or `maxWaitMs`), then open the gate so they all proceed at the same instant —
 * process start-up (hundreds of milliseconds) would otherwise spread them out so much that they
 * seldom race. Resolves to whatever `start` returned and how many were waiting.
 */
export async function startingGate<T>(
  url: string,
  waiters: number,
  start: (opened: Promise<void>) => T,
  maxWaitMs = 10_000,
): Promise<{value: T; waiting: number}> {
  const client = new pg.Client({connectionString: url, application_name: 'mzcluster-test'})
  await client.connect()
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  try {
    await client.query('BEGIN')
    await client.query('LOCK TABLE mzcluster.system_parameters IN ACCESS EXCLUSIVE MODE')
    const value = start(opened)
    // The caller awaits it after the gate opens; a rejection meanwhile is not "unhandled".
    if (value instanceof Promise) value.catch(() => {})
    const deadline = Date.now() + maxWaitMs
    let waiting = 0
    while (Date.now() < deadline) {
      // Activity statistics are frozen for the rest of a transaction once read: refresh them.
      await client.query('SELECT pg_stat_clear_snapshot()')
      const {rows} = await client.query<{n: number}>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'mzcluster' AND wait_event_type = 'Lock'`,
      )
      waiting = rows[0]?.n ?? 0
      if (waiting >= waiters) break
      await sleep(15)
    }
    await client.query('COMMIT')
    open()
    return {value, waiting}
  } finally {
    open()
    await client.end().catch(() => {})
  }
}
