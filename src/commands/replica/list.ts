import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {ReplicaListItem} from '../../lib/ddl/show.js'

export default class ReplicaList extends BaseCommand<typeof ReplicaList> {
  static override summary = 'List replicas with their live status: online and hydrated.'
  static override description =
    'All clusters, builtin ones included, unless --cluster. A replica is hydrated when it is online and every index, materialized view, source and sink of its cluster (except objects pinned to another replica) is reported hydrated on it.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --cluster prod',
    "<%= config.bin %> <%= command.id %> --cluster prod --json | jq -r '.[] | select(.hydrated) | .name'",
  ]

  static override flags = {
    cluster: Flags.string({char: 'c', summary: 'Only the replicas of this cluster.', helpValue: 'NAME'}),
  }

  public async run(): Promise<ReplicaListItem[]> {
    const db = await this.catalog()
    const {listReplicas} = await import('../../lib/ddl/show.js')
    const replicas = await listReplicas(db, {cluster: this.flags.cluster})
    if (!this.jsonEnabled()) {
      const {REPLICA_LIST_COLUMNS, replicaRows} = await import('../../lib/ddl/render.js')
      this.printRows(REPLICA_LIST_COLUMNS, replicaRows(replicas))
    }
    return replicas
  }
}
