import * as Args from '@oclif/core/args'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import {clusterCreateFlags, clusterOptionInput} from '../../lib/ddl/cluster-flags.js'
import type {ClusterView, Planned} from '../../lib/ddl/show.js'
import {flagSourceFlags, flagSourceInput} from '../../lib/flags/source-flags.js'

export default class ClusterCreate extends BaseCommand<typeof ClusterCreate> {
  static override summary = 'Create a managed or unmanaged cluster.'
  static override description =
    'A managed cluster stores its realized configuration only; the controller creates its replicas on its next tick (`mzcluster tick`, or a running `mzcluster run`). An unmanaged cluster has no size or replication factor: add replicas with `mzcluster replica create`. Names may hold any characters except control characters; quote them for the shell.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod --size 100cc',
    '<%= config.bin %> <%= command.id %> prod --size 200cc --replication-factor 2 --availability-zones use1-az1,use1-az2',
    '<%= config.bin %> <%= command.id %> ingest --size 100cc --hydration-size 800cc --linger 10m',
    '<%= config.bin %> <%= command.id %> nightly --size 400cc --schedule on-refresh --hydration-time-estimate 15m',
    '<%= config.bin %> <%= command.id %> analytics --size 100cc --feature enable_eager_delta_joins=on',
    '<%= config.bin %> <%= command.id %> scratch --unmanaged',
    '<%= config.bin %> <%= command.id %> prod --size 100cc --replication-factor 2 --dry-run --json',
  ]

  static override args = {
    name: Args.string({description: 'Cluster name.', required: true}),
  }

  static override flags = {...clusterCreateFlags, ...flagSourceFlags, ...dryRunFlag}

  public async run(): Promise<ClusterView | DryRun<Planned<ClusterView>>> {
    const {parseClusterOptions} = await import('../../lib/ddl/cluster-options.js')
    const spec = parseClusterOptions(clusterOptionInput(this.flags))
    const db = await this.catalog()
    const {createCluster, createClusterStep} = await import('../../lib/ddl/clusters.js')
    const {plannedClusterView, showClusterById} = await import('../../lib/ddl/show.js')
    if (this.flags['dry-run']) {
      // No create-time flags: resolving them allocates the cluster's id, and a dry run allocates nothing.
      const {previewWrite} = await import('../../lib/catalog/write-step.js')
      const planned = plannedClusterView((await previewWrite(db, createClusterStep(this.args.name, spec))).row)
      const {clusterCreateLines} = await import('../../lib/ddl/render.js')
      return this.dryRunResult(planned, clusterCreateLines(planned, this.style))
    }
    const {clusterCreateHookFor} = await import('../../lib/flags/configured.js')
    const {createTimeFlags, hook} = await clusterCreateHookFor(db, flagSourceInput(this.flags))
    const row = await createCluster(db, this.args.name, spec, {hook, onWarning: (m) => this.warnLine(m)}).finally(() =>
      createTimeFlags?.close(),
    )
    const view = await showClusterById(db, row.id)
    if (!view) throw new Error(`cluster ${row.id} vanished after creation`)
    this.note(
      spec.managed
        ? `Created cluster ${JSON.stringify(view.name)} (${view.id}): ${view.size}, replication factor ${view.replication_factor}; the controller creates its replicas on its next tick.`
        : `Created unmanaged cluster ${JSON.stringify(view.name)} (${view.id}); add replicas with \`mzcluster replica create\`.`,
    )
    return view
  }
}
