// The exclusive lock around an embedded catalog: PGlite cannot be shared between processes (two
// writers silently corrupt it), so one process at a time holds `<dir>.lock`. The file's first line
// is the holder's pid (older mzcluster versions read only that); the second says what holds it (a
// command, the warm catalog process, or `catalog serve`), the third the URL `catalog serve` shares.
// A lock whose holder is dead is stale and taken over.

import {closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync} from 'node:fs'
import {CatalogBusyError, CatalogError} from '../errors.js'

export type LockRole = 'command' | 'daemon' | 'serve'

export interface LockHolder {
  readonly pid: number
  readonly role: LockRole
  /** The postgres:// URL of a `catalog serve` holder. */
  readonly url?: string
}

export interface DirectoryLock {
  /** Record the URL this holder serves the catalog on (catalog serve). */
  announce(url: string): void
  /** Whether the lock file still names this process (nobody removed or took it). */
  held(): boolean
  release(): void
}

export interface LockOptions {
  /** How long to wait for a live holder; 0 fails at once. */
  readonly waitMs?: number
  readonly role?: LockRole
  /** How errors name the location, e.g. `/data/catalog (from --catalog)`. */
  readonly where?: string
  /** Called once per distinct holder while waiting (to say so, or to ask a warm process to stop). */
  readonly onHolder?: (holder: LockHolder) => void
}

export const lockPath = (dir: string): string => `${dir}.lock`

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(path: string): LockHolder | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return null
  }
  const [pidLine, roleLine, urlLine] = text.split('\n')
  const pid = Number.parseInt(pidLine ?? '', 10)
  if (!Number.isFinite(pid) || pid <= 0) return null
  const role: LockRole = roleLine === 'daemon' || roleLine === 'serve' ? roleLine : 'command'
  return urlLine ? {pid, role, url: urlLine} : {pid, role}
}

/** The live holder of the directory's lock, or null when it is free or stale. */
export function lockHolder(dir: string): LockHolder | null {
  const holder = readHolder(lockPath(dir))
  return holder && alive(holder.pid) ? holder : null
}

function contents(role: LockRole, url?: string): string {
  return `${process.pid}\n${role}\n${url ?? ''}\n`
}

function diskError(error: unknown, where: string): CatalogError {
  const code = (error as NodeJS.ErrnoException).code
  const reason =
    code === 'ENOSPC' ? 'no space left on the device' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message
  return new CatalogError(`cannot lock the catalog at ${where}: ${reason}`, {
    code: code === 'ENOSPC' ? 'CATALOG_DISK_FULL' : 'CATALOG_LOCK_FAILED',
    hint: code === 'ENOSPC' ? 'free some space on that file system and run the command again' : undefined,
    cause: error,
  })
}

/** Take the lock, waiting up to `waitMs` for a live holder; a dead holder's lock is taken over. */
export async function lockDirectory(dir: string, options: LockOptions = {}): Promise<DirectoryLock> {
  const path = lockPath(dir)
  const role = options.role ?? 'command'
  const where = options.where ?? dir
  const deadline = Date.now() + (options.waitMs ?? 10_000)
  const seen = new Set<string>()
  for (;;) {
    let fd: number | undefined
    try {
      fd = openSync(path, 'wx', 0o600)
      writeSync(fd, contents(role))
      closeSync(fd)
      return held(path, role, where)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EEXIST') {
        // A lock file we created but could not write (a full disk) must not be left behind.
        if (fd !== undefined) {
          try {
            closeSync(fd)
          } catch {
            // closed already
          }
          try {
            unlinkSync(path)
          } catch {
            // gone already
          }
        }
        throw diskError(error, where)
      }
    }
    const holder = readHolder(path)
    if (holder === null || holder.pid === process.pid || !alive(holder.pid)) {
      // A stale lock (holder gone, or a torn write): remove it and try again.
      try {
        unlinkSync(path)
      } catch {
        // someone else removed it first
      }
      continue
    }
    const key = `${holder.pid}/${holder.role}/${holder.url ?? ''}`
    if (!seen.has(key)) {
      seen.add(key)
      options.onHolder?.(holder)
    }
    if (Date.now() >= deadline) throw new CatalogBusyError(holder.pid, where, holder.url)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function held(path: string, role: LockRole, where: string): DirectoryLock {
  let released = false
  const mine = () => readHolder(path)?.pid === process.pid
  const release = () => {
    if (released) return
    released = true
    process.removeListener('exit', release)
    if (mine()) {
      try {
        unlinkSync(path)
      } catch {
        // already gone
      }
    }
  }
  process.on('exit', release)
  return {
    announce(url: string) {
      try {
        writeFileSync(path, contents(role, url), {mode: 0o600})
      } catch (error) {
        throw diskError(error, where)
      }
    },
    held: () => !released && mine(),
    release,
  }
}
