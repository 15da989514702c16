import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {ClusterDropResult} from '../../lib/ddl/clusters.js'

export default class ClusterDrop extends BaseCommand<typeof ClusterDrop> {
  static override summary = 'Drop a cluster and its replicas.'
  static override description =
    'Asks for confirmation on a terminal; scripts pass --yes (without a terminal and without --yes the drop is refused, never prompted). Declining the prompt drops nothing and exits 0. --dry-run lists what would be dropped and never asks. Builtin clusters cannot be dropped. A cluster with objects bound to it is refused unless --cascade, which drops the objects too. Every dropped replica, object and the cluster are audited.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> scratch',
    '<%= config.bin %> <%= command.id %> scratch --yes',
    '<%= config.bin %> <%= command.id %> analytics --cascade --yes',
    '<%= config.bin %> <%= command.id %> analytics --cascade --dry-run',
  ]

  static override args = {
    name: Args.string({description: 'Cluster name.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    cascade: Flags.boolean({summary: 'Also drop the objects bound to the cluster.'}),
    ...dryRunFlag,
  }

  public async run(): Promise<ClusterDropResult | DryRun<ClusterDropResult> | undefined> {
    const db = await this.catalog()
    const {clusterDropResult, dropClusterStep, planClusterDrop} = await import('../../lib/ddl/clusters.js')
    const {clusterDropLines} = await import('../../lib/ddl/render.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    if (this.flags['dry-run']) {
      const planned = clusterDropResult(
        await previewWrite(db, dropClusterStep(this.args.name, {cascade: this.flags.cascade})),
      )
      return this.dryRunResult(planned, clusterDropLines(planned, {dryRun: true}, this.style))
    }
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
      if (!confirmed) {
        // Declining is an answer, not an error: nothing is dropped and the command succeeds.
        this.note(`Cluster ${JSON.stringify(plan.cluster.name)} not dropped.`)
        return undefined
      }
    }
    const result = await runWrite(
      db,
      dropClusterStep(this.args.name, {cascade: this.flags.cascade, expectedId: plan.cluster.id}),
    )
    for (const line of clusterDropLines(result, {dryRun: false}, this.errStyle)) this.note(line)
    return result
  }
}
