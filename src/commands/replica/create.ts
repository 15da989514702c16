import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {Planned, ReplicaListItem} from '../../lib/ddl/show.js'

export default class ReplicaCreate extends BaseCommand<typeof ReplicaCreate> {
  static override summary = 'Create a replica in an unmanaged cluster.'
  static override description =
    "Only unmanaged clusters take manual replicas: the controller owns a managed cluster's replica set (change it with `mzcluster cluster alter --replication-factor` or `--size`). Quote a cluster name that contains dots: '\"my.cluster\".r1'."

  static override examples = [
    '<%= config.bin %> <%= command.id %> scratch.r1 --size 100cc',
    '<%= config.bin %> <%= command.id %> scratch.r2 --size 200cc --availability-zone use1-az2',
  ]

  static override args = {
    replica: Args.string({description: 'CLUSTER.REPLICA', required: true}),
  }

  static override flags = {
    size: Flags.string({
      summary: 'Replica size (see `mzcluster size list`).',
      required: true,
      helpValue: 'SIZE',
    }),
    'availability-zone': Flags.string({
      summary: 'Pin the replica to one availability zone.',
      helpValue: 'AZ',
    }),
    ...dryRunFlag,
  }

  public async run(): Promise<ReplicaListItem | DryRun<Planned<ReplicaListItem>>> {
    const {parseReplicaRef} = await import('../../lib/input/names.js')
    const ref = parseReplicaRef(this.args.replica)
    const db = await this.catalog()
    const {createReplicaStep} = await import('../../lib/ddl/replicas.js')
    const {listReplicas, plannedReplicaItem} = await import('../../lib/ddl/show.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    const step = createReplicaStep(ref, {
      size: this.flags.size,
      availabilityZone: this.flags['availability-zone'],
    })
    if (this.flags['dry-run']) {
      const plan = await previewWrite(db, step)
      const planned = plannedReplicaItem(plan.cluster.name, plan.row)
      const {replicaCreateLines} = await import('../../lib/ddl/render.js')
      return this.dryRunResult(planned, replicaCreateLines(planned, this.style))
    }
    const row = await runWrite(db, step)
    const created = (await listReplicas(db, {cluster: ref.cluster})).find((replica) => replica.id === row.id)
    if (!created) throw new Error(`replica ${row.id} vanished after creation`)
    this.note(
      `Created replica ${JSON.stringify(created.name)} (${created.id}) in cluster ${JSON.stringify(created.cluster_name)}: ${created.size}.`,
    )
    return created
  }
}
