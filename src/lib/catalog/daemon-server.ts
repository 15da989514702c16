// The warm catalog process: it holds the directory lock and one open PGlite, and lends PGlite's one
// session to one client connection at a time over a private Unix socket (0600, inside the 0700
// catalog directory), speaking the PostgreSQL wire protocol. A client holds the session for its
// whole connection — a command's lifetime, as it held the directory lock before — so transactions
// of different commands never interleave; others queue and are told who they wait for. Between
// clients the session is reset (an open transaction rolled back, session state discarded). The
// process stops after an idle period, on request, when its lock or directory disappears, or on
// SIGTERM.

import {chmodSync, existsSync, unlinkSync} from 'node:fs'
import type {Server, Socket} from 'node:net'
import {createServer} from 'node:net'
import {join} from 'node:path'
import type {PGlite} from '@electric-sql/pglite'
import type {DaemonStatus} from './daemon.js'
import {HELLO, readLine} from './daemon.js'
import type {DirectoryLock} from './lock.js'

export interface DaemonOptions {
  readonly dir: string
  readonly pglite: PGlite
  readonly lock: DirectoryLock
  readonly socketPath: string
  readonly idleMs: number
  readonly build: string
}

interface Client {
  readonly socket: Socket
  readonly pid: number
}

const SSL_REQUEST = 80877103
const CANCEL_REQUEST = 80877102
/** A Sync message: ends any extended-protocol exchange a vanished client left half done. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4])

export class CatalogDaemon {
  private server: Server | undefined
  private active: Client | null = null
  private readonly queue: Client[] = []
  private stopping = false
  private closed = false
  private lastActivity = Date.now()
  private sessionsServed = 0
  private readonly startedAt = Date.now()
  private timer: NodeJS.Timeout | undefined
  private resolveDone!: () => void
  /** Resolves once the process has let go of everything (socket, PGlite, lock). */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve))

  constructor(private readonly options: DaemonOptions) {}

  async start(): Promise<void> {
    const {socketPath} = this.options
    // The lock is ours, so a socket file left here is a dead process's.
    if (existsSync(socketPath)) unlinkSync(socketPath)
    const server = createServer((socket) => void this.accept(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socketPath, () => {
        server.removeListener('error', reject)
        resolve()
      })
    })
    chmodSync(socketPath, 0o600)
    this.timer = setInterval(() => this.check(), 500)
  }

  /** Stop once no session is active (queued clients are told to start again). */
  requestStop(): void {
    this.stopping = true
    for (const client of this.queue.splice(0)) client.socket.end('STOPPING\n')
    if (this.active === null) void this.shutdown()
  }

  /** Stop now: the active client loses its connection (its transaction is rolled back). */
  terminate(): void {
    this.stopping = true
    for (const client of this.queue.splice(0)) client.socket.destroy()
    if (this.active) this.active.socket.destroy()
    else void this.shutdown()
  }

  private check(): void {
    if (this.closed) return
    const gone = !this.options.lock.held() || !existsSync(join(this.options.dir, 'PG_VERSION'))
    if (gone) {
      // Someone took the lock or removed the catalog: serving on would risk two writers.
      this.terminate()
      return
    }
    if (this.active === null && this.queue.length === 0 && Date.now() - this.lastActivity >= this.options.idleMs) {
      this.requestStop()
    }
  }

  private status(): DaemonStatus {
    return {
      pid: process.pid,
      started_at: this.startedAt,
      idle_timeout_ms: this.options.idleMs,
      sessions_served: this.sessionsServed,
      active_pid: this.active?.pid ?? null,
      waiting: this.queue.length,
    }
  }

  private async accept(socket: Socket): Promise<void> {
    socket.on('error', () => socket.destroy())
    const line = await readLine(socket)
    const match = line === null ? null : new RegExp(`^${HELLO} (session|stop|status) (\\d+) (\\S+)$`).exec(line)
    if (!match) {
      socket.destroy()
      return
    }
    const [, verb, pidText, build] = match
    this.lastActivity = Date.now()
    if (verb === 'status') {
      socket.end(`STATUS ${JSON.stringify(this.status())}\n`)
      return
    }
    if (verb === 'stop') {
      socket.end(`OK ${process.pid}\n`)
      this.requestStop()
      return
    }
    if (this.stopping) {
      socket.end('STOPPING\n')
      return
    }
    if (build !== this.options.build) {
      // Another mzcluster build: let it start its own process once this one is gone.
      socket.end('RESTART\n')
      this.requestStop()
      return
    }
    const client: Client = {socket, pid: Number(pidText)}
    if (this.active === null) {
      this.grant(client)
      return
    }
    this.queue.push(client)
    socket.write(`WAIT ${this.active.pid}\n`)
    socket.once('close', () => {
      const index = this.queue.indexOf(client)
      if (index >= 0) this.queue.splice(index, 1)
    })
  }

  private grant(client: Client): void {
    this.active = client
    this.sessionsServed++
    client.socket.write('GO\n')
    void this.serve(client).then(
      () => {
        this.active = null
        this.lastActivity = Date.now()
        this.next()
      },
      () => this.fail(),
    )
  }

  private next(): void {
    if (this.stopping) {
      void this.shutdown()
      return
    }
    let client: Client | undefined
    while ((client = this.queue.shift()) !== undefined) {
      if (client.socket.destroyed) continue
      this.grant(client)
      for (const waiting of this.queue) waiting.socket.write(`WAIT ${client.pid}\n`)
      return
    }
  }

  /** Relays one client's wire-protocol messages to PGlite until it leaves, then resets the session. */
  private serve(client: Client): Promise<void> {
    const {pglite} = this.options
    const {socket} = client
    return new Promise<void>((resolve, reject) => {
      let buffer = Buffer.alloc(0)
      let startup = true
      let chain = Promise.resolve()
      let ended = false
      // PGlite hands out views of memory it reuses: copy before the socket queues the bytes.
      const send = (data: Uint8Array) => {
        if (data.length > 0 && socket.writable) socket.write(Buffer.from(data))
      }
      const handle = async (message: Buffer, kind: 'ssl' | 'cancel' | 'startup' | 'typed') => {
        if (socket.destroyed || kind === 'cancel') return
        if (kind === 'ssl') {
          send(Buffer.from('N'))
          return
        }
        if (kind === 'typed' && message[0] === 0x58 /* Terminate */) {
          socket.end()
          return
        }
        await pglite.execProtocolRawStream(new Uint8Array(message), {onRawData: send})
      }
      const onData = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk])
        for (;;) {
          const length = startup ? (buffer.length >= 4 ? buffer.readInt32BE(0) : -1) : buffer.length >= 5 ? buffer.readInt32BE(1) + 1 : -1
          if (length < 0 || buffer.length < length) break
          if (length < (startup ? 8 : 5)) {
            socket.destroy()
            return
          }
          const message = buffer.subarray(0, length)
          buffer = buffer.subarray(length)
          let kind: 'ssl' | 'cancel' | 'startup' | 'typed' = 'typed'
          if (startup) {
            const code = message.readInt32BE(4)
            kind = code === SSL_REQUEST ? 'ssl' : code === CANCEL_REQUEST ? 'cancel' : 'startup'
            // One startup message precedes the typed ones (an SSL request is followed by another).
            if (kind === 'startup') startup = false
          }
          chain = chain.then(() => handle(message, kind)).catch(() => void socket.destroy())
        }
      }
      const finish = () => {
        if (ended) return
        ended = true
        socket.removeListener('data', onData)
        chain = chain
          .catch(() => {})
          .then(() => this.reset())
          .then(resolve, reject)
      }
      socket.on('data', onData)
      socket.on('close', finish)
      socket.on('end', () => socket.end())
      socket.resume()
    })
  }

  /** Back to a clean session for the next client: no half-done exchange, no open transaction. */
  private async reset(): Promise<void> {
    const {pglite} = this.options
    await pglite.execProtocolRawStream(SYNC, {onRawData: () => {}})
    if (pglite.isInTransaction()) await pglite.exec('ROLLBACK')
    await pglite.exec('DISCARD ALL')
  }

  private fail(): void {
    // PGlite could not be reset: never hand a damaged session to the next client.
    this.terminate()
    void this.shutdown()
  }

  async shutdown(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const client of this.queue.splice(0)) client.socket.destroy()
    this.active?.socket.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    try {
      if (this.options.lock.held()) unlinkSync(this.options.socketPath)
    } catch {
      // already gone
    }
    await this.options.pglite.close().catch(() => {})
    this.options.lock.release()
    this.resolveDone()
  }
}
