// `mzcluster run`: the controller running continuously. One process at a time does the work: a
// lease row in `controller_leases`, renewed every tick and expiring after 1.5 intervals, elects the
// leader; standbys poll it every half interval, so one takes over within two intervals of the
// leader dying. Correctness never depends on the lease (every apply is compare-and-append guarded);
// it only avoids duplicate work. The leader ticks every `cluster_controller_tick_interval` (re-read
// each tick) and at once when a committed write notifies `mzcluster_catalog`. SIGINT/SIGTERM stop
// it after the tick in flight; the lease is released so a standby takes over at once.

import {hostname} from 'node:os'
import {randomBytes} from 'node:crypto'
import {CATALOG_CHANNEL} from '../catalog/audit.js'
import type {Db} from '../catalog/db.js'
import {acquireLease, CONTROLLER_LEASE, releaseLease} from '../catalog/leases.js'
import {SystemParameters} from '../catalog/parameters.js'
import type {FlagsRunEvent, LiveFlagsConfig} from '../flags/live.js'
import type {TickReport} from '../controller/report.js'
import {summarizePlan} from '../output/plan-summary.js'
import {tick} from './tick.js'

export const LEASE_NAME = CONTROLLER_LEASE

export interface RunOptions {
  /** Fixed tick interval (`--interval`); otherwise `cluster_controller_tick_interval`, re-read each tick. */
  readonly intervalMs?: number
  readonly signal: AbortSignal
  readonly log: (event: RunEvent) => void
  /** Do not LISTEN: tick only on the interval (for comparison, or servers without NOTIFY). */
  readonly pollOnly?: boolean
  /** Reopen the catalog after a lost connection (server catalogs). */
  readonly reconnect?: () => Promise<Db>
  /** A flag source: while leading, keep scoped flags synced and resolve new replicas' flags at creation. */
  readonly flags?: LiveFlagsConfig
}

export type RunEvent =
  | {readonly event: 'start'; readonly holder: string; readonly listening: boolean}
  | {readonly event: 'leader'; readonly holder: string}
  | {readonly event: 'standby'; readonly holder: string; readonly leader: string}
  | {readonly event: 'tick'; readonly report: TickReport; readonly durationMs: number; readonly warnings: readonly string[]; readonly woken: boolean}
  | {readonly event: 'controller-off'}
  | {readonly event: 'error'; readonly message: string; readonly retryInMs: number}
  | {readonly event: 'stop'}
  | FlagsRunEvent

/** Try to take or renew the controller's lease; returns the current holder. Uses the database clock. */
export async function acquireControllerLease(db: Db, holder: string, ttlMs: number): Promise<string> {
  return acquireLease(db, LEASE_NAME, holder, ttlMs)
}

export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}

function isConnectionError(error: unknown): boolean {
  const code = (error as {code?: string}).code ?? ''
  return code === 'CATALOG_UNREACHABLE' || /^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code)
}

/** A wake-up that fires on the next notification, or after `ms`, or on abort. */
class Alarm {
  private wake: (() => void) | null = null
  private pending = false

  ring(): void {
    if (this.wake) this.wake()
    else this.pending = true
  }

  async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.pending) {
      this.pending = false
      return true
    }
    return new Promise<boolean>((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        this.wake = null
        resolve(woken)
      }
      const onAbort = () => done(false)
      const timer = setTimeout(() => done(false), ms)
      signal.addEventListener('abort', onAbort, {once: true})
      this.wake = () => done(true)
    })
  }
}

export async function runController(initialDb: Db, options: RunOptions): Promise<void> {
  let db = initialDb
  const holder = newHolderId()
  const alarm = new Alarm()
  const listener: {stop: (() => Promise<void>) | null} = {stop: null}
  let leader = false
  let knownLeader = ''
  let woken = false
  let backoffMs = 500
  // The listening connection died (server restart, terminated backend): handled like any lost
  // connection — logged, backed off, reconnected — instead of silently re-listening on a pool
  // whose other connections are most likely dead too.
  let lostListener: Error | null = null
  const live = options.flags ? new (await import('../flags/live.js')).LiveFlags(options.flags, options.log) : null
  const createTimeFlags = live?.createTimeFlags() ?? null

  const listen = async () => {
    if (db.kind !== 'server' || options.pollOnly || listener.stop) return
    listener.stop = await db.listen(
      CATALOG_CHANNEL,
      (payload) => {
        // The controller's own applies notify too; skip them to avoid a no-op tick after every tick.
        if (payload !== 'controller') alarm.ring()
      },
      (error) => {
        listener.stop = null
        lostListener = error
        alarm.ring()
      },
    )
  }

  options.log({event: 'start', holder, listening: db.kind === 'server' && !options.pollOnly})
  while (!options.signal.aborted) {
    let intervalMs = options.intervalMs ?? 5000
    try {
      if (lostListener) {
        const lost: Error = lostListener
        lostListener = null
        throw Object.assign(new Error(`lost the listening connection to the catalog server: ${lost.message}`), {code: 'CATALOG_UNREACHABLE'})
      }
      await listen()
      const parameters = await SystemParameters.read(db)
      intervalMs = options.intervalMs ?? Math.max(parameters.number('cluster_controller_tick_interval'), 1)
      const current = db.kind === 'server' ? await acquireControllerLease(db, holder, intervalMs * 1.5) : holder
      if (current === holder) {
        if (!leader) options.log({event: 'leader', holder})
        leader = true
        live?.lead(() => db)
        if (!parameters.bool('enable_cluster_controller')) {
          options.log({event: 'controller-off'})
        } else {
          const started = Date.now()
          const {report, warnings} = await tick(db, {createTimeFlags})
          if (report.clusters.length > 0 || warnings.length > 0) {
            options.log({event: 'tick', report, durationMs: Date.now() - started, warnings, woken})
          }
        }
      } else {
        if (leader || current !== knownLeader) options.log({event: 'standby', holder, leader: current})
        leader = false
        await live?.standby()
      }
      knownLeader = current
      backoffMs = 500
    } catch (error) {
      if (!isConnectionError(error) && !(error instanceof Error && /terminat|connect/i.test(error.message))) throw error
      options.log({event: 'error', message: (error as Error).message, retryInMs: backoffMs})
      await listener.stop?.().catch(() => {})
      listener.stop = null
      await alarm.sleep(backoffMs, options.signal)
      backoffMs = Math.min(backoffMs * 2, 30_000)
      if (options.reconnect && !options.signal.aborted) {
        try {
          await db.close().catch(() => {})
          db = await options.reconnect()
        } catch (reconnectError) {
          options.log({event: 'error', message: (reconnectError as Error).message, retryInMs: backoffMs})
        }
      }
      continue
    }
    woken = await alarm.sleep(leader ? intervalMs : intervalMs / 2, options.signal)
    if (!leader) woken = false
  }
  await live?.standby()
  await listener.stop?.().catch(() => {})
  if (db.kind === 'server') await releaseLease(db, LEASE_NAME, holder).catch(() => {})
  options.log({event: 'stop'})
  if (db !== initialDb) await db.close().catch(() => {})
}

/** One log line for a run event (stderr), or its JSON form. */
export function formatRunEvent(event: RunEvent, json: boolean, nowMs = Date.now()): string {
  const ts = new Date(nowMs).toISOString()
  if (json) {
    if (event.event === 'tick') {
      const summary = summarizePlan(event.report)
      return JSON.stringify({
        ts,
        event: 'tick',
        woken: event.woken,
        duration_ms: event.durationMs,
        creates: summary.creates,
        drops: summary.drops,
        state_writes: summary.stateWrites,
        rejected: summary.rejected,
        clusters: event.report.clusters.map((c) => c.clusterName),
        warnings: event.warnings,
      })
    }
    if (event.event === 'flags-sync') {
      return JSON.stringify({
        ts,
        event: 'flags-sync',
        trigger: event.trigger,
        duration_ms: event.durationMs,
        summary: event.summary,
        changes: event.changes,
        warnings: event.warnings,
      })
    }
    return JSON.stringify({ts, ...event})
  }
  switch (event.event) {
    case 'start':
      return `${ts} run: started as ${event.holder}${event.listening ? ', listening on mzcluster_catalog' : ' (polling only)'}`
    case 'leader':
      return `${ts} run: leading (lease held)`
    case 'standby':
      return `${ts} run: standby; ${event.leader} holds the lease`
    case 'controller-off':
      return `${ts} run: the cluster controller is off (enable_cluster_controller = off); nothing done`
    case 'tick': {
      const s = summarizePlan(event.report)
      const names = event.report.clusters.map((c) => c.clusterName).join(', ')
      const rejected = s.rejected > 0 ? `, ${s.rejected} rejected` : ''
      const warnings = event.warnings.map((w) => `\n${ts} run: warning: ${w}`).join('')
      return `${ts} tick${event.woken ? ' (woken)' : ''}: ${s.creates} created, ${s.drops} dropped, ${s.stateWrites} state writes${rejected} [${names}] in ${event.durationMs}ms${warnings}`
    }
    case 'error':
      return `${ts} run: ${event.message}; retrying in ${event.retryInMs}ms`
    case 'stop':
      return `${ts} run: stopped`
    case 'flags-sync':
      return flagsSyncLine(ts, event)
    case 'flags-source':
      return event.available
        ? `${ts} flags: the flag source answers again`
        : `${ts} flags: the flag source is unavailable; keeping the last flags (${event.message})`
    case 'flags-error':
      return `${ts} flags: ${event.message}; retrying at the next change or full sync`
  }
}

const LISTED_CHANGES = 5

/** `… flags (change): 1 added, 0 changed, 1 removed, 0 environment-wide [replica u2 enable_lgalloc=true, …] in 12ms`. */
function flagsSyncLine(ts: string, event: Extract<FlagsRunEvent, {event: 'flags-sync'}>): string {
  const {summary, changes} = event
  const listed = changes.slice(0, LISTED_CHANGES).map((c) => {
    const what = c.scope === 'environment' ? c.name : `${c.scope} ${c.object_id ?? '?'} ${c.name}`
    return c.to === null ? `-${what}` : `${what}=${c.to}`
  })
  if (changes.length > LISTED_CHANGES) listed.push(`${changes.length - LISTED_CHANGES} more`)
  const warnings = event.warnings.map((w) => `\n${ts} flags: warning: ${w}`).join('')
  return `${ts} flags (${event.trigger}): ${summary.added} added, ${summary.updated} changed, ${summary.removed} removed, ${summary.environment} environment-wide${listed.length > 0 ? ` [${listed.join(', ')}]` : ''} in ${event.durationMs}ms${warnings}`
}
