import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import type {LiveFlagsConfig} from '../lib/flags/live.js'
import {flagSourceFlags} from '../lib/flags/source-flags.js'

export default class Run extends BaseCommand<typeof Run> {
  static override summary = 'Run the cluster controller continuously.'
  static override description = `Ticks every cluster_controller_tick_interval (re-read each tick) or --interval. On a server catalog it also listens on mzcluster_catalog and reconciles as soon as a committed write (an alter, a signal report, a flag change) notifies. Logs one line per tick that did something, on stderr (--json: one JSON object per line). Stops cleanly on SIGINT/SIGTERM after the tick in flight.

With a flag source (--flags-file or --sdk-key, else $MZCLUSTER_FLAGS_FILE or $MZCLUSTER_LD_SDK_KEY) the leading run also keeps scoped flags synced with the rules of \`flags sync\`: every change LaunchDarkly streams, or an edit of the flags file, is synced at once, and a full sync runs every --flags-sync-interval (default 60s). Each sync that changed something logs one line. Replicas it creates get their scoped overrides in the same transaction. An unreachable source keeps the last flags and is retried; it never clears rows.

Several run processes against one server are safe (every apply is compare-and-append guarded) and do not duplicate work: one holds a lease and ticks; the others stand by and take over within two intervals if it dies. On an embedded catalog run holds the catalog for its lifetime; share it with \`mzcluster catalog serve\`.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --interval 1s --catalog postgres://mzcluster@db.internal/mzcluster',
    '<%= config.bin %> <%= command.id %> --json 2> controller.log',
    '<%= config.bin %> <%= command.id %> --flags-file flags.json',
    'MZCLUSTER_LD_SDK_KEY=sdk-… <%= config.bin %> <%= command.id %> --flags-sync-interval 5m',
  ]

  static override flags = {
    interval: Flags.string({summary: 'Tick interval (default: cluster_controller_tick_interval).', helpValue: 'DURATION'}),
    'poll-only': Flags.boolean({summary: 'Do not listen for catalog notifications; tick only on the interval.'}),
    ...flagSourceFlags,
    'flags-sync-interval': Flags.string({
      summary: 'With a flag source: interval of the full flags sync (changes are synced at once).',
      helpValue: 'DURATION',
      default: '60s',
    }),
  }

  public async run(): Promise<void> {
    const {parseDuration} = await import('../lib/input/duration.js')
    const intervalMs = this.flags.interval === undefined ? undefined : parseDuration(this.flags.interval)
    if (intervalMs === 0) {
      const {UsageError} = await import('../lib/errors.js')
      throw new UsageError('--interval must be greater than 0')
    }
    const flags = await this.liveFlags()
    const db = await this.catalog()
    const {runController, formatRunEvent} = await import('../lib/ops/run.js')
    const {openCatalog} = await import('../lib/catalog/open.js')
    const abort = new AbortController()
    const stop = () => abort.abort()
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    const json = this.jsonEnabled()
    try {
      await runController(db, {
        intervalMs,
        pollOnly: this.flags['poll-only'],
        signal: abort.signal,
        log: (event) => process.stderr.write(`${formatRunEvent(event, json)}\n`),
        reconnect: db.kind === 'server' ? () => openCatalog(this.catalogLocation) : undefined,
        flags,
      })
    } finally {
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
    }
  }

  /** The flag source to keep synced (flags, else the environment), or none. */
  private async liveFlags(): Promise<LiveFlagsConfig | undefined> {
    const {chooseFlagSource} = await import('../lib/flags/source-options.js')
    const source = chooseFlagSource({flagsFile: this.flags['flags-file'], sdkKey: this.flags['sdk-key']})
    const {parseDuration} = await import('../lib/input/duration.js')
    const fullSyncIntervalMs = parseDuration(this.flags['flags-sync-interval'])
    if (fullSyncIntervalMs === 0) {
      const {UsageError} = await import('../lib/errors.js')
      throw new UsageError('--flags-sync-interval must be greater than 0')
    }
    if (source === null) return undefined
    const {parseKeyMap} = await import('../lib/flags/evaluate.js')
    const {REGISTRY} = await import('../lib/parameters/registry.js')
    const {buildInfo} = await import('../lib/flags/build-info.js')
    const keyMap = this.flags['key-map'] ? parseKeyMap(this.flags['key-map'], REGISTRY) : undefined
    return {source, build: buildInfo(), keyMap, fullSyncIntervalMs}
  }
}
