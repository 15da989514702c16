import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {ClusterView} from '../../lib/ddl/show.js'

export default class ClusterList extends BaseCommand<typeof ClusterList> {
  static override summary =
    'List clusters (SHOW CLUSTERS): name, replicas, activity, size, replication factor.'
  static override description =
    'Lists builtin clusters too, marked in the BUILTIN column, as SHOW CLUSTERS does; --no-builtin leaves them out. Piped, the output is tab-separated with a header line. --json prints the `cluster show` object of every cluster.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --no-builtin',
    "<%= config.bin %> <%= command.id %> --json | jq -r '.[] | select(.activity != null) | .name'",
  ]

  static override flags = {
    builtin: Flags.boolean({
      summary: 'Include builtin clusters (default); --no-builtin hides them.',
      default: true,
      allowNo: true,
    }),
  }

  public async run(): Promise<ClusterView[]> {
    const db = await this.catalog()
    const {listClusters} = await import('../../lib/ddl/show.js')
    const views = await listClusters(db, {includeBuiltin: this.flags.builtin})
    if (!this.jsonEnabled()) {
      const {CLUSTER_LIST_COLUMNS, clusterListRows} = await import('../../lib/ddl/render.js')
      this.printRows(CLUSTER_LIST_COLUMNS, clusterListRows(views))
    }
    return views
  }
}
