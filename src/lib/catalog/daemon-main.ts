// Entry of the warm catalog process (`node daemon-main.js DIR IDLE_MS BUILD`), started detached by
// the first command that needs an embedded catalog. It reports over the IPC channel once — ready,
// busy (another process holds the lock) or the error that stopped it — then lets its parent go.

import {CatalogBusyError, MzclusterError} from '../errors.js'
import {CatalogDaemon} from './daemon-server.js'
import {socketPath} from './daemon.js'
import {openEmbedded} from './pglite.js'

export type DaemonReport =
  | {readonly kind: 'ready'; readonly pid: number}
  | {readonly kind: 'busy'; readonly pid: number}
  | {readonly kind: 'error'; readonly message: string; readonly code: string; readonly hint?: string}

function report(message: DaemonReport): void {
  if (!process.send) return
  process.send(message, () => process.disconnect?.())
}

async function main(): Promise<void> {
  const [dir, idleText, build] = process.argv.slice(2)
  if (!dir || !idleText || !build) throw new Error('usage: daemon-main.js DIR IDLE_MS BUILD')
  // Everything this process creates (the socket above all) is private to its owner.
  process.umask(0o077)
  const db = await openEmbedded(dir, {lockWaitMs: 0, role: 'daemon'})
  const daemon = new CatalogDaemon({
    dir,
    pglite: db.pglite,
    lock: db.lock,
    socketPath: socketPath(dir),
    idleMs: Number(idleText),
    build,
  })
  try {
    await daemon.start()
  } catch (error) {
    await daemon.shutdown()
    throw error
  }
  process.on('SIGTERM', () => daemon.terminate())
  process.on('SIGINT', () => daemon.terminate())
  process.on('SIGHUP', () => {})
  report({kind: 'ready', pid: process.pid})
  await daemon.done
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CatalogBusyError) report({kind: 'busy', pid: error.pid})
    else if (error instanceof MzclusterError) report({kind: 'error', message: error.message, code: error.code, hint: error.hint})
    else report({kind: 'error', message: error instanceof Error ? error.message : String(error), code: 'CATALOG_OPEN_FAILED'})
    process.exitCode = 1
  },
)
