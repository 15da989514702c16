import {BaseCommand} from '../../base-command.js'

export default class CatalogStatus extends BaseCommand<typeof CatalogStatus> {
  static override summary = 'Show where the catalog is, its schema version and what it holds.'
  static override description =
    'For an embedded catalog it also says whether the warm catalog process is running (`warm`, its pid and idle timeout), or `disabled` under MZCLUSTER_NO_DAEMON.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq .schema_version']

  public async run(): Promise<Record<string, unknown>> {
    const db = await this.catalog()
    const {catalogStatus} = await import('../../lib/catalog/status.js')
    const status: Record<string, unknown> = await catalogStatus(db)
    const location = this.catalogLocation
    if (location.kind === 'embedded') {
      const {daemonAllowed} = await import('../../lib/catalog/daemon.js')
      const {daemonStatus} = await import('../../lib/catalog/daemon-client.js')
      const warm = daemonAllowed(location.dir) ? await daemonStatus(location.dir) : null
      status.warm = warm !== null
      status.warm_process = daemonAllowed(location.dir) ? (warm === null ? 'off' : 'running') : 'disabled'
      status.warm_pid = warm?.pid ?? null
      status.warm_idle_timeout_ms = warm?.idle_timeout_ms ?? null
    }
    if (!this.jsonEnabled()) {
      const rows = Object.entries(status).map(([key, value]) => ({key, value: value ?? ''}))
      this.printRows(
        [
          {key: 'key', header: 'FIELD'},
          {key: 'value', header: 'VALUE'},
        ],
        rows,
      )
    }
    return status
  }
}
