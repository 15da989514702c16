import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
import type {ClusterDropResult} from '../../lib/ddl/clusters.js'
import {UsageError} from '../../lib/errors.js'

export default class ClusterDrop extends BaseCommand<typeof ClusterDrop> {
  static override summary = 'Drop a cluster and its replicas.'
  static override description =
    'Asks for confirmation on a terminal; scripts pass --yes (without a terminal and without --yes the drop is refused, never prompted). Builtin clusters cannot be dropped. A cluster with objects bound to it is refused unless --cascade, which drops the objects too. Every dropped replica, object and the cluster are audited.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> scratch',
    '<%= config.bin %> <%= command.id %> scratch --yes',
    '<%= config.bin %> <%= command.id %> analytics --cascade --yes',
  ]

  static override args = {
    name: Args.string({description: 'Cluster name.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    cascade: Flags.boolean({summary: 'Also drop the objects bound to the cluster.'}),
  }

  public async run(): Promise<ClusterDropResult> {
    const db = await this.catalog()
    const {dropCluster, planClusterDrop} = await import('../../lib/ddl/clusters.js')
    // Validate (unknown, builtin, bound objects) before asking anything.
    const plan = await planClusterDrop(db, this.args.name, {cascade: this.flags.cascade})
    if (!this.flags.yes) {
      const parts = [`${plan.replicas.length} replica${plan.replicas.length === 1 ? '' : 's'}`]
      if (plan.objects.length > 0)
        parts.push(`${plan.objects.length} object${plan.objects.length === 1 ? '' : 's'}`)
      const confirmed = await this.confirm(
        `Drop cluster ${JSON.stringify(plan.cluster.name)} (${plan.cluster.id}) with ${parts.join(' and ')}?`,
        '--yes',
      )
      if (!confirmed) throw new UsageError('drop cancelled; nothing dropped', {code: 'CANCELLED'})
    }
    const result = await dropCluster(db, this.args.name, {
      cascade: this.flags.cascade,
      expectedId: plan.cluster.id,
    })
    const extra = [
      `${result.dropped_replicas.length} replica${result.dropped_replicas.length === 1 ? '' : 's'}`,
    ]
    if (result.dropped_objects.length > 0)
      extra.push(`${result.dropped_objects.length} object${result.dropped_objects.length === 1 ? '' : 's'}`)
    this.note(
      `Dropped cluster ${JSON.stringify(result.cluster_name)} (${result.cluster_id}) with ${extra.join(' and ')}.`,
    )
    return result
  }
}
