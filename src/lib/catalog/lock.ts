// The exclusive lock around an embedded catalog: PGlite cannot be shared between processes (two
// writers silently corrupt it), so one process at a time holds `<dir>.lock`, which names its pid.

import {closeSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs'
import {CatalogBusyError} from '../errors.js'

export interface DirectoryLock {
  release(): void
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function holder(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10)
    return Number.isFinite(pid) ? pid : null
  } catch {
    return null
  }
}

/** Take the lock, waiting up to `waitMs` for a live holder; a dead holder's lock is taken over. */
export async function lockDirectory(dir: string, waitMs = 2000): Promise<DirectoryLock> {
  const lockPath = `${dir}.lock`
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        process.removeListener('exit', release)
        if (holder(lockPath) === process.pid) {
          try {
            unlinkSync(lockPath)
          } catch {
            // already gone
          }
        }
      }
      process.on('exit', release)
      return {release}
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const pid = holder(lockPath)
    if (pid === null || pid === process.pid || !alive(pid)) {
      // A stale lock (holder gone, or a torn write): remove it and try again.
      try {
        unlinkSync(lockPath)
      } catch {
        // someone else removed it first
      }
      continue
    }
    if (Date.now() >= deadline) throw new CatalogBusyError(pid, dir)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
