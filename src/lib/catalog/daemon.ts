// The warm catalog process, shared facts: where its socket is, whether it is allowed, how long it
// stays idle, and the one-line handshake that precedes the PostgreSQL wire protocol on its socket.
//
//   client → `MZCLUSTER1 <session|stop|status> <pid> <build>\n`
//   session: `WAIT <pid>\n` (the session is in use by that process; repeated when it changes), then
//            `GO\n` and the connection is the client's PostgreSQL session until it closes;
//            `STOPPING\n` or `RESTART\n` (another build) and the connection closes: start again.
//   stop:    `OK <pid>\n` — the process stops once no session is active.
//   status:  `STATUS {json}\n`.

import {statSync} from 'node:fs'
import type {Socket} from 'node:net'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const HELLO = 'MZCLUSTER1'
export const SOCKET_NAME = 'mzcluster.sock'
/** sockaddr_un's sun_path holds 108 bytes, the terminating NUL included. */
const MAX_SOCKET_PATH = 107
export const DEFAULT_IDLE_MS = 5 * 60_000

export type DaemonVerb = 'session' | 'stop' | 'status'

export interface DaemonStatus {
  readonly pid: number
  readonly started_at: number
  readonly idle_timeout_ms: number
  readonly sessions_served: number
  /** The process whose session is active, if any. */
  readonly active_pid: number | null
  readonly waiting: number
}

export function socketPath(dir: string): string {
  return join(dir, SOCKET_NAME)
}

/**
 * Whether commands reach this catalog through the warm process: not with MZCLUSTER_NO_DAEMON set,
 * and not when the socket path would not fit in a Unix socket address (a very deep directory).
 */
export function daemonAllowed(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const optOut = env.MZCLUSTER_NO_DAEMON
  if (optOut !== undefined && optOut !== '' && optOut !== '0' && optOut.toLowerCase() !== 'false') return false
  return Buffer.byteLength(socketPath(dir)) <= MAX_SOCKET_PATH
}

/** MZCLUSTER_DAEMON_IDLE_TIMEOUT as milliseconds (a duration such as 30s or 10m); 5 minutes by default. */
export function idleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.MZCLUSTER_DAEMON_IDLE_TIMEOUT
  if (!text) return DEFAULT_IDLE_MS
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!match) return DEFAULT_IDLE_MS
  const unit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Math.max(100, Math.round(Number(match[1]) * unit))
}

const here = dirname(fileURLToPath(import.meta.url))
/** The daemon's entry script: beside this module in dist/, or dist/ seen from src/ (tests). */
export const DAEMON_MAIN_PATHS = [join(here, 'daemon-main.js'), join(here, '..', '..', '..', 'dist', 'lib', 'catalog', 'daemon-main.js')]

/** Identifies the build: a process of another build is asked to stop and is replaced. */
export function buildId(entry: string): string {
  try {
    return String(Math.round(statSync(entry).mtimeMs))
  } catch {
    return 'unknown'
  }
}

/** Reads one `\n`-terminated line from a socket (at most 64 KiB); the rest stays unread. */
export function readLine(socket: Socket): Promise<string | null> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      const newline = buffer.indexOf(10)
      if (newline >= 0) {
        cleanup()
        const rest = buffer.subarray(newline + 1)
        if (rest.length > 0) socket.unshift(rest)
        resolve(buffer.subarray(0, newline).toString('utf8'))
      } else if (buffer.length > 65_536) {
        cleanup()
        resolve(null)
      }
    }
    const onEnd = () => {
      cleanup()
      resolve(null)
    }
    const cleanup = () => {
      socket.removeListener('data', onData)
      socket.removeListener('end', onEnd)
      socket.removeListener('close', onEnd)
      socket.removeListener('error', onEnd)
      socket.pause()
    }
    socket.on('data', onData)
    socket.on('end', onEnd)
    socket.on('close', onEnd)
    socket.on('error', onEnd)
    socket.resume()
  })
}
