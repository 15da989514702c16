import {Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'

export default class Run extends BaseCommand<typeof Run> {
  static override summary = 'Run the cluster controller continuously.'
  static override description = `Ticks every cluster_controller_tick_interval (re-read each tick) or --interval. On a server catalog it also listens on mzcluster_catalog and reconciles as soon as a committed write (an alter, a signal report, a flag change) notifies. Logs one line per tick that did something, on stderr (--json: one JSON object per line). Stops cleanly on SIGINT/SIGTERM after the tick in flight.

Several run processes against one server are safe (every apply is compare-and-append guarded) and do not duplicate work: one holds a lease and ticks; the others stand by and take over within two intervals if it dies. On an embedded catalog run holds the catalog for its lifetime; share it with \`mzcluster catalog serve\`.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --interval 1s --catalog postgres://mzcluster@db.internal/mzcluster',
    '<%= config.bin %> <%= command.id %> --json 2> controller.log',
  ]

  static override flags = {
    interval: Flags.string({summary: 'Tick interval (default: cluster_controller_tick_interval).', helpValue: 'DURATION'}),
    'poll-only': Flags.boolean({summary: 'Do not listen for catalog notifications; tick only on the interval.'}),
  }

  public async run(): Promise<void> {
    const {parseDuration} = await import('../lib/input/duration.js')
    const intervalMs = this.flags.interval === undefined ? undefined : parseDuration(this.flags.interval)
    if (intervalMs === 0) {
      const {UsageError} = await import('../lib/errors.js')
      throw new UsageError('--interval must be greater than 0')
    }
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
      })
    } finally {
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
    }
  }
}
