import {BaseCommand} from '../../base-command.js'

export default class CatalogStop extends BaseCommand<typeof CatalogStop> {
  static override summary = 'Stop the warm catalog process of an embedded catalog.'
  static override description =
    'Commands on an embedded catalog start a background process that keeps the catalog open, so the next command does not pay PGlite’s start-up; it stops by itself after an idle period (MZCLUSTER_DAEMON_IDLE_TIMEOUT, default 5m). This stops it now, after the command using it (if any) finishes. Nothing to do for a server catalog. Set MZCLUSTER_NO_DAEMON=1 to never start it.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --catalog ./my-catalog']

  public async run(): Promise<{stopped: boolean; pid: number | null}> {
    const location = this.catalogLocation
    if (location.kind !== 'embedded') {
      this.note('A server catalog has no warm catalog process; nothing to stop.')
      return {stopped: false, pid: null}
    }
    const {lockTimeoutMs} = await this.catalogOpenOptions()
    const {stopDaemon} = await import('../../lib/catalog/daemon-client.js')
    const outcome = await stopDaemon(location.dir, Math.max(lockTimeoutMs ?? 0, 1000))
    if (outcome === null) {
      this.note(`No warm catalog process is running for ${location.dir}.`)
      return {stopped: false, pid: null}
    }
    this.note(
      outcome.stopped
        ? `Stopped the warm catalog process ${outcome.pid}.`
        : `The warm catalog process ${outcome.pid} stops when the command using it finishes.`,
    )
    return {stopped: outcome.stopped, pid: outcome.pid}
  }
}
