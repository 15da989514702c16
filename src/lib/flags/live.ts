// Scoped flags kept synced while `mzcluster run` leads: the very `flags sync` (syncFlags), run on
// every change the flag source reports — LaunchDarkly's streamed updates, an edit of the flags file —
// and as a periodic full sync. Syncs never overlap; changes arriving during one are folded into the
// next. A source that cannot be reached keeps its last flags (rows are never cleared for it), is
// logged once, and is retried until it answers. Only the lease holder syncs: `lead` starts, `standby`
// stops and closes the source.

import type {Db} from '../catalog/db.js'
import type {BuildInfo} from './contexts.js'
import type {CreateTimeFlags} from './create-time.js'
import {openFlagSource, type FlagSource, type FlagSourceOptions} from './flag-source.js'
import {syncFlags, type SyncChange, type SyncSummary} from './sync.js'

export const DEFAULT_FULL_SYNC_INTERVAL_MS = 60_000

export interface LiveFlagsConfig {
  readonly source: Omit<FlagSourceOptions, 'onLog' | 'onChange' | 'onAvailability'>
  readonly build: BuildInfo
  readonly keyMap?: ReadonlyMap<string, string>
  /** Interval of the full sync that catches anything missed; default 60 s. */
  readonly fullSyncIntervalMs?: number
}

export type SyncTrigger = 'start' | 'change' | 'periodic'

export type FlagsRunEvent =
  | {
      readonly event: 'flags-sync'
      readonly trigger: SyncTrigger
      readonly durationMs: number
      readonly summary: SyncSummary
      readonly changes: readonly SyncChange[]
      readonly warnings: readonly string[]
    }
  | {readonly event: 'flags-source'; readonly available: boolean; readonly message: string}
  | {readonly event: 'flags-error'; readonly message: string}

const RETRY_MIN_MS = 1_000
const RETRY_MAX_MS = 30_000

export class LiveFlags {
  private source: FlagSource | null = null
  private db: (() => Db) | null = null
  private opening = false
  private retryMs = RETRY_MIN_MS
  private timers: NodeJS.Timeout[] = []
  private syncing: Promise<void> | null = null
  private pending: SyncTrigger | null = null
  private available = true
  private lastError: string | null = null
  private lastWarnings = ''

  constructor(
    private readonly config: LiveFlagsConfig,
    private readonly log: (event: FlagsRunEvent) => void,
  ) {}

  get leading(): boolean {
    return this.db !== null
  }

  /** Sync against the catalog `db()` returns (it may be reopened) from now on: the lease is ours. */
  lead(db: () => Db): void {
    if (this.db) {
      this.db = db
      return
    }
    this.db = db
    const every = this.config.fullSyncIntervalMs ?? DEFAULT_FULL_SYNC_INTERVAL_MS
    this.timers.push(
      setInterval(() => {
        void this.source?.refresh?.()
        this.request('periodic')
      }, every),
    )
    void this.open()
  }

  /** Stop syncing and close the source: another process holds the lease (or we are stopping). */
  async standby(): Promise<void> {
    this.db = null
    for (const timer of this.timers.splice(0)) clearTimeout(timer)
    this.pending = null
    await this.syncing
    this.source?.close()
    this.source = null
  }

  /** Create-time resolution through the open source (none while it is not open). */
  createTimeFlags(): CreateTimeFlags {
    return {
      build: this.config.build,
      keyMap: this.config.keyMap,
      source: async () => this.source ?? {unavailable: 'the flag source is not loaded yet'},
    }
  }

  /** Ask for a sync; one already running absorbs it (it runs again once done). */
  request(trigger: SyncTrigger): void {
    if (!this.db || !this.source) return
    if (this.syncing) {
      if (this.pending !== 'change' && this.pending !== 'start') this.pending = trigger
      return
    }
    this.syncing = this.drain(trigger).finally(() => {
      this.syncing = null
    })
  }

  /** Resolves once no sync is running (tests and a clean stop). */
  async idle(): Promise<void> {
    while (this.syncing) await this.syncing
  }

  private async drain(first: SyncTrigger): Promise<void> {
    let trigger: SyncTrigger | null = first
    while (trigger && this.db && this.source) {
      this.pending = null
      await this.syncOnce(trigger, this.db(), this.source)
      trigger = this.pending
    }
  }

  private async syncOnce(trigger: SyncTrigger, db: Db, source: FlagSource): Promise<void> {
    const started = Date.now()
    try {
      const result = await syncFlags(db, {source, build: this.config.build, keyMap: this.config.keyMap})
      this.lastError = null
      const warnings = result.warnings.join('\n')
      const newWarnings = warnings !== this.lastWarnings
      this.lastWarnings = warnings
      if (result.changes.length > 0 || (newWarnings && warnings !== '')) {
        this.log({
          event: 'flags-sync',
          trigger,
          durationMs: Date.now() - started,
          summary: result.summary,
          changes: result.changes,
          warnings: newWarnings ? result.warnings : [],
        })
      }
    } catch (error) {
      // A lost catalog connection is the controller loop's to report and repair; say it once here.
      const message = (error as Error).message
      if (message !== this.lastError) this.log({event: 'flags-error', message: `flags sync failed: ${message}`})
      this.lastError = message
    }
  }

  private setAvailable(available: boolean, message: string): void {
    if (available === this.available) return
    this.available = available
    this.log({event: 'flags-source', available, message})
  }

  private async open(): Promise<void> {
    if (this.opening || this.source || !this.db) return
    this.opening = true
    try {
      const source = await openFlagSource({
        ...this.config.source,
        onChange: () => this.request('change'),
        onAvailability: (available, reason) => this.setAvailable(available, reason),
      })
      if (!this.leading) {
        source.close()
        return
      }
      this.source = source
      this.retryMs = RETRY_MIN_MS
      this.setAvailable(true, '')
      this.request('start')
    } catch (error) {
      this.setAvailable(false, (error as Error).message)
      if (this.leading) {
        this.timers.push(setTimeout(() => void this.open(), this.retryMs))
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
      }
    } finally {
      this.opening = false
    }
  }
}
