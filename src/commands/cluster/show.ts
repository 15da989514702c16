import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import type {ClusterView} from '../../lib/ddl/show.js'

export default class ClusterShow extends BaseCommand<typeof ClusterShow> {
  static override summary =
    'Show a cluster: realized config, reconfiguration and burst records, replicas, flags.'
  static override description =
    'A replica is online when the orchestrator reported it online, and hydrated when it is online and every index, materialized view, source and sink of the cluster (except objects pinned to another replica) is reported hydrated on it.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --json | jq .reconfiguration.status',
  ]

  static override args = {
    name: Args.string({description: 'Cluster name.', required: true}),
  }

  public async run(): Promise<ClusterView> {
    const db = await this.catalog()
    const {showCluster} = await import('../../lib/ddl/show.js')
    const view = await showCluster(db, this.args.name)
    if (!this.jsonEnabled()) {
      const {clusterShowLines, CLUSTER_REPLICA_COLUMNS, replicaRows} = await import('../../lib/ddl/render.js')
      for (const line of clusterShowLines(view, Date.now(), this.style)) this.say(line)
      this.say()
      if (view.replicas.length === 0)
        this.say(view.managed ? 'No replicas (yet: the controller creates them).' : 'No replicas.')
      else this.printRows(CLUSTER_REPLICA_COLUMNS, replicaRows(view.replicas))
    }
    return view
  }
}
