import {BaseCommand} from '../../base-command.js'

export default class CatalogStatus extends BaseCommand<typeof CatalogStatus> {
  static override summary = 'Show where the catalog is, its schema version and what it holds.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq .schema_version']

  public async run(): Promise<Record<string, unknown>> {
    const db = await this.catalog()
    const {catalogStatus} = await import('../../lib/catalog/status.js')
    const status = await catalogStatus(db)
    if (!this.jsonEnabled()) {
      const rows = Object.entries(status).map(([key, value]) => ({key, value}))
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
