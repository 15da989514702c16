// Reaching an embedded catalog through its warm process: connect to the socket, or start the process
// (detached) when there is none, wait for the session while another command holds it (up to the
// lock timeout, saying who holds it), then speak to it with pg as to a server. The catalog stays
// `embedded` to everything above: same location, same one-process-at-a-time semantics.

import type {ChildProcess} from 'node:child_process'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import type {Socket} from 'node:net'
import {createConnection} from 'node:net'
import type {Client} from 'pg'
import {CatalogBusyError, CatalogError} from '../errors.js'
import type {DaemonStatus, DaemonVerb} from './daemon.js'
import {buildId, DAEMON_MAIN_PATHS, HELLO, idleTimeoutMs, readLine, socketPath} from './daemon.js'
import type {DaemonReport} from './daemon-main.js'
import type {Db, Queryable, Row, TransactionOptions} from './db.js'
import {beforeStatement, READ_ONLY_SNAPSHOT, withRetries} from './db.js'
import type {LockHolder} from './lock.js'
import {alive, lockHolder} from './lock.js'
import {isDiskFull, openFailure} from './pglite.js'

export interface DaemonOpenOptions {
  readonly dir: string
  /** How errors name the location, e.g. `/data/catalog (from --catalog)`. */
  readonly where: string
  /** How long to wait while another command holds the catalog (0 fails at once). */
  readonly waitMs: number
  /** Called once per distinct holder while waiting. */
  readonly onHolder?: (holder: LockHolder) => void
}

/** The longest a starting (or stopping) warm process may take before a command gives up. */
const START_CEILING_MS = 120_000

function daemonEntry(): string {
  const entry = DAEMON_MAIN_PATHS.find((path) => existsSync(path))
  if (entry === undefined) throw new CatalogError('the warm catalog process is not built (run `npm run build`)', {code: 'CATALOG_OPEN_FAILED'})
  return entry
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Hello = {kind: 'refused'} | {kind: 'retry'} | {kind: 'answer'; socket: Socket; line: string}

/** Connect and say hello; `refused` when nothing listens (no socket file, or a dead process's). */
function hello(dir: string, verb: DaemonVerb, build: string): Promise<Hello> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath(dir))
    const onError = (error: NodeJS.ErrnoException) => {
      socket.destroy()
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? {kind: 'refused'} : {kind: 'retry'})
    }
    socket.once('error', onError)
    socket.once('connect', () => {
      socket.removeListener('error', onError)
      socket.on('error', () => socket.destroy())
      socket.write(`${HELLO} ${verb} ${process.pid} ${build}\n`)
      void readLine(socket).then((line) => {
        if (line === null) {
          socket.destroy()
          resolve({kind: 'retry'})
        } else resolve({kind: 'answer', socket, line})
      })
    })
  })
}

/** Start the warm process and wait for its one report (or its exit). */
function startDaemon(dir: string, entry: string, build: string): Promise<DaemonReport | {kind: 'exited'; code: number | null}> {
  return new Promise((resolve) => {
    let child: ChildProcess
    try {
      child = spawn(process.execPath, [entry, dir, String(idleTimeoutMs()), build], {
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        env: {...process.env, MZCLUSTER_FAULT_KILL_AT: undefined},
      })
    } catch (error) {
      resolve({kind: 'error', message: (error as Error).message, code: 'CATALOG_OPEN_FAILED'})
      return
    }
    let settled = false
    const settle = (value: DaemonReport | {kind: 'exited'; code: number | null}) => {
      if (settled) return
      settled = true
      child.removeAllListeners()
      if (child.connected) child.disconnect()
      child.unref()
      resolve(value)
    }
    child.once('message', (message) => settle(message as DaemonReport))
    child.once('exit', (code) => settle({kind: 'exited', code}))
    child.once('error', (error) => settle({kind: 'error', message: error.message, code: 'CATALOG_OPEN_FAILED'}))
  })
}

/** Open a session on the catalog's warm process, starting it if needed. */
export async function openThroughDaemon(options: DaemonOpenOptions): Promise<Db> {
  const {dir, where} = options
  const entry = daemonEntry()
  const build = buildId(entry)
  const started = Date.now()
  const lockDeadline = started + options.waitMs
  const seen = new Set<string>()
  const waitingFor = (holder: LockHolder) => {
    const key = `${holder.pid}/${holder.role}`
    if (seen.has(key)) return
    seen.add(key)
    options.onHolder?.(holder)
  }
  const ceiling = () => {
    if (Date.now() - started > Math.max(START_CEILING_MS, options.waitMs)) {
      throw new CatalogError(`the warm catalog process for ${where} did not come up`, {
        code: 'CATALOG_OPEN_FAILED',
        hint: 'stop it with `mzcluster catalog stop`, or set MZCLUSTER_NO_DAEMON=1 to open the catalog in each command',
      })
    }
  }
  for (;;) {
    const reply = await hello(dir, 'session', build)
    if (reply.kind === 'answer') {
      const granted = await awaitSession(reply.socket, reply.line, lockDeadline, waitingFor, where)
      if (granted !== null) return connect(granted, dir, where)
      ceiling()
      await sleep(30)
      continue
    }
    if (reply.kind === 'retry') {
      ceiling()
      await sleep(30)
      continue
    }
    const holder = lockHolder(dir)
    if (holder !== null && holder.pid !== process.pid) {
      if (holder.role !== 'daemon') {
        // A command without the warm process, or `catalog serve`, has the directory itself.
        waitingFor(holder)
        if (Date.now() >= lockDeadline) throw new CatalogBusyError(holder.pid, where, holder.url)
        await sleep(50)
        continue
      }
      // The warm process is starting (or stopping): its socket will answer (or the lock go).
      ceiling()
      await sleep(25)
      continue
    }
    const outcome = await startDaemon(dir, entry, build)
    if (outcome.kind === 'error') {
      throw new CatalogError(outcome.message, {code: outcome.code, hint: outcome.hint})
    }
    if (outcome.kind === 'exited') {
      throw new CatalogError(`the warm catalog process for ${where} exited as it started (code ${outcome.code})`, {
        code: 'CATALOG_OPEN_FAILED',
        hint: 'set MZCLUSTER_NO_DAEMON=1 to open the catalog in each command',
      })
    }
    // ready, or busy (another command started one first): connect on the next round.
  }
}

/** Follow the daemon's answer until the session is ours; null means start again. */
async function awaitSession(
  socket: Socket,
  first: string,
  deadline: number,
  waitingFor: (holder: LockHolder) => void,
  where: string,
): Promise<Socket | null> {
  let line: string | null = first
  let holderPid = 0
  for (;;) {
    if (line === null) return null
    if (line === 'GO') return socket
    const wait = /^WAIT (\d+)$/.exec(line)
    if (!wait) {
      // STOPPING, RESTART or anything unexpected: this process is going away.
      socket.destroy()
      return null
    }
    holderPid = Number(wait[1])
    waitingFor({pid: holderPid, role: 'command'})
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      socket.destroy()
      throw new CatalogBusyError(holderPid, where)
    }
    let timer: NodeJS.Timeout | undefined
    line = await Promise.race([
      readLine(socket),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining))),
    ]).then((value) => {
      clearTimeout(timer)
      return value === 'timeout' ? `WAIT ${holderPid}` : value
    })
  }
}

async function connect(socket: Socket, dir: string, where: string): Promise<Db> {
  const pg = (await import('pg')).default
  pg.types.setTypeParser(20, (value: string) => Number(value))
  // pg connects the stream it is given; this one is connected already.
  const stream = socket
  Object.defineProperty(stream, 'connect', {
    value: () => {
      process.nextTick(() => {
        socket.emit('connect')
        // readLine left the socket paused; pg has attached its reader by now.
        socket.resume()
      })
      return socket
    },
  })
  const client = new pg.Client({stream: () => stream, user: 'postgres', database: 'postgres', application_name: 'mzcluster'})
  const db = new DaemonDb(client, dir, where)
  client.on('error', () => db.markBroken())
  try {
    await client.connect()
  } catch (error) {
    socket.destroy()
    throw new CatalogError(`cannot use the warm catalog process for ${where}: ${(error as Error).message}`, {code: 'CATALOG_UNREACHABLE'})
  }
  socket.removeAllListeners('error')
  socket.on('error', () => db.markBroken())
  return db
}

/** A session on the warm process: one connection, used by one statement or transaction at a time. */
class DaemonDb implements Db {
  readonly kind = 'embedded' as const
  statementCount = 0
  private queue: Promise<unknown> = Promise.resolve()
  private broken = false

  constructor(
    private readonly client: Client,
    readonly location: string,
    private readonly where: string,
  ) {}

  markBroken(): void {
    this.broken = true
  }

  /** Like PGlite in-process: a statement outside a transaction waits for the transaction to end. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  private async send<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    beforeStatement()
    this.statementCount++
    try {
      return (await this.client.query(sql, params as unknown[] | undefined)).rows as T[]
    } catch (error) {
      throw this.wrap(error)
    }
  }

  query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.exclusive(() => this.send<T>(sql, params))
  }

  async exec(sql: string): Promise<void> {
    await this.exclusive(() => this.send(sql))
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return withRetries(
      () =>
        this.exclusive(async () => {
          await this.send(options.readOnlySnapshot ? `BEGIN ${READ_ONLY_SNAPSHOT}` : 'BEGIN')
          try {
            const result = await fn({query: <R = Row>(sql: string, params: readonly unknown[] = []) => this.send<R>(sql, params)})
            await this.send('COMMIT')
            return result
          } catch (error) {
            if (!this.broken) await this.send('ROLLBACK').catch(() => {})
            throw error
          }
        }),
      options.attempts,
    )
  }

  async listen(): Promise<() => Promise<void>> {
    // This command holds the catalog's only session while it runs: nobody else writes meanwhile.
    return async () => {}
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {})
  }

  private wrap(error: unknown): unknown {
    if (isDiskFull(error)) return openFailure(error, this.where)
    const code = (error as {code?: string}).code
    if (this.broken || code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated|not queryable/i.test((error as Error).message ?? '')) {
      return new CatalogError(`lost the connection to the warm catalog process for ${this.where}`, {
        code: 'CATALOG_UNREACHABLE',
        hint: 'run the command again (a new process starts); `mzcluster catalog status` shows whether the change was made',
      })
    }
    return error
  }
}

/** Ask the catalog's warm process (if any) for its status; null when none answers. */
export async function daemonStatus(dir: string): Promise<DaemonStatus | null> {
  const reply = await hello(dir, 'status', 'status')
  if (reply.kind !== 'answer') return null
  reply.socket.destroy()
  const match = /^STATUS (.*)$/.exec(reply.line)
  if (!match) return null
  try {
    return JSON.parse(match[1] as string) as DaemonStatus
  } catch {
    return null
  }
}

/** Ask the warm process to stop once its active session ends; its pid, or null when none runs. */
export async function requestDaemonStop(dir: string): Promise<number | null> {
  const reply = await hello(dir, 'stop', 'stop')
  if (reply.kind !== 'answer') return null
  reply.socket.destroy()
  const match = /^OK (\d+)$/.exec(reply.line)
  return match ? Number(match[1]) : null
}

/** Stop the warm process and wait (up to `waitMs`) until it is gone; its pid, or null when none ran. */
export async function stopDaemon(dir: string, waitMs: number): Promise<{pid: number; stopped: boolean} | null> {
  const pid = await requestDaemonStop(dir)
  if (pid === null) return null
  const deadline = Date.now() + waitMs
  while (alive(pid) && Date.now() < deadline) await sleep(25)
  return {pid, stopped: !alive(pid)}
}
